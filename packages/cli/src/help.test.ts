import { describe, expect, it } from 'vitest';
import { OPTIONS, parseFlags, UsageError } from './args.js';
import { commandHelp } from './help.js';

/** The flags a help text lists, long and short: `-i, --input FILE|-` gives `--input` and `-i`. */
function listedFlags(help: string): { long: string; short: string | undefined }[] {
  return [...help.matchAll(/^ {2}(?:(-\w), | {4})(--[\w-]+)/gm)].map((match) => ({ long: match[2]!, short: match[1] }));
}

/** A value the flag takes, or none for a switch. */
function valueFor(flag: string): string[] {
  const values: Record<string, string> = { '--base-url': 'http://a.example', '--proxy-id': '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--max-memory-mb': '64', '--workers': '2' };
  return ['--skip-invalid', '--strict', '--quiet', '--verbose', '--watch'].includes(flag) ? [] : [values[flag] ?? 'x'];
}

describe('commandHelp', () => {
  it.each(['generate', 'validate', 'init'] as const)('lists for %s exactly the flags it takes, each short form as one', (command) => {
    const listed = listedFlags(commandHelp(command));
    for (const { long, short } of listed) {
      expect(() => parseFlags(command, [long, ...valueFor(long)]), long).not.toThrow();
      if (short !== undefined) expect(parseFlags(command, [short, ...valueFor(long)])).toEqual(parseFlags(command, [long, ...valueFor(long)]));
    }
    // generate lists every flag there is; validate refuses those it does not list.
    const all = listedFlags(commandHelp('generate')).map(({ long }) => long);
    expect(all).toEqual(Object.keys(OPTIONS).map((flag) => `--${flag}`));
    const mine = new Set(listed.map(({ long }) => long));
    for (const flag of all.filter((flag) => !mine.has(flag))) {
      expect(() => parseFlags(command, [flag, ...valueFor(flag)]), flag).toThrow(UsageError);
    }
  });

  it('names the config key a flag overrides, and fits 80 columns', () => {
    const help = commandHelp('generate');
    expect(help).toMatch(/--base-url URL {6}the proxy's base URL/);
    expect(help).toContain('[web.base_url]');
    expect(help).toContain('[proxy_generation.memory.max_memory_mb]');
    for (const line of [...help.split('\n'), ...commandHelp('validate').split('\n')]) expect(line.length, line).toBeLessThanOrEqual(80);
  });
});
