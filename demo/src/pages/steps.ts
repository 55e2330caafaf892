import type { RecoveryFlow } from '@twofold/client';
import { esc } from '../ui.js';

type Kind = RecoveryFlow['kind'];
type Step = RecoveryFlow['steps'][number]['name'];

const STEPS: Record<Kind, [Step, string][]> = {
  credential_reset: [
    ['pin', 'Choose a new PIN'],
    ['face', 'Verify your face'],
    ['passkey', 'Set up your passkey again'],
  ],
  new_device: [
    ['code', 'Recovery code checked'],
    ['face', 'Verify your face'],
    ['passkey', 'Create a passkey on this device'],
  ],
};

/**
 * The steps of a recovery flow as a checklist (from the server's record, so a resumed flow shows
 * where it stands). Before the flow exists, `current` says which step the page is on.
 */
export function stepsList(kind: Kind, flow: RecoveryFlow | null, current: RecoveryFlow['step']): string {
  const done = new Set(flow?.steps.filter((s) => s.done).map((s) => s.name) ?? []);
  const next = flow ? flow.step : current;
  return `<ol class="flow-steps" id="flow-steps">${STEPS[kind]
    .map(([s, label]) =>
      done.has(s)
        ? `<li class="done" data-step="${s}">${esc(label)}<span class="sr-only"> (done)</span></li>`
        : `<li class="${s === next ? 'now' : ''}" data-step="${s}"${s === next ? ' aria-current="step"' : ''}>${esc(label)}</li>`,
    )
    .join('')}</ol>`;
}
