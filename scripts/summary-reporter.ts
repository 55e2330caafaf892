import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends each vitest run with one plain line, `<project>: N passed, N failed, N skipped`, that any
 * CI log reader can parse. The default reporter still prints everything else.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    const projects = new Set<string>();
    for (const mod of testModules) {
      projects.add(mod.project.name || 'tests');
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) count.failed++; // a file that failed to load
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') count.failed++;
        else count.skipped++;
      }
    }
    const label = [...projects].join('+') || 'tests';
    process.stdout.write(`\n${label}: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`);
  }
}
