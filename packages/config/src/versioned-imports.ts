import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

let registered = false;

/**
 * Registers the hook of `versioned-imports-hooks.ts` (once): from then on, a
 * module file imported anew by `currentModuleUrl` (`?m3ugen-load=N`)
 * imports its local modules anew too, rather than the modules Node kept
 * from the first import. Only a process that imports a config or plugin
 * with local imports a second time registers it: registering hooks costs
 * tens of milliseconds, which a run that loads its config once does not pay.
 */
export function registerVersionedImports(): void {
  if (registered) return;
  // Hooks run in Node's own loader, which needs JavaScript: the built file, also when this module runs from its sources (the tests, after `pnpm build`).
  const beside = new URL('./versioned-imports-hooks.js', import.meta.url);
  register(existsSync(fileURLToPath(beside)) ? beside : new URL('../dist/versioned-imports-hooks.js', import.meta.url));
  registered = true;
}
