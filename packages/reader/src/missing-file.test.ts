import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openChannelReader } from './channel-reader.js';
import { missingFileHint } from './missing-file.js';

describe('missingFileHint', () => {
  const folder = mkdtempSync(join(tmpdir(), 'm3ugen-missing-'));
  writeFileSync(join(folder, 'channels.ndjson'), '');
  writeFileSync(join(folder, 'bom.ndjson'), '');
  // A folder named like the path is no file to read.
  mkdirSync(join(folder, 'channel.ndjson'));

  it('names the file beside the path that it most likely meant, in the folder the path was shown with', () => {
    expect(missingFileHint(join(folder, 'chanels.ndjson'), 'exports/chanels.ndjson')).toBe(' (did you mean "exports/channels.ndjson"?)');
    expect(missingFileHint(join(folder, 'channels.json'), 'channels.json')).toBe(' (did you mean "channels.ndjson"?)');
    expect(missingFileHint(join(folder, 'channels'))).toBe(` (did you mean ${JSON.stringify(join(folder, 'channels.ndjson'))}?)`);
    expect(missingFileHint(join(folder, 'guide.xml'))).toBe('');
    // Two letters off in a short stem is another file, however alike the whole names are.
    expect(missingFileHint(join(folder, 'none.ndjson'))).toBe('');
    expect(missingFileHint(join(folder, 'bmo.ndjson'), 'bmo.ndjson')).toBe(' (did you mean "bom.ndjson"?)');
    expect(missingFileHint(join(folder, 'tom.ndjson'), 'tom.ndjson')).toBe(' (did you mean "bom.ndjson"?)');
    expect(missingFileHint(join(folder, 'CHANNELS.NDJSON'), 'CHANNELS.NDJSON')).toBe(' (did you mean "channels.ndjson"?)');
  });

  it('says a folder that does not exist, before any file in it', () => {
    expect(missingFileHint(join(folder, 'exports', 'channels.ndjson'), 'exports/channels.ndjson')).toBe(' (its folder "exports" does not exist)');
    expect(missingFileHint(join(folder, 'channels.ndjson', 'x.ndjson'), 'channels.ndjson/x.ndjson')).toBe(' (its folder "channels.ndjson" does not exist)');
  });

  it("ends the reader's error for an input that is not there", async () => {
    await expect(openChannelReader(join(folder, 'chanels.ndjson'))).rejects.toThrow(`cannot read the input: no such file (did you mean ${JSON.stringify(join(folder, 'channels.ndjson'))}?)`);
  });
});
