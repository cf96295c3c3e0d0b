import { readFileSync } from 'node:fs';
import { createGenerationHooks, HOOK_SIGNATURES } from '@m3ugen/core';
import { describe, expect, it } from 'vitest';

const guide = readFileSync(new URL('../docs/plugins.md', import.meta.url), 'utf8');

/** Rows of the "Hooks reference" table: name, kind, arguments. */
function documentedHooks(): { name: string; kind: string; args: string[] }[] {
  const section = guide.slice(guide.indexOf('## Hooks reference'));
  return [...section.matchAll(/^\| `(\w+)` \| (\w+) \| ([^|]+) \|/gm)].map((m) => ({
    name: m[1]!,
    kind: m[2]!,
    args: m[3]!.split(',').map((a) => a.trim()),
  }));
}

describe('docs/plugins.md hooks reference', () => {
  it('lists every hook, in firing order, with its kind and arguments as the code declares them', () => {
    const hooks = createGenerationHooks() as unknown as Record<string, { constructor: { name: string } }>;
    const fromCode = Object.entries(HOOK_SIGNATURES).map(([name, args]) => ({ name, kind: hooks[name]!.constructor.name, args: [...args] }));
    expect(documentedHooks()).toEqual(fromCode);
  });
});
