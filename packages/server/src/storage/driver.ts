/**
 * The database drivers are optional peer dependencies of `@twofold/server` (a team installs the
 * one its store uses: `pg` or `@electric-sql/pglite`). The store subpaths import theirs when a
 * store is created, so a missing driver is a sentence with the install line, not Node's bare
 * "Cannot find package".
 */

/** `load()` (an `import()` of `name`), or an Error naming `npm install <name>` when it is not installed. */
export async function importDriver<T>(name: string, usedBy: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(name)) {
      throw new Error(
        `${usedBy} needs ${name}, an optional peer dependency of @twofold/server that is not installed here. Install it in your app:\n  npm install ${name}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
