import { readdirSync, readFileSync } from 'node:fs';
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

describe('the error codes in the core README', () => {
  it('list every code the packages raise, and no other', () => {
    const packages = new URL('../packages/', import.meta.url);
    const raised = new Set<string>();
    for (const name of readdirSync(packages)) {
      const src = new URL(`${name}/src/`, packages);
      for (const file of readdirSync(src, { recursive: true }) as string[]) {
        if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
        const text = readFileSync(new URL(file, src), 'utf8');
        for (const match of text.matchAll(/(?:new M3ugenError|super)\(\s*'(E_[A-Z_]+)'/g)) raised.add(match[1]!);
      }
    }
    const readme = readFileSync(new URL('../packages/core/README.md', import.meta.url), 'utf8');
    const documented = new Set([...readme.matchAll(/^ {2}\| (`E_[A-Z_]+`(?:, `E_[A-Z_]+`)*) \|/gm)].flatMap((m) => m[1]!.split(', ').map((code) => code.slice(1, -1))));
    expect(raised.size).toBeGreaterThan(8);
    expect([...documented].sort()).toEqual([...raised].sort());
  });
});

describe('docs/troubleshooting.md', () => {
  it("explains every warning code core raises, in its table", () => {
    const declared = readFileSync(new URL('../packages/core/src/run/warnings.ts', import.meta.url), 'utf8');
    const union = declared.slice(declared.indexOf('export type WarningCode'), declared.indexOf(';', declared.indexOf('export type WarningCode')));
    const codes = [...union.matchAll(/\| '([a-z-]+)'/g)].map((m) => m[1]!);
    const doc = readFileSync(new URL('../docs/troubleshooting.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(4);
    expect([...rows].sort()).toEqual([...codes].sort());
  });
});
