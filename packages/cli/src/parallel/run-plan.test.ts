import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliFlags } from '../args.js';
import type { PreparedRun } from '../prepare.js';
import { estimatedChannels } from './run-plan.js';

const RECORD = '{"assigned_number": 1, "channel": {"id": "a", "channel_name": "A"}}\n';

/** What estimatedChannels reads of a prepared run: the input file, its reader's format, and the config's strategy. */
function preparedFor(path: string, bytes: number | undefined, strategy?: string): PreparedRun {
  return {
    inputPath: path,
    inputFileBytes: bytes,
    reader: { format: 'ndjson', compression: undefined },
    loaded: { config: { proxy_generation: strategy === undefined ? undefined : { strategy } } },
  } as unknown as PreparedRun;
}

describe('estimatedChannels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'm3ugen-run-plan-'));
  const file = join(dir, 'channels.ndjson');
  writeFileSync(file, RECORD.repeat(5));
  const bytes = RECORD.length * 5;

  it('sizes a file for automatic selection only', () => {
    expect(estimatedChannels(preparedFor(file, bytes), {} as CliFlags)).toBe(5);
    expect(estimatedChannels(preparedFor(file, bytes, 'streaming'), {} as CliFlags)).toBeUndefined();
    expect(estimatedChannels(preparedFor(file, bytes), { strategy: 'in-memory' } as CliFlags)).toBeUndefined();
    expect(estimatedChannels(preparedFor('-', undefined), {} as CliFlags)).toBeUndefined(); // stdin
  });

  it('reads the file once per prepared run: the worker plan and the strategy selection share the estimate', () => {
    const once = join(dir, 'once.ndjson');
    writeFileSync(once, RECORD.repeat(3));
    const prepared = preparedFor(once, RECORD.length * 3);
    expect(estimatedChannels(prepared, {} as CliFlags)).toBe(3);
    rmSync(once);
    expect(estimatedChannels(prepared, {} as CliFlags)).toBe(3);
  });

  it('gives no estimate, rather than failing the run, for a file removed since its reader opened it', () => {
    const gone = join(dir, 'gone.ndjson');
    writeFileSync(gone, RECORD);
    rmSync(gone);
    expect(estimatedChannels(preparedFor(gone, RECORD.length), {} as CliFlags)).toBeUndefined();
  });
});
