import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { EntryCache, InputError, M3ugenError, parseNumberedChannel, type NumberedChannel } from '@m3ugen/core';
import { openChannelReader } from '@m3ugen/reader';
import { createGenerator } from '@m3ugen/preset-default';
import { describe, expect, it } from 'vitest';
import { makeChannels } from './support/channels.js';

// Integrators hand the generator records built in code: ORM rows with lazy
// getters, Proxies over other models. When reading one throws, the error must
// still say which record and which field, as a bad field of a file does.

/** `channels` with record `at`'s field (on the channel, or the record itself) replaced by a getter that throws. */
function withThrowingGetter(channels: NumberedChannel[], at: number, field: string, onRecord = false): NumberedChannel[] {
  const copy = channels.map((nc) => ({ ...nc, channel: { ...nc.channel } }));
  const target = onRecord ? copy[at]! : copy[at]!.channel;
  Object.defineProperty(target, field, {
    enumerable: true,
    get() {
      throw new Error('lazy field not loaded');
    },
  });
  return copy;
}

async function failureOf(run: Promise<unknown>): Promise<Error> {
  const outcome = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the run to fail');
  return outcome;
}

describe('a record whose field cannot be read', () => {
  const channels = makeChannels(600);

  describe.each(['in-memory', 'streaming'] as const)('with the %s strategy', (strategy) => {
    it.each([
      ['channel', 'tvgLogo', false, 'channel.tvg_logo'],
      ['channel', 'channelName', false, 'channel.channel_name'],
      ['record', 'assignedNumber', true, 'assigned_number'],
      ['record', 'channel', true, 'channel'],
    ] as const)('on the %s (%s) fails the run naming the record and the field', async (_on, field, onRecord, named) => {
      const generator = createGenerator({ baseUrl: 'http://localhost:8080', strategy });
      const error = await failureOf(generator.generate(withThrowingGetter(channels, 300, field, onRecord)));
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(`record 300: field "${named}": cannot be read: lazy field not loaded`);
      expect((error as InputError).location).toMatchObject({ index: 300, field: named });
      expect((error.cause as Error).message).toBe('lazy field not loaded');
    });
  });

  it("is the plugin's failure when a plugin's read of it threw", async () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080' });
    generator.hooks.streamUrl.tap('reads-catchup', (url, nc) => `${url}?days=${String(nc.channel['catchup_days'])}`);
    const error = await failureOf(generator.generate(withThrowingGetter(channels, 300, 'catchup_days')));
    expect(error).toMatchObject({ code: 'E_PLUGIN', message: 'plugin "reads-catchup" failed in hook "streamUrl" at channel index 300: lazy field not loaded' });
  });

  it('is named the same when an EntryCache compares it with the entry it kept', async () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080' });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    expect(cache.stats.size).toBe(channels.length);
    const error = await failureOf(generator.generate(withThrowingGetter(channels, 42, 'groupTitle'), { cache }));
    expect(error.message).toBe('record 42: field "channel.group_title": cannot be read: lazy field not loaded');
  });

  it('is named by a strategy rendering entry by entry', async () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080' });
    generator.strategies.register({
      name: 'one-by-one',
      description: 'renders each channel with renderEntry',
      contract: { estimateMemoryBytes: () => 0, supportedPressure: ['optimal'], canTakeOverMidStage: false, boundedMemory: true, preference: 0, automatic: false },
      async generate(run) {
        await run.output.write(run.renderHeader());
        for (let batch = await run.source.nextBatch(); batch !== undefined; batch = await run.source.nextBatch()) {
          for (let i = batch.start; i < batch.end; i++) await run.output.write(run.renderEntry(batch.channels[i]!, batch.firstIndex + i - batch.start));
        }
      },
    });
    const error = await failureOf(generator.generate(withThrowingGetter(channels, 7, 'tvgName'), { strategy: 'one-by-one' }));
    expect(error.message).toBe('record 7: field "channel.tvg_name": cannot be read: lazy field not loaded');
  });
});

