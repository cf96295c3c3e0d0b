import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

/** What Node passes a resolve hook; only what m3ugen's hooks read. */
export interface ResolveContext {
  readonly parentURL?: string | undefined;
}

/** What a resolve hook returns. */
export interface Resolved {
  readonly url: string;
  readonly format?: string | null | undefined;
  readonly shortCircuit?: boolean | undefined;
}

/** What a load hook returns. */
export interface Loaded {
  readonly format: string;
  readonly source?: string | ArrayBuffer | Uint8Array | null | undefined;
  readonly shortCircuit?: boolean | undefined;
}

/** Hooks files registered in this thread, by name. */
const registered = new Set<string>();

/**
 * Registers the module customization hooks of `dist/NAME.js` (`name`:
 * `typescript-hooks`, `versioned-imports-hooks`) with Node's loader, once per
 * thread. Hooks run in Node's own loader, which needs JavaScript: the built
 * file, also when this module runs from its sources (the tests, after
 * `pnpm build`).
 */
export function registerHooksFile(name: string): void {
  if (registered.has(name)) return;
  const beside = new URL(`./${name}.js`, import.meta.url);
  register(existsSync(fileURLToPath(beside)) ? beside : new URL(`../dist/${name}.js`, import.meta.url));
  registered.add(name);
}
