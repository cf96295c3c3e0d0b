import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

let registered = false;

/**
 * Lets this thread import TypeScript files, which Node 20 cannot: registers
 * the hooks of `typescript-hooks.ts` (once per thread; a worker thread
 * registers its own). Every `.ts`, `.mts` or `.cts` file imported afterwards
 * is transpiled in memory as it loads, so a TypeScript plugin or config may
 * import other TypeScript files, and nothing is written beside them.
 */
export function registerTypeScript(): void {
  if (registered) return;
  // Hooks run in Node's own loader, which needs JavaScript: the built file, also when this module runs from its sources (the tests, after `pnpm build`).
  const beside = new URL('./typescript-hooks.js', import.meta.url);
  register(existsSync(fileURLToPath(beside)) ? beside : new URL('../dist/typescript-hooks.js', import.meta.url));
  registered = true;
}