describe('a record from code whose optional field is not text', () => {
  const channels = makeChannels(600);
  const withField = (at: number, field: string, value: unknown): NumberedChannel[] =>
    channels.map((nc, i) => (i === at ? { ...nc, channel: { ...nc.channel, [field]: value } } : nc));

  describe.each([
    ['in-memory', false],
    ['streaming', false],
    ['in-memory', true],
  ] as const)('with the %s strategy (attribute taps: %s)', (strategy, tapped) => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080', strategy });
    if (tapped) generator.hooks.entryAttributes.tap('passes-through', (list) => list);

    it.each([
      ['tvgLogo', { url: 'http://logo/1.png' }, 'channel.tvg_logo', 'an object'],
      ['groupTitle', ['News', 'Sports'], 'channel.group_title', 'an array'],
      ['tvgName', () => 'Name', 'channel.tvg_name', 'a function'],
      ['tvgId', Symbol('id'), 'channel.tvg_id', 'symbol Symbol(id)'],
    ])('fails naming the record and the field for %s holding %s, as a record of a file would, not writing "[object Object]" or a joined list', async (field, value, named, got) => {
      const error = await failureOf(generator.generate(withField(300, field, value)));
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(`record 300: field "${named}": expected a string or null, got ${got}`);
    });

    it('writes a number or boolean as its text (what TypeScript callers cannot pass, JavaScript ones may)', async () => {
      const { playlist } = await generator.generate([{ assignedNumber: 1, channel: { id: '550e8400-e29b-41d4-a716-446655440001', channelName: 'A', tvgId: 42 as never, groupTitle: true as never } }]);
      expect(playlist.split('\n')[1]).toBe('#EXTINF:-1 tvg-id="42" tvg-name="" tvg-logo="" tvg-chno="1" group-title="true",A');
    });
  });

  it('says "nothing" for a hole in the array of records', async () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080' });
    // eslint-disable-next-line no-sparse-arrays
    const error = await failureOf(generator.generate([channels[0]!, , channels[2]!] as NumberedChannel[]));
    expect(error.message).toBe('record 1: field "(record)": expected a channel record (an object), got nothing');
  });
});

describe('a record from code missing a required field', () => {
  it('names the field of the record that looks like the one missing (a misspelt key)', async () => {
    const id = '550e8400-e29b-41d4-a716-446655440009';
    const generator = createGenerator({ baseUrl: 'http://localhost:8080' });
    const misspelt = { assignedNumber: 9, channel: { id, channelname: 'Nine' } } as unknown as NumberedChannel;
    const error = await failureOf(generator.generate([...makeChannels(2), misspelt]));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('record 2: field "channel.channel_name": required field is missing; the record has "channelname" (misspelt?)');
    const numberless = { number: 9, channel: { id, channelName: 'Nine' } } as unknown as NumberedChannel;
    expect((await failureOf(generator.generate([numberless]))).message).toBe('record 0: field "assigned_number": required field is missing');
  });
});

describe('a dropChannel tap given a record from code', () => {
  const radioFilter = () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080' });
    generator.hooks.dropChannel.tap('radio-filter', (nc) => (nc.channel.groupTitle ?? '').startsWith('Radio'));
    return generator;
  };

  it('that fails on a record missing what every record has is the input\'s failure, not the plugin\'s', async () => {
    const broken = { assignedNumber: 2 } as NumberedChannel;
    const error = await failureOf(radioFilter().generate([...makeChannels(2), broken]));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('record 2: field "channel": required field is missing');
  });

  it("that fails on a valid record is the plugin's failure", async () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080' });
    generator.hooks.dropChannel.tap('strict-filter', (nc) => (nc.channel['region'] as string).startsWith('EU'));
    const error = await failureOf(generator.generate(makeChannels(2)));
    expect(error).toMatchObject({ code: 'E_PLUGIN' });
    expect(error.message).toMatch(/^plugin "strict-filter" failed in hook "dropChannel" at channel index 0: /);
  });

  it('drops a record it rejects before the record is checked: a dropped record is not the playlist\'s', async () => {
    const noName = { assignedNumber: 3, channel: { id: '550e8400-e29b-41d4-a716-446655440003', groupTitle: 'Radio 1' } } as NumberedChannel;
    const { metrics } = await radioFilter().generate([...makeChannels(2), noName]);
    expect(metrics).toMatchObject({ channels: 2, droppedChannels: 1 });
  });
});

describe('an input that is read once, given to a second run', () => {
  const channels = makeChannels(3);
  const generator = createGenerator({ baseUrl: 'http://localhost:8080' });
  const refused = 'this input was read by an earlier run and gives nothing now: a reader, stream or generator is read once; open (or create) a new one for each run';

  it('fails, rather than publishing an empty playlist, for a reader, a generator and a stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-once-'));
    const file = join(dir, 'c.ndjson');
    writeFileSync(file, channels.map((nc) => JSON.stringify({ assigned_number: nc.assignedNumber, channel: { id: nc.channel.id, channel_name: nc.channel.channelName } })).join('\n'));
    const reader = await openChannelReader(file);
    expect((await generator.generate(reader)).metrics.channels).toBe(3);
    await expect(generator.generate(reader)).rejects.toThrow(`${file}: ${refused}`);
    const records = (async function* () {
      yield* channels;
    })();
    expect((await generator.generate(records)).metrics.channels).toBe(3);
    await expect(generator.generate(records)).rejects.toThrow(refused);
    const stream = Readable.from(channels);
    expect((await generator.generate(stream)).metrics.channels).toBe(3);
    await expect(generator.generate(stream)).rejects.toThrow(refused);
  });

  it('is not refused when it is an array, or a source of the caller\'s that starts over', async () => {
    expect((await generator.generate(channels)).metrics.channels).toBe(3);
    expect((await generator.generate(channels)).metrics.channels).toBe(3);
    let given = false;
    const again = {
      nextBatch: () => {
        given = !given;
        return Promise.resolve(given ? { channels, start: 0, end: channels.length, firstIndex: 0 } : undefined);
      },
    };
    expect((await generator.generate(again)).metrics.channels).toBe(3);
    expect((await generator.generate(again)).metrics.channels).toBe(3);
    // A generator that gives nothing the first time is an empty input, not a reused one.
    const none = (function* () {})();
    expect((await generator.generate(none)).metrics.channels).toBe(0);
  });
});

describe('a URL scheme that throws', () => {
  it('fails the run naming the scheme and the record', async () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080', urlScheme: 'cdn' });
    generator.urlSchemes.register({
      name: 'cdn',
      description: 'https://cdn.example/{assigned_number}',
      create: () => (nc, index) => {
        if (index === 5) throw new TypeError('no region for this channel');
        return `https://cdn.example/${nc.assignedNumber}`;
      },
    });
    const error = await failureOf(generator.generate(makeChannels(10)));
    expect(error).toBeInstanceOf(M3ugenError);
    expect(error).toMatchObject({ code: 'E_PLUGIN', message: 'record 5: URL scheme "cdn" failed: no region for this channel' });
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('is the record\'s failure when what the scheme read is what threw', async () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080' });
    const error = await failureOf(generator.generate(withThrowingGetter(makeChannels(10), 3, 'id')));
    expect(error.message).toBe('record 3: field "channel.id": cannot be read: lazy field not loaded');
  });
});

describe('a snake_case record handed to generate() as it is', () => {
  it('fails naming the record and saying how to convert it, not that channelName is missing', async () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080' });
    const snake = { assigned_number: 1, channel: { id: '550e8400-e29b-41d4-a716-446655440001', channel_name: 'A' } };
    const error = await failureOf(generator.generate([...makeChannels(2), snake as never]));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^record 2: field "\(record\)": a snake_case record \(assigned_number, channel_name\), as the pipeline writes them: generate\(\) takes camelCase records .*parseNumberedChannel\(\)/);
    // Converted, it is a record like any other.
    const { playlist } = await generator.generate([parseNumberedChannel(snake)]);
    expect(playlist.split('\n')[1]).toBe('#EXTINF:-1 tvg-id="" tvg-name="" tvg-logo="" tvg-chno="1" group-title="",A');
  });

  it('is not taken for one when the camelCase field is there but wrong', async () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080' });
    const record = { assignedNumber: -1, assigned_number: 1, channel: { id: '550e8400-e29b-41d4-a716-446655440001', channelName: 'A' } };
    expect((await failureOf(generator.generate([record as never]))).message).toBe('record 0: field "assigned_number": expected a channel number >= 0, got number -1');
  });
});

describe('parseNumberedChannel of a record built in code', () => {
  const getter = (spelling: 'snake' | 'camel') => {
    const channel = spelling === 'snake' ? { id: 'a', channel_name: 'A' } : { id: 'a', channelName: 'A' };
    Object.defineProperty(channel, spelling === 'snake' ? 'tvg_logo' : 'tvgLogo', {
      enumerable: true,
      get() {
        throw new Error('not loaded');
      },
    });
    return spelling === 'snake' ? { assigned_number: 1, channel } : { assignedNumber: 1, channel };
  };

  it.each([
    ['snake', 'channel.tvg_logo'],
    ['camel', 'channel.tvgLogo'],
  ] as const)('names the field as the %s_case record spells it', (spelling, field) => {
    expect(() => parseNumberedChannel(getter(spelling), { file: 'api', index: 4 })).toThrow(
      new InputError('cannot be read: not loaded', { file: 'api', index: 4, field }),
    );
  });

  it('names the record when no single field is to blame (a Proxy whose traps throw)', () => {
    const hostile = new Proxy(
      {},
      {
        has() {
          throw new Error('revoked');
        },
      },
    );
    let caught: unknown;
    try {
      parseNumberedChannel(hostile, { index: 9 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toBe('record 9: the record cannot be read: revoked');
  });
});

describe('createGenerator called from JavaScript with a string', () => {
  it('says what to pass rather than reading the string as options named "0", "1", …', () => {
    expect(() => createGenerator('http://localhost:8080' as never)).toThrow(
      'generator options: expected an object ({ baseUrl, proxyId, plugins, … }), got "http://localhost:8080": to set the base URL, pass { baseUrl: "http://localhost:8080" }',
    );
  });
});
