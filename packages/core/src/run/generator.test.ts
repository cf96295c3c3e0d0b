import { describe, expect, it } from 'vitest';
import type { SyncHook } from 'tapable';
import { RECORD_INDEX, RECORD_LINE, type NumberedChannel } from '../channel/model.js';
import { DuplicateError, InputError, PluginError } from '../errors.js';
import { HOOK_SIGNATURES } from '../hooks/hooks.js';
import type { M3uStrategy } from '../strategy/strategy.js';
import { toChannelSource, type ChannelBatch } from './channel-source.js';
import { EntryCache } from './entry-cache.js';
import { M3uGenerator, type M3uPlugin } from './generator.js';
import type { GenerationWarning } from './warnings.js';

/** A strategy and URL scheme written the way a third party would, so core is tested without the built-ins. */
const simple: M3uStrategy = {
  name: 'simple',
  description: 'renders everything into one string',
  contract: {
    estimateMemoryBytes: () => 0,
    supportedPressure: ['optimal', 'moderate', 'high', 'critical', 'emergency'],
    canTakeOverMidStage: false,
    boundedMemory: true,
    preference: 0,
    automatic: true,
  },
  async generate(run) {
    let text = run.renderHeader();
    for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) {
      for (let i = b.start; i < b.end; i++) text += run.renderEntry(b.channels[i]!, b.firstIndex + i - b.start);
      run.checkpoint(b.firstIndex + b.end - b.start);
    }
    await run.output.write(text);
  },
};

const basics: M3uPlugin = {
  name: 'basics',
  apply(generator) {
    generator.strategies.register(simple);
    generator.urlSchemes.register({ name: 'proxy', description: 'test', create: () => (nc) => `http://p/${nc.channel.id}` });
  },
};

/** A plugin that registers `simple` under `name` with its own `generate`, chosen only by name: a strategy as a test writes it wrong. */
const strategyPlugin = (name: string, generate: M3uStrategy['generate']): M3uPlugin => ({
  name,
  apply: (g) => g.strategies.register({ ...simple, name, contract: { ...simple.contract, automatic: false }, generate }),
});

const UUID1 = '550e8400-e29b-41d4-a716-446655440001';
const full: NumberedChannel = {
  assignedNumber: 1,
  channel: { id: UUID1, channelName: 'News, HD', tvgId: 'news', tvgName: 'News', tvgLogo: 'http://l/n.png', groupTitle: 'News' },
};

function make(plugins: M3uPlugin[] = [], options: ConstructorParameters<typeof M3uGenerator>[0] = {}): M3uGenerator {
  return new M3uGenerator({ ...options, plugins: [basics, ...plugins] });
}

/** Rejections the process saw unhandled while `body` ran, and for a few turns of the event loop after. */
async function unhandledDuring(body: () => Promise<unknown>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => void seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await body().catch(() => undefined);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

describe('M3uGenerator', () => {
  it('writes the contract default line and counts nothing missing for a complete channel', async () => {
    const { playlist, warnings, metrics } = await make().generate([full]);
    expect(playlist).toBe(
      '#EXTM3U\n#EXTINF:-1 tvg-id="news" tvg-name="News" tvg-logo="http://l/n.png" tvg-chno="1" group-title="News",News, HD\nhttp://p/' +
        UUID1 +
        '\n',
    );
    expect(warnings.total).toBe(0);
    expect(metrics).toMatchObject({ channels: 1, bytes: Buffer.byteLength(playlist), strategy: 'simple', strategySwitches: [] });
  });

  it('writes missing optional fields as "" and counts one warning per field', async () => {
    const seen: GenerationWarning[] = [];
    const listen: M3uPlugin = { name: 'listen', apply: (g) => g.hooks.warning.tap('listen', (w) => void seen.push(w)) };
    const { playlist, warnings } = await make([listen]).generate([{ assignedNumber: 2, channel: { id: UUID1, channelName: 'X', tvgId: null, tvgName: '' } }]);
    expect(playlist.split('\n')[1]).toBe('#EXTINF:-1 tvg-id="" tvg-name="" tvg-logo="" tvg-chno="2" group-title="",X');
    expect(warnings.counts).toEqual({ 'missing-field:tvg_id': 1, 'missing-field:tvg_name': 1, 'missing-field:tvg_logo': 1, 'missing-field:group_title': 1 });
    expect(seen[0]).toMatchObject({ code: 'missing-field', field: 'tvg_id', channelIndex: 0 });
  });

  it('names a key of the record that looks like a missing field, in the first warning of its kind and in each a listener hears, rendered alone, in batches or reused', async () => {
    const generator = make([strategyPlugin('batched', async (run) => {
      await run.output.write(run.renderHeader());
      for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) await run.output.write(run.renderBatch(b).text);
    })]);
    const id = (n: number): string => `${UUID1.slice(0, -1)}${n}`;
    // Spelt as M3U spells the attribute, in capitals, and as a known field without a value: only the first two are the field's look-alikes.
    const channels = (): NumberedChannel[] => [
      { assignedNumber: 1, channel: { id: id(1), channelName: 'A', tvgName: 'A', tvgLogo: 'l', 'tvg-id': 'a.tv', GROUP_TITLE: 'News' } },
      { assignedNumber: 2, channel: { id: id(2), channelName: 'B', tvgName: 'B', tvgLogo: 'l', tvgId: null, 'tvg-id': '', group_titles: null } },
    ];
    let seen: GenerationWarning[] = [];
    generator.hooks.warning.tap('test', (w) => void seen.push(w));
    const cache = new EntryCache();
    // The last run reuses both entries, whose warnings are raised again.
    for (const [round, options] of [{ strategy: 'simple' }, { strategy: 'batched' }, { strategy: 'batched', cache }, { strategy: 'batched', cache }].entries()) {
      seen = [];
      const { warnings, metrics } = await generator.generate(channels(), options);
      const firstOf = warnings.firstWarnings['missing-field:tvg_id'];
      expect(firstOf).toMatchObject({ channelIndex: 0, lookalike: 'tvg-id', reason: 'tvg_id is missing; written as ""; the record has "tvg-id" (misspelt?)' });
      expect(firstOf?.message).toBe('channel at index 0: tvg_id is missing; written as ""; the record has "tvg-id" (misspelt?)');
      expect(warnings.firstWarnings['missing-field:group_title']).toMatchObject({ lookalike: 'GROUP_TITLE' });
      expect(seen.filter((w) => w.code === 'missing-field').map((w) => [w.channelIndex, w.field, w.lookalike])).toEqual([
        [0, 'tvg_id', 'tvg-id'],
        [0, 'group_title', 'GROUP_TITLE'],
        [1, 'tvg_id', undefined],
        [1, 'group_title', undefined],
      ]);
      expect(seen[2]?.message).toBe('channel at index 1: tvg_id is missing; written as ""');
      expect(metrics.reusedEntries ?? 0).toBe(round === 3 ? 2 : 0);
    }
  });

  it('gives the warning hook a warning a plugin raises before the run reads anything', async () => {
    const guide: M3uPlugin = {
      name: 'guide',
      apply: (g) => g.hooks.beforeRun.tap('guide', (run) => run.warn({ code: 'guide:unreachable', message: 'guide.xml answered 503' })),
    };
    const seen: GenerationWarning[] = [];
    const generator = make([guide]);
    generator.hooks.warning.tap('test', (w) => void seen.push(w));
    const { warnings } = await generator.generate([full]);
    expect(seen.map((w) => [w.code, w.message])).toEqual([['guide:unreachable', 'guide.xml answered 503']]);
    expect(warnings.counts['guide:unreachable']).toBe(1);
    // A listener a plugin taps in beforeRun hears the run's warnings, as it did before the hook heard beforeRun's.
    const late: GenerationWarning[] = [];
    const tapsLate: M3uPlugin = { name: 'late', apply: (g) => g.hooks.beforeRun.tap('late', () => void g.hooks.warning.tap('late', (w) => void late.push(w))) };
    await make([tapsLate]).generate([{ ...full, channel: { ...full.channel, tvgLogo: undefined } }]);
    expect(late.map((w) => [w.code, w.field])).toEqual([['missing-field', 'tvg_logo']]);
  });

  it("marks a plugin's warning about its options as one, for the hook and the summary, and when an entry is reused from a cache", async () => {
    const warnsOfConfig: M3uPlugin = {
      name: 'guide',
      apply(g) {
        g.hooks.beforeRun.tap('guide', (run) => run.warn({ code: 'guide:plain-http', message: 'the guide URL is plain http', aboutConfig: true }));
        g.hooks.entryAttributes.tap({ name: 'guide', readsIndex: false }, (attributes, nc, index, run) => {
          if (nc.assignedNumber === 1) run.warn({ code: 'guide:no-country', message: 'no country set for channel 1', channelIndex: index, aboutConfig: true });
          if (nc.assignedNumber === 2) run.warn({ code: 'guide:stale', message: 'channel 2 has a stale logo', channelIndex: index });
          return attributes;
        });
      },
    };
    const generator = make([warnsOfConfig, strategyPlugin('batched', async (run) => {
      await run.output.write(run.renderHeader());
      for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) await run.output.write(run.renderBatch(b).text);
    })]);
    let seen: GenerationWarning[] = [];
    generator.hooks.warning.tap('test', (w) => void seen.push(w));
    const channels = (): NumberedChannel[] => [
      { assignedNumber: 1, channel: { ...full.channel, id: UUID1 } },
      { assignedNumber: 2, channel: { ...full.channel, id: `${UUID1.slice(0, -1)}2` } },
    ];
    const cache = new EntryCache();
    // The second cached run reuses both entries, whose warnings are raised again as they were.
    for (const [round, options] of [{ strategy: 'simple' }, { strategy: 'batched', cache }, { strategy: 'batched', cache }].entries()) {
      seen = [];
      const { warnings, metrics } = await generator.generate(channels(), options);
      expect(metrics.reusedEntries ?? 0).toBe(round === 2 ? 2 : 0);
      expect(seen.map((w) => [w.code, w.aboutConfig === true])).toEqual([
        ['guide:plain-http', true],
        ['guide:no-country', true],
        ['guide:stale', false],
      ]);
      expect(warnings.firstWarnings['guide:plain-http']?.aboutConfig).toBe(true);
      expect(warnings.firstWarnings['guide:no-country']).toMatchObject({ aboutConfig: true, channelIndex: 0 });
      expect(warnings.firstWarnings['guide:stale']?.aboutConfig).toBeUndefined();
    }
  });

  it("tells a strategy the warnings raised so far, by kind with each kind's first, so it can count a stretch of the run without listening", async () => {
    const stretches: { total: number; counts: Readonly<Record<string, number>>; first: GenerationWarning | undefined }[] = [];
    const counting = strategyPlugin('counting', async (run) => {
      await run.output.write(run.renderHeader());
      for (let batch = await run.source.nextBatch(); batch; batch = await run.source.nextBatch()) {
        const before = run.info.warningsSoFar();
        const { text, bytes } = run.renderBatch(batch);
        await run.output.write(text, bytes);
        const after = run.info.warningsSoFar();
        stretches.push({ total: after.total - before.total, counts: after.counts, first: after.firstWarnings['missing-field:tvg_logo'] });
      }
    });
    const channels = [1, 2, 3, 4].map((n): NumberedChannel => ({ ...full, assignedNumber: n, channel: { ...full.channel, id: `${UUID1.slice(0, -1)}${n}`, tvgLogo: n === 1 ? full.channel.tvgLogo : null } }));
    const { warnings } = await make([counting]).generate(toChannelSource(channels, 2), { strategy: 'counting' });
    expect(stretches.map((s) => s.total)).toEqual([1, 2]);
    expect(stretches[1]?.counts).toEqual({ 'missing-field:tvg_logo': 3 });
    expect(stretches[1]?.first).toMatchObject({ channelIndex: 1, message: 'channel at index 1: tvg_logo is missing; written as ""' });
    expect(warnings.firstWarnings).toEqual({ 'missing-field:tvg_logo': stretches[1]?.first });
  });

  it('warns about a missing field only where it is written as "": not where an entryAttributes tap fills it or leaves it out', async () => {
    const plugin: M3uPlugin = {
      name: 'fill',
      apply: (g) =>
        g.hooks.entryAttributes.tap('fill', (attributes, nc) =>
          attributes
            .filter((a) => a.name !== 'group-title')
            .map((a) => (a.name === 'tvg-logo' && a.value === '' ? { ...a, value: `http://l/${nc.assignedNumber}.png` } : a)),
        ),
    };
    const { playlist, warnings } = await make([plugin]).generate([{ assignedNumber: 2, channel: { id: UUID1, channelName: 'X', tvgId: 'x' } }]);
    expect(playlist.split('\n')[1]).toBe('#EXTINF:-1 tvg-id="x" tvg-name="" tvg-logo="http://l/2.png" tvg-chno="2",X');
    expect(warnings.counts).toEqual({ 'missing-field:tvg_name': 1 });
  });

  it('gives a warning the input line a reader recorded for its channel, whether entries or batches render it', async () => {
    const batched: M3uStrategy = {
      ...simple,
      name: 'batched',
      async generate(run) {
        let text = run.renderHeader();
        for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) {
          text += run.renderBatch(b).text;
          run.checkpoint(b.firstIndex + b.end - b.start);
        }
        await run.output.write(text);
      },
    };
    const records: NumberedChannel[] = [
      { assignedNumber: 1, channel: { id: UUID1, channelName: 'A', tvgId: 'a', tvgName: 'A', groupTitle: 'G' }, [RECORD_LINE]: 3 },
      { assignedNumber: 2, channel: { id: '550e8400-e29b-41d4-a716-446655440002', channelName: 'B', tvgId: 'b', tvgName: 'B', groupTitle: 'G' } },
    ];
    // A plugin's own warnings are placed by the index they give, not by the channel being rendered:
    // within the batch being rendered, or, for an entry rendered alone, only that entry.
    const warnsOfOthers: M3uPlugin = {
      name: 'warns',
      apply: (g) =>
        g.hooks.channel.tap('warns', (nc, index, run) => {
          if (index === 1) run.warn({ code: 'test:earlier', message: 'about channel 0', channelIndex: 0 });
          if (index === 1) run.warn({ code: 'test:elsewhere', message: 'about channel 99', channelIndex: 99 });
          return nc;
        }),
    };
    for (const strategy of ['simple', 'batched']) {
      for (const plugins of [[], [warnsOfOthers]]) {
        const seen: GenerationWarning[] = [];
        const listen: M3uPlugin = { name: 'listen', apply: (g) => g.hooks.warning.tap('listen', (w) => void seen.push(w)) };
        const generator = make([listen, ...plugins]);
        generator.strategies.register(batched);
        await generator.generate(records, { strategy });
        const lineOf = (code: string, channelIndex: number) => seen.find((w) => w.code === code && w.channelIndex === channelIndex)?.line;
        expect(lineOf('missing-field', 0)).toBe(3);
        expect(lineOf('missing-field', 1)).toBeUndefined();
        if (plugins.length > 0) {
          expect(lineOf('test:earlier', 0)).toBe(strategy === 'batched' ? 3 : undefined);
          expect(seen.find((w) => w.code === 'test:elsewhere')).toMatchObject({ channelIndex: 99 });
          expect(lineOf('test:elsewhere', 99)).toBeUndefined();
        }
      }
    }
  });

  it('warns about a non-UUID id, and fails on it in strict mode', async () => {
    const odd: NumberedChannel = { assignedNumber: 1, channel: { ...full.channel, id: 'news-1' } };
    const { warnings, playlist } = await make().generate([odd]);
    expect(warnings.counts['non-uuid-id:id']).toBe(1);
    expect(playlist).toContain('http://p/news-1\n');
    // The warning carries the id, for a tool that lists them (validate --strict).
    const told: GenerationWarning[] = [];
    const listening = make();
    listening.hooks.warning.tap('test', (w) => void told.push(w));
    await listening.generate([odd]);
    expect(told.map((w) => [w.code, w.value, w.channelIndex])).toEqual([['non-uuid-id', 'news-1', 0]]);
    await expect(make([], { strict: true }).generate([odd])).rejects.toThrow('record 0: field "channel.id": expected a UUID (strict mode), got "news-1"');
  });

  it('rejects records that break the TypeScript contract with the index and field', async () => {
    const bad = [full, { assignedNumber: 1.5, channel: full.channel }] as NumberedChannel[];
    const error = await make().generate(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe('record 1: field "assigned_number": expected an integer, got number 1.5');
  });

  it.each([
    [{ assignedNumber: 1, channel: { id: 5, channelName: 'A' } }, 'field "channel.id": expected a non-empty string, got number 5'],
    [{ assignedNumber: 1, channel: { id: 'x' } }, 'field "channel.channel_name": required field is missing'],
    [{ assignedNumber: 1 }, 'field "channel": required field is missing'],
    [{ assignedNumber: 1, channel: [] }, 'field "channel": expected an object, got an array'],
    [{ assignedNumber: '1', channel: { id: 'x', channelName: 'A' } }, 'field "assigned_number": expected an integer (a number, not text), got "1"'],
    [{ assignedNumber: -1, channel: { id: 'x', channelName: 'A' } }, 'field "assigned_number": expected a channel number >= 0, got number -1'],
    [{ assignedNumber: 2 ** 53, channel: { id: 'x', channelName: 'A' } }, 'field "assigned_number": expected a channel number from 0 to 9007199254740991 (larger JSON numbers are rounded as they are read), got number 9007199254740992'],
    [null, 'field "(record)": expected a channel record (an object), got null'],
    [[], 'field "(record)": expected a channel record (an object), got an array'],
    // A file's stream passed as it is: its chunks are bytes, or text with an encoding set.
    [Buffer.from('{"assigned_number": 1'), 'field "(record)": expected a channel record (an object), got bytes: to read a JSON or NDJSON file or stream, pass it through openChannelReader() of @m3ugen/reader'],
    ['{"assigned_number": 1', 'field "(record)": expected a channel record (an object), got text: to read a JSON or NDJSON file or stream, pass it through openChannelReader() of @m3ugen/reader'],
  ])('words a broken record from code as parseNumberedChannel words it from a file: %j', async (record, message) => {
    await expect(make().generate([record as unknown as NumberedChannel])).rejects.toThrow(`record 0: ${message}`);
  });

  it('fires the hooks in order, each named for its moment', async () => {
    const fired: string[] = [];
    const spy: M3uPlugin = {
      name: 'spy',
      apply(g) {
        for (const name of Object.keys(HOOK_SIGNATURES) as (keyof typeof HOOK_SIGNATURES)[]) {
          const hook = g.hooks[name] as unknown as { tap(name: string, fn: (...args: unknown[]) => unknown): void; constructor: { name: string } };
          if (name === 'runFailed' || name === 'warning') continue;
          if (hook.constructor.name === 'AsyncSeriesHook') {
            (g.hooks[name] as unknown as { tapPromise(n: string, fn: () => Promise<void>): void }).tapPromise('spy', async () => void fired.push(name));
          } else {
            hook.tap('spy', (first: unknown) => {
              fired.push(name);
              return hook.constructor.name === 'SyncWaterfallHook' ? first : undefined;
            });
          }
        }
      },
    };
    await make([spy]).generate([full]);
    expect(fired).toEqual([
      'beforeRun',
      'selectStrategy',
      'strategyChosen',
      'headerAttributes',
      'header',
      'channel',
      'dropChannel',
      'entryAttributes',
      'streamUrl',
      'extinfLine',
      'progress',
      'afterRun',
    ]);
  });

  it('lets plugins transform, drop, add attributes, rewrite URLs and lines', async () => {
    const plugin: M3uPlugin = {
      name: 'shape',
      apply(g) {
        g.hooks.channel.tap('shape', (nc) => ({ ...nc, channel: { ...nc.channel, channelName: nc.channel.channelName.toUpperCase() } }));
        g.hooks.dropChannel.tap('shape', (nc) => nc.assignedNumber === 2);
        g.hooks.entryAttributes.tap('shape', (attributes, nc) => [...attributes, { name: 'catchup-days', value: String(nc.channel['days']) }]);
        g.hooks.streamUrl.tap('shape', (url) => `${url}?t=1`);
        g.hooks.extinfLine.tap('shape', (line) => `${line}\n#EXTGRP:News`);
        g.hooks.headerAttributes.tap('shape', (attributes) => [...attributes, { name: 'x-tvg-url', value: 'http://epg/x.xml' }]);
      },
    };
    const channels: NumberedChannel[] = [
      { ...full, channel: { ...full.channel, days: 7 } },
      { ...full, assignedNumber: 2 },
    ];
    const { playlist, metrics } = await make([plugin]).generate(channels);
    expect(playlist).toBe(
      '#EXTM3U x-tvg-url="http://epg/x.xml"\n' +
        '#EXTINF:-1 tvg-id="news" tvg-name="News" tvg-logo="http://l/n.png" tvg-chno="1" group-title="News" catchup-days="7",NEWS, HD\n' +
        '#EXTGRP:News\n' +
        `http://p/${UUID1}?t=1\n`,
    );
    expect(metrics).toMatchObject({ channels: 1, inputChannels: 2, droppedChannels: 1 });
  });

  it('sanitises what entryAttributes and streamUrl taps return', async () => {
    const plugin: M3uPlugin = {
      name: 'dirty',
      apply(g) {
        g.hooks.entryAttributes.tap('dirty', (a) => [...a, { name: 'x', value: 'a"\nb' }]);
        g.hooks.streamUrl.tap('dirty', (url) => `${url}\n#EXTINF:-1,Injected`);
      },
    };
    const { playlist } = await make([plugin]).generate([full]);
    expect(playlist.split('\n')).toHaveLength(4);
    expect(playlist).toContain(` x="a' b",`);
  });

  it('reports a throwing plugin with its name, the hook and the channel index, and publishes nothing', async () => {
    const plugin: M3uPlugin = {
      name: 'fragile',
      apply: (g) =>
        g.hooks.entryAttributes.tap('fragile', (a, _nc, index) => {
          if (index === 1) throw new Error('boom');
          return a;
        }),
    };
    const failures: Error[] = [];
    const g = make([plugin]);
    g.hooks.runFailed.tap('test', (error) => void failures.push(error));
    const second: NumberedChannel = { assignedNumber: 2, channel: { ...full.channel, id: '550e8400-e29b-41d4-a716-446655440002' } };
    const error = await g.generate([full, second]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).message).toBe('plugin "fragile" failed in hook "entryAttributes" at channel index 1: boom');
    expect(failures).toEqual([error]);
    // A record a reader placed in the input is named by that place, which an operator can look up.
    const placed = await g.generate([full, { ...second, [RECORD_LINE]: 7 }]).catch((e: unknown) => e);
    expect((placed as PluginError).message).toBe('line 7: plugin "fragile" failed in hook "entryAttributes" at channel index 1: boom');
    expect(placed).toMatchObject({ plugin: 'fragile', hook: 'entryAttributes', channelIndex: 1, location: { line: 7, index: 1 } });
  });

  it('names a plugin whose apply throws', () => {
    expect(() => make([{ name: 'broken', apply: () => { throw new Error('nope'); } }])).toThrow('plugin "broken" failed in hook "apply": nope');
  });

  it("says how to call tap when a plugin calls it wrong, which tapable's own words do not", () => {
    const applying = (apply: M3uPlugin['apply']): M3uPlugin => ({ name: 'slip', apply });
    const noName = (gen: M3uGenerator) => (gen.hooks.extinfLine.tap as unknown as (fn: (line: string) => string) => void)((line) => line);
    expect(() => make([applying(noName)])).toThrow(
      'plugin "slip" failed in hook "apply": Invalid tap options: tap(name, fn) takes the tap\'s name first (the plugin\'s name, or { name, stage, before }), then the function',
    );
    expect(() => make([applying((gen) => gen.hooks.extinfLine.tap('', (line) => line))])).toThrow('Missing name for tap: tap(name, fn) takes the tap\'s name first');
    const promised = (gen: M3uGenerator) => (gen.hooks.streamUrl as unknown as { tapPromise(name: string, fn: () => Promise<string>): void }).tapPromise('slip', async () => 'http://x');
    expect(() => make([applying(promised)])).toThrow(
      'tapPromise is not supported on a SyncWaterfallHook: the hook is synchronous and uses what its taps return: tap it with tap(name, fn), returning the value itself, not a Promise',
    );
    const notified = (gen: M3uGenerator) => (gen.hooks.warning as unknown as { tapAsync(name: string, fn: () => void): void }).tapAsync('slip', () => undefined);
    expect(() => make([applying(notified)])).toThrow('tapAsync is not supported on a SyncHook: the hook is synchronous: tap it with tap(name, fn), whose async function is waited for before the playlist is published');
  });

  it('names the hook a plugin misspelt, and the one it meant', () => {
    const tapping = (name: string): M3uPlugin => ({ name: 'typo', apply: (gen) => (gen.hooks as unknown as Record<string, SyncHook<[string]>>)[name]!.tap('typo', (x) => x) });
    expect(() => make([tapping('extinf')])).toThrow('plugin "typo" failed in hook "apply": generator.hooks has no hook "extinf" (did you mean "extinfLine"?): Cannot read properties of undefined');
    expect(() => make([tapping('entryAttribute')])).toThrow('no hook "entryAttribute" (did you mean "entryAttributes"?)');
    expect(() => make([tapping('streamURL')])).toThrow('no hook "streamURL" (did you mean "streamUrl"?)');
    expect(() => make([tapping('onDone')])).toThrow('no hook "onDone" (the hooks are beforeRun, selectStrategy, strategyChosen, headerAttributes, header, channel, dropChannel, entryAttributes, streamUrl, extinfLine, progress, warning, strategySwitched, afterRun, runFailed)');
    // A missing hook read by an earlier plugin, or before apply, does not colour another plugin's error.
    const g = make([]);
    void (g.hooks as unknown as Record<string, unknown>)['extinf'];
    expect(() => g.use({ name: 'other', apply: () => { throw new TypeError('own bug'); } })).toThrow('plugin "other" failed in hook "apply": own bug');
    // Nor does a name the plugin only looked for, when its error is not about an undefined value.
    const probing: M3uPlugin = { name: 'probe', apply: (gen) => { void (gen.hooks as unknown as Record<string, unknown>)['then']; throw new TypeError('bad option'); } };
    expect(() => g.use(probing)).toThrow(/^plugin "probe" failed in hook "apply": bad option$/);
    // Known hooks still tap and fire as plain properties.
    expect(Object.keys(g.hooks)).toEqual(Object.keys(HOOK_SIGNATURES));
  });

  it('reports async plugin failures in beforeRun with the plugin name', async () => {
    const g = make([{ name: 'loader', apply: (gen) => gen.hooks.beforeRun.tapPromise('loader', () => Promise.reject(new Error('no epg'))) }]);
    await expect(g.generate([full])).rejects.toThrow('plugin "loader" failed in hook "beforeRun": no epg');
  });

  it('lets a selectStrategy tap override the automatic choice, and rejects unknown names', async () => {
    const other: M3uStrategy = { ...simple, name: 'other', contract: { ...simple.contract, automatic: false } };
    const choose = (name: string): M3uPlugin => ({
      name: 'chooser',
      apply(g) {
        g.strategies.register(other);
        g.hooks.selectStrategy.tap('chooser', () => name);
      },
    });
    expect((await make([choose('other')]).generate([full])).metrics.strategy).toBe('other');
    await expect(make([choose('nope')]).generate([full])).rejects.toThrow('unknown strategy "nope"; registered: "simple", "other"');
  });

  it('fails a strategy that stops before the end of the input or loses channels, instead of publishing a short playlist', async () => {
    const channels = Array.from({ length: 1500 }, (_, i): NumberedChannel => ({ assignedNumber: i + 1, channel: { ...full.channel, id: `550e8400-e29b-41d4-a716-${String(i).padStart(12, '0')}` } }));
    const buggy = strategyPlugin;
    // Reads one batch (of 1,024) and writes it: forgot the loop.
    const firstBatchOnly = buggy('first-batch-only', async (run) => {
      const b = (await run.source.nextBatch())!;
      let text = run.renderHeader();
      for (let i = b.start; i < b.end; i++) text += run.renderEntry(b.channels[i]!, b.firstIndex + i - b.start);
      await run.output.write(text);
    });
    // Reads everything, renders all but each batch's last channel (an off-by-one).
    const offByOne = buggy('off-by-one', async (run) => {
      let text = run.renderHeader();
      for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) {
        for (let i = b.start; i < b.end - 1; i++) text += run.renderEntry(b.channels[i]!, b.firstIndex + i - b.start);
      }
      await run.output.write(text);
    });
    await expect(make([firstBatchOnly]).generate(channels, { strategy: 'first-batch-only' })).rejects.toThrow(
      'strategy "first-batch-only" returned before the end of the input, after 1,024 channels',
    );
    await expect(make([offByOne]).generate(channels, { strategy: 'off-by-one' })).rejects.toThrow('strategy "off-by-one" rendered 1,498 of the 1,500 channels it read');
    // A strategy that reads and renders everything, as the test's own does, passes.
    expect((await make().generate(channels)).metrics.channels).toBe(1500);
  });

  it('fails a strategy that writes other than what it rendered: no header, an entry twice, a wrong byte count', async () => {
    const channels = [full, { ...full, assignedNumber: 2, channel: { ...full.channel, id: '550e8400-e29b-41d4-a716-446655440002' } }];
    const buggy = (name: string, write: (run: Parameters<M3uStrategy['generate']>[0], text: string, bytes: number) => Promise<void>): M3uPlugin =>
      strategyPlugin(name, async (run) => {
        for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) {
          const { text, bytes } = run.renderBatch(b);
          await write(run, text, bytes);
        }
      });
    const headless = buggy('headless', async (run, text) => void (await run.output.write(text)));
    const stutter = buggy('stutter', async (run, text) => {
      await run.output.write(run.renderHeader() + text);
      await run.output.write(text);
    });
    const miscount = buggy('miscount', async (run, text, bytes) => void (await run.output.write(run.renderHeader() + text, bytes)));
    const run = (plugin: M3uPlugin, name: string) => make([plugin]).generate(channels, { strategy: name });
    await expect(run(headless, 'headless')).rejects.toThrow('strategy "headless" never rendered the header: a strategy writes run.renderHeader() first');
    const entries = Buffer.byteLength((await make().generate(channels)).playlist) - '#EXTM3U\n'.length;
    await expect(run(stutter, 'stutter')).rejects.toThrow(`strategy "stutter" wrote ${8 + 2 * entries} bytes where it rendered ${8 + entries}`);
    await expect(run(miscount, 'miscount')).rejects.toThrow(`strategy "miscount" wrote ${entries} bytes where it rendered ${8 + entries}`);
  });

  it('fails a strategy that renders but writes nothing, unless its contract says it writes elsewhere', async () => {
    const channels = [full];
    let elsewhere = '';
    const silent = strategyPlugin('silent', async (run) => {
      for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) elsewhere += run.renderBatch(b).text;
    });
    const headerOnlyRendered = strategyPlugin('header-unwritten', async (run) => {
      run.renderHeader();
      for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) run.renderBatch(b);
    });
    await expect(make([silent]).generate(channels, { strategy: 'silent' })).rejects.toThrow('strategy "silent" never rendered the header');
    await expect(make([silent]).generate([], { strategy: 'silent' })).rejects.toThrow('strategy "silent" never rendered the header');
    const entry = Buffer.byteLength((await make().generate(channels)).playlist) - 8;
    await expect(make([headerOnlyRendered]).generate(channels, { strategy: 'header-unwritten' })).rejects.toThrow(`strategy "header-unwritten" wrote 0 bytes where it rendered ${8 + entry}`);
    // Declared: its text goes to its own destination, and the run's output stays empty.
    const declared: M3uPlugin = {
      name: 'elsewhere',
      apply: (g) =>
        g.strategies.register({
          ...simple,
          name: 'elsewhere',
          contract: { ...simple.contract, automatic: false, writesElsewhere: true },
          generate: async (run) => {
            for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) elsewhere = run.renderBatch(b).text;
          },
        }),
    };
    const { playlist, metrics } = await make([declared]).generate(channels, { strategy: 'elsewhere' });
    expect(playlist).toBe('');
    expect(metrics.channels).toBe(1);
    expect(Buffer.byteLength(elsewhere)).toBe(entry);
  });

  it('fails a strategy that renders a channel twice, or one it was not handed, as the strategy\'s fault, not as a duplicate id in the input', async () => {
    const strategyOf = (name: string, body: (run: Parameters<M3uStrategy['generate']>[0], batch: ChannelBatch) => string): M3uPlugin =>
      strategyPlugin(name, async (run) => {
        let text = run.renderHeader();
        for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) text += body(run, b);
        await run.output.write(text);
      });
    const twice = strategyOf('twice', (run, b) => run.renderBatch(b).text + run.renderBatch(b).text);
    const entryAgain = strategyOf('again', (run, b) => run.renderBatch(b).text + run.renderEntry(b.channels[b.start]!, b.firstIndex));
    const unread = strategyOf('unread', (run, b) => run.renderEntry(b.channels[b.start]!, b.firstIndex + 7));
    const channels = [full, { ...full, assignedNumber: 2, channel: { ...full.channel, id: UUID1.replace(/1$/, '2') } }];
    for (const checkDuplicates of [true, false]) {
      const error = await make([twice]).generate(channels, { strategy: 'twice', checkDuplicates }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_STRATEGY', message: 'strategy "twice" rendered channel index 0 a second time: each channel goes through renderBatch or renderEntry once, and its text is written once' });
    }
    await expect(make([entryAgain]).generate(channels, { strategy: 'again' })).rejects.toThrow('strategy "again" rendered channel index 0 a second time');
    await expect(make([unread]).generate(channels, { strategy: 'unread' })).rejects.toThrow('strategy "unread" rendered channel index 7, which run.source has not handed out');
  });

  /** Each sync hook whose result is used, tapped the way a plain JavaScript plugin gets it wrong. */
  const unusable: [string, (g: M3uGenerator) => void, string][] = [
    ['an async streamUrl tap', (g) => g.hooks.streamUrl.tap('p', (async (url: string) => `${url}?t=1`) as never), 'hook "streamUrl" at channel index 0: returned a Promise, not the URL text: "streamUrl" is synchronous'],
    ['an async extinfLine tap', (g) => g.hooks.extinfLine.tap('p', (async (line: string) => line) as never), 'hook "extinfLine" at channel index 0: returned a Promise, not the line text'],
    ['an async dropChannel tap', (g) => g.hooks.dropChannel.tap('p', (async () => true) as never), 'hook "dropChannel" at channel index 0: returned a Promise, not true or false'],
    ['an async channel tap', (g) => g.hooks.channel.tap('p', (async (nc: NumberedChannel) => nc) as never), 'hook "channel" at channel index 0: returned a Promise, not the channel record'],
    ['an async entryAttributes tap', (g) => g.hooks.entryAttributes.tap('p', (async (a: unknown) => a) as never), 'hook "entryAttributes" at channel index 0: returned a Promise, not the attribute list'],
    ['an async header tap', (g) => g.hooks.header.tap('p', (async (h: string) => h) as never), 'hook "header": returned a Promise, not the header text'],
    ['a header tap putting a line before #EXTM3U', (g) => g.hooks.header.tap('p', (h) => `# made by p\n${h}`), 'hook "header": returned a header whose first line is "# made by p", not "#EXTM3U": an extended M3U playlist starts with that line, and strict readers refuse one that does not'],
    ['a header tap returning ""', (g) => g.hooks.header.tap('p', () => ''), 'hook "header": returned a header whose first line is "", not "#EXTM3U"'],
    ['a header tap returning "#EXTM3Ux"', (g) => g.hooks.header.tap('p', () => '#EXTM3Ux'), 'hook "header": returned a header whose first line is "#EXTM3Ux", not "#EXTM3U"'],
    ['a headerAttributes tap returning one attribute', (g) => g.hooks.headerAttributes.tap('p', (() => ({ name: 'x-tvg-url', value: 'u' })) as never), 'hook "headerAttributes": returned an object, not the attribute list'],
    ['a streamUrl tap returning a number', (g) => g.hooks.streamUrl.tap('p', (() => 5) as never), 'hook "streamUrl" at channel index 0: returned number 5, not the URL text'],
    ['a streamUrl tap returning ""', (g) => g.hooks.streamUrl.tap('p', () => ''), 'hook "streamUrl" at channel index 0: returned "", not the URL text'],
    ['a dropChannel tap returning "yes"', (g) => g.hooks.dropChannel.tap('p', (() => 'yes') as never), 'hook "dropChannel" at channel index 0: returned "yes", not true or false'],
    // Written before as undefined="v", x="[object Object]" and url-tvg="a".
    ['an entryAttributes tap adding an attribute without a name', (g) => g.hooks.entryAttributes.tap('p', (list) => [...list, { value: 'v' } as never]), 'hook "entryAttributes" at channel index 0: returned an attribute list whose item 5 has no name (its value is "v")'],
    ['an entryAttributes tap adding an object value', (g) => g.hooks.entryAttributes.tap('p', (list) => [...list, { name: 'x', value: { a: 1 } as never }]), 'hook "entryAttributes" at channel index 0: returned an attribute list whose item 5 "x" has an object as its value, not text, a number or a boolean'],
    ['an entryAttributes tap adding a name that breaks the line', (g) => g.hooks.entryAttributes.tap('p', (list) => [...list, { name: 'a" b', value: 'v' }]), 'hook "entryAttributes" at channel index 0: returned an attribute list whose item 5 has the invalid name "a\\" b": use letters'],
    ['an entryAttributes tap adding null', (g) => g.hooks.entryAttributes.tap('p', (list) => [...list, null as never]), 'hook "entryAttributes" at channel index 0: returned an attribute list whose item 5 is null, not { name, value }'],
    ['a headerAttributes tap adding an array value', (g) => g.hooks.headerAttributes.tap('p', (list) => [...list, { name: 'url-tvg', value: ['a'] as never }]), 'hook "headerAttributes": returned an attribute list whose item 0 "url-tvg" has an array as its value'],
  ];

  it.each(unusable)('fails the run naming the plugin and the hook for %s, instead of writing "[object Promise]" or silently not dropping', async (_name, apply, message) => {
    await expect(make([{ name: 'p', apply }]).generate([full])).rejects.toThrow(`plugin "p" failed in ${message}`);
  });

  it('writes an attribute value a tap gives as a number or boolean as its text, and a missing one as ""', async () => {
    const plugin: M3uPlugin = {
      name: 'p',
      apply: (g) => g.hooks.entryAttributes.tap('p', (list) => [...list, { name: 'n', value: 5 as never }, { name: 'b', value: false as never }, { name: 'u', value: undefined as never }, { name: 'z', value: null as never }]),
    };
    const { playlist } = await make([plugin]).generate([full]);
    expect(playlist.split('\n')[1]).toMatch(/ n="5" b="false" u="" z="",/);
  });

  it('refuses a tap that is not a function when it is tapped, naming the plugin', () => {
    const plugin: M3uPlugin = { name: 'p', apply: (g) => g.hooks.extinfLine.tap('p', 'line' as never) };
    expect(() => make([plugin])).toThrow('plugin "p" failed in hook "apply": tap "p" of hook "extinfLine": expected a function, got "line"');
  });

  it('fails the run, and leaves no unhandled rejection, when a refused async tap then rejects', async () => {
    const asyncThrow: M3uPlugin = { name: 'p', apply: (g) => g.hooks.streamUrl.tap('p', (async () => { throw new Error('no token'); }) as never) };
    const run = make([asyncThrow]).generate([full]);
    expect(await unhandledDuring(() => run)).toEqual([]);
    await expect(run).rejects.toThrow('plugin "p" failed in hook "streamUrl" at channel index 0: returned a Promise, not the URL text');
  });

  it('waits for async taps of the notification hooks before it publishes, and fails naming the one that rejects', async () => {
    const nameless = { ...full, channel: { ...full.channel, tvgLogo: undefined } };
    const finished: string[] = [];
    const later = (what: string) => async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      finished.push(what);
    };
    const sent: M3uPlugin = {
      name: 'webhook',
      apply(g) {
        g.hooks.warning.tap('webhook', later('warning'));
        g.hooks.progress.tap('webhook', later('progress'));
        g.hooks.strategyChosen.tap('webhook', later('strategyChosen'));
        g.hooks.afterRun.tap('webhook', () => void finished.push('afterRun'));
      },
    };
    await make([sent]).generate([nameless]);
    expect(finished.at(-1)).toBe('afterRun');
    expect([...finished].sort()).toEqual(['afterRun', 'progress', 'strategyChosen', 'warning']);

    const down = (hook: 'warning' | 'progress'): M3uPlugin => ({
      name: 'webhook',
      apply: (g) =>
        g.hooks[hook].tap('webhook', async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          throw new Error('webhook is down');
        }),
    });
    for (const hook of ['warning', 'progress'] as const) {
      const out: string[] = [];
      const run = make([down(hook)]).stream([nameless]);
      const reading = (async () => {
        for await (const chunk of run) out.push(chunk);
      })();
      expect(await unhandledDuring(() => reading)).toEqual([]);
      await expect(reading).rejects.toThrow(`plugin "webhook" failed in hook "${hook}": webhook is down`);
    }
  });

  it('awaits an async function given to tap() on beforeRun and afterRun, as if given to tapPromise()', async () => {
    let token = '';
    const loads: M3uPlugin = {
      name: 'token',
      apply(g) {
        g.hooks.beforeRun.tap('token', async () => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          token = 'abc';
        });
        g.hooks.streamUrl.tap('token', (url) => `${url}?token=${token}`);
      },
    };
    expect((await make([loads]).generate([full])).playlist).toContain(`http://p/${UUID1}?token=abc\n`);
    const reports: M3uPlugin = { name: 'report', apply: (g) => g.hooks.afterRun.tap('report', async () => Promise.reject(new Error('could not report'))) };
    const run = make([reports]).generate([full]);
    expect(await unhandledDuring(() => run)).toEqual([]);
    await expect(run).rejects.toThrow('plugin "report" failed in hook "afterRun": could not report');
  });

  it('keeps the run\'s own error when an async runFailed tap rejects, and leaves nothing unhandled', async () => {
    const failing: M3uPlugin = {
      name: 'alarm',
      apply(g) {
        g.hooks.streamUrl.tap('alarm', () => {
          throw new Error('bad url');
        });
        g.hooks.runFailed.tap('alarm', async () => {
          throw new Error('pager down');
        });
      },
    };
    const run = make([failing]).generate([full]);
    expect(await unhandledDuring(() => run)).toEqual([]);
    await expect(run).rejects.toThrow('plugin "alarm" failed in hook "streamUrl" at channel index 0: bad url');
  });

  it('blames a record a channel tap broke on the plugin, and a record that came in broken on the input', async () => {
    const breaks: M3uPlugin = { name: 'ids', apply: (g) => g.hooks.channel.tap('ids', (nc) => ({ ...nc, channel: { ...nc.channel, id: 42 as never } })) };
    const error = await make([breaks]).generate([full]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toBe('plugin "ids" failed in hook "channel" at channel index 0: returned a record whose field "channel.id" is wrong: expected a non-empty string, got number 42');
    const renumbers: M3uPlugin = { name: 'n', apply: (g) => g.hooks.channel.tap('n', (nc) => ({ ...nc, assignedNumber: String(nc.assignedNumber) as never })) };
    await expect(make([renumbers]).generate([full])).rejects.toThrow('plugin "n" failed in hook "channel" at channel index 0: returned a record whose field "assignedNumber" is wrong: expected an integer (a number, not text), got "1"');
    // The tap reads what the types promise; a record without it is the input's fault, said before the tap runs.
    const trims: M3uPlugin = { name: 'trim', apply: (g) => g.hooks.channel.tap('trim', (nc) => ({ ...nc, channel: { ...nc.channel, channelName: nc.channel.channelName.trim() } })) };
    const nameless = { ...full, channel: { ...full.channel, channelName: undefined as never } };
    const inputs = await make([trims]).generate([nameless]).catch((e: unknown) => e);
    expect(inputs).toBeInstanceOf(InputError);
    expect((inputs as Error).message).toBe('record 0: field "channel.channel_name": required field is missing');
  });

  it('lets an extinfLine tap add lines before and after the #EXTINF line', async () => {
    const around: M3uPlugin = { name: 'around', apply: (g) => g.hooks.extinfLine.tap('around', (line) => `#EXTGRP:A\n${line}\n#EXTVLCOPT:x=1`) };
    expect((await make([around]).generate([full])).playlist.split('\n').slice(1, 4)).toEqual(['#EXTGRP:A', expect.stringMatching(/^#EXTINF:-1 /), '#EXTVLCOPT:x=1']);
  });

  it('lets a header tap add attributes and lines after #EXTM3U', async () => {
    const epg: M3uPlugin = { name: 'epg', apply: (g) => g.hooks.header.tap('epg', (h) => `${h} x-tvg-url="http://epg/x.xml"\n# generated`) };
    expect((await make([epg]).generate([full])).playlist).toMatch(/^#EXTM3U x-tvg-url="http:\/\/epg\/x.xml"\n# generated\n#EXTINF:/);
  });

  it('lets a waterfall tap return nothing, which passes the value on, and a bail tap return false', async () => {
    const quiet: M3uPlugin = {
      name: 'quiet',
      apply(g) {
        g.hooks.streamUrl.tap('quiet', (() => undefined) as never);
        g.hooks.dropChannel.tap('quiet', () => false);
      },
    };
    expect((await make([quiet]).generate([full])).playlist).toBe((await make().generate([full])).playlist);
  });

  it('names the URL scheme whose create() or builder gives what cannot be used, not the strategy that calls it', async () => {
    const scheme = (create: () => unknown): M3uPlugin => ({ name: 's', apply: (g) => g.urlSchemes.register({ name: 'cdn', description: 'x', create: create as never }) });
    const run = (create: () => unknown): Promise<unknown> => make([scheme(create)]).generate([full], { urlScheme: 'cdn' });
    await expect(run(async () => () => 'http://x')).rejects.toThrow('URL scheme "cdn": create() returned a Promise, not the function that builds each URL: create() is synchronous');
    await expect(run(() => 'http://x')).rejects.toThrow('URL scheme "cdn": create() returned "http://x", not the function that builds each URL');
    await expect(run(() => { throw new Error('no key'); })).rejects.toThrow('URL scheme "cdn" failed in create(): no key');
    await expect(run(() => async () => 'http://x')).rejects.toThrow('record 0: URL scheme "cdn" failed: returned a Promise, not the URL text: a URL builder is synchronous');
    // A refused Promise that then rejects is not left to end the process.
    expect(await unhandledDuring(() => run(async () => Promise.reject(new Error('no key'))))).toEqual([]);
    expect(await unhandledDuring(() => run(() => async () => Promise.reject(new Error('no route'))))).toEqual([]);
  });

  it('refuses a builder whose reads an entry cache could not trust: the input\'s spelling of a field, or not a list of names', async () => {
    const scheme = (reads: unknown): M3uPlugin => ({
      name: 's',
      apply: (g) => g.urlSchemes.register({ name: 'cdn', description: 'x', create: () => Object.assign((nc: NumberedChannel) => `http://cdn/${String(nc.channel.streamUrl)}`, { reads }) as never }),
    });
    const run = (reads: unknown): Promise<unknown> => make([scheme(reads)]).generate([full], { urlScheme: 'cdn' });
    await expect(run(['id', 'stream_url'])).rejects.toThrow(
      'URL scheme "cdn": the builder\'s reads names "stream_url", the input\'s spelling: channel fields are read as camelCase ("streamUrl"), and "stream_url" would never change, so an entry cache would keep old URLs',
    );
    await expect(run('streamUrl')).rejects.toThrow('URL scheme "cdn": the builder\'s reads is "streamUrl", not a list of channel field names');
    await expect(run([1])).rejects.toThrow('URL scheme "cdn": the builder\'s reads holds number 1, not a channel field name');
    // The model's names, and unknown fields in their own spelling, are what it should hold.
    await expect(run(['streamUrl', 'cdn_path'])).resolves.toBeDefined();
  });

  it('says which plugin to add when no URL scheme is registered', async () => {
    const g = new M3uGenerator({ plugins: [{ name: 's', apply: (gen) => gen.strategies.register(simple) }] });
    await expect(g.generate([full])).rejects.toThrow('no URL scheme is registered: add the urlBuilder() plugin of @m3ugen/url-builder');
  });

  it('closes an input a failed run did not finish (its generator\'s finally runs), and reads a good one to its end', async () => {
    const events: string[] = [];
    async function* records(failAt: number): AsyncGenerator<NumberedChannel> {
      try {
        for (let i = 0; i < 3000; i++) {
          const id = `550e8400-e29b-41d4-a716-${String(i === failAt ? 0 : i).padStart(12, '0')}`;
          yield { assignedNumber: i + 1, channel: { id, channelName: `C${i}` } };
        }
        events.push('read to the end');
      } finally {
        events.push('finally');
      }
    }
    // Record 1500 repeats record 0's id: the run fails in its second batch, with 1,500 records unread.
    await expect(make().generate(records(1500))).rejects.toThrow('record 1500: field "channel.id": duplicate channel id');
    expect(events).toEqual(['finally']);
    events.length = 0;
    await make().generate(records(-1));
    expect(events).toEqual(['read to the end', 'finally']);
  });

  it('rejects a duplicate channel id or number, naming both records, unless told not to check', async () => {
    const sameId: NumberedChannel = { assignedNumber: 2, channel: { ...full.channel } };
    await expect(make().generate([full, sameId])).rejects.toThrow(`record 1: field "channel.id": duplicate channel id "${UUID1}": record 0 has the same id`);
    const sameNumber: NumberedChannel = { assignedNumber: 1, channel: { ...full.channel, id: '550e8400-e29b-41d4-a716-446655440002' } };
    const error = await make().generate([full, sameNumber]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateError);
    expect(error).toMatchObject({ code: 'E_INPUT', duplicate: { number: 1 }, earlier: { index: 0 }, location: { index: 1, field: 'assigned_number' } });
    expect((error as Error).message).toBe('record 1: field "assigned_number": duplicate channel number 1: record 0 has the same number');
    // From an iterable, which is not kept, the earlier record is not known.
    const once = (function* () {
      yield full;
      yield sameId;
    })();
    await expect(make().generate(once)).rejects.toThrow(`record 1: field "channel.id": duplicate channel id "${UUID1}": an earlier record has the same id`);
    expect((await make([], { checkDuplicates: false }).generate([full, sameId, sameNumber])).metrics.channels).toBe(3);
  });

  it('with onDuplicate, reports every duplicate id and number and goes on, rendering each channel, one entry at a time or in batches', async () => {
    const UUID2 = '550e8400-e29b-41d4-a716-446655440002';
    const channels: NumberedChannel[] = [
      full,
      { assignedNumber: 2, channel: { ...full.channel } }, // full's id
      { assignedNumber: 1, channel: { ...full.channel, id: UUID2 } }, // full's number
      { assignedNumber: 3, channel: { ...full.channel, id: UUID2 } }, // the id of the one before
      { assignedNumber: 4, channel: { ...full.channel, id: '550e8400-e29b-41d4-a716-446655440004' } },
    ];
    const batched = strategyPlugin('batched', async (run) => {
      await run.output.write(run.renderHeader());
      for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) await run.output.write(run.renderBatch(b).text);
    });
    const expected = [
      `record 1: field "channel.id": duplicate channel id "${UUID1}": an earlier record has the same id`,
      'record 2: field "assigned_number": duplicate channel number 1: an earlier record has the same number',
      `record 3: field "channel.id": duplicate channel id "${UUID2}": an earlier record has the same id`,
    ];
    for (const strategy of ['simple', 'batched']) {
      const found: DuplicateError[] = [];
      const { playlist, metrics } = await make([batched]).generate(channels, { strategy, onDuplicate: (error) => found.push(error) });
      expect(found.map((error) => error.message)).toEqual(expected);
      expect(found.every((error) => error instanceof DuplicateError && error.earlier === undefined)).toBe(true);
      expect(metrics.channels).toBe(5);
      expect(playlist).toBe((await make([], { checkDuplicates: false }).generate(channels)).playlist);
    }
    // A callback that throws fails the run with what it threw.
    await expect(make().generate(channels, { onDuplicate: () => { throw new Error('stop here'); } })).rejects.toThrow('stop here');
    // Told errors have no stack trace (a file whose ids all repeat tells a million); a thrown one has its frames, and the caller's limit is kept.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 8;
    try {
      const told: DuplicateError[] = [];
      await make().generate(channels, { onDuplicate: (error) => told.push(error) });
      expect(told.map((error) => error.stack)).toEqual(expected.map((message) => `DuplicateError: ${message}`));
      expect(Error.stackTraceLimit).toBe(8);
      const thrown = await make().generate(channels).catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(DuplicateError);
      expect((thrown as Error).stack).toMatch(/\n\s+at /);
    } finally {
      Error.stackTraceLimit = limit;
    }
    await expect(make().generate(channels, { onDuplicate: 'list' as never })).rejects.toThrow('option "onDuplicate": expected a function called with each DuplicateError, got "list"');
  });

  it('with onDuplicate and an EntryCache, finds the duplicates again in the next run, whose channels are unchanged', async () => {
    const generator = make([strategyPlugin('batched', async (run) => {
      await run.output.write(run.renderHeader());
      for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) await run.output.write(run.renderBatch(b).text);
    })]);
    const channels: NumberedChannel[] = [full, { assignedNumber: 2, channel: { ...full.channel } }];
    const cache = new EntryCache();
    for (let round = 0; round < 2; round++) {
      const found: DuplicateError[] = [];
      await generator.generate(channels.map((nc) => ({ ...nc, channel: { ...nc.channel } })), { strategy: 'batched', cache, onDuplicate: (error) => found.push(error) });
      expect(found.map((error) => error.location.index)).toEqual([1]);
    }
    // Without duplicates the cache is kept: the next run reuses both entries.
    const unique = [full, { assignedNumber: 2, channel: { ...full.channel, id: '550e8400-e29b-41d4-a716-446655440002' } }];
    await generator.generate(unique, { strategy: 'batched', cache, onDuplicate: () => undefined });
    expect((await generator.generate(unique, { strategy: 'batched', cache, onDuplicate: () => undefined })).metrics.reusedEntries).toBe(2);
  });

  it('names records by the index a JSON reader recorded on them, which a skipped record before them makes differ from the channel index', async () => {
    // Records 1 and 2 of an array whose record 0 was skipped: channels 0 and 1 of the run.
    const atIndex = (nc: NumberedChannel, index: number): NumberedChannel => Object.assign({ ...nc, channel: { ...nc.channel, tvgLogo: undefined } }, { [RECORD_INDEX]: index });
    const sameId: NumberedChannel = { assignedNumber: 2, channel: { ...full.channel } };
    const channels = [atIndex(full, 1), atIndex(sameId, 2)];
    await expect(make().generate(channels)).rejects.toThrow(`record 2: field "channel.id": duplicate channel id "${UUID1}": record 1 has the same id`);
    const generator = make();
    const warnings: GenerationWarning[] = [];
    generator.hooks.warning.tap('test', (warning) => void warnings.push(warning));
    await generator.generate([channels[0]!]);
    expect(warnings.find((w) => w.field === 'tvg_logo')).toMatchObject({ channelIndex: 0, recordIndex: 1, line: undefined });
  });

  it('exposes one frozen hook object', () => {
    const g = make();
    expect(Object.isFrozen(g.hooks)).toBe(true);
    expect(Object.keys(g.hooks)).toEqual(Object.keys(HOOK_SIGNATURES));
  });
});

describe('what plain JavaScript callers get wrong', () => {
  const channels = [full];

  it('a misspelt generator or run option is refused, naming the option it most likely meant', async () => {
    expect(() => new M3uGenerator({ baseURL: 'http://tv.example', plugins: [basics] } as never)).toThrow('option "baseURL": unknown option (did you mean "baseUrl"?)');
    let closed = false;
    const source = { nextBatch: () => Promise.resolve(undefined), close: () => void (closed = true) };
    await expect(new M3uGenerator({ plugins: [basics] }).generate(source, { stratgy: 'simple' } as never)).rejects.toThrow('option "stratgy": unknown option (did you mean "strategy"?)');
    expect(closed).toBe(true);
    // Set to undefined means unset, as for every option.
    await expect(new M3uGenerator({ plugins: [basics], baseURL: undefined } as never).generate(channels)).resolves.toMatchObject({ metrics: { inputChannels: 1 } });
  });

  it('options that are not an object, and a cache that is not an EntryCache, are refused saying what to pass', async () => {
    expect(() => new M3uGenerator('http://localhost:8080' as never)).toThrow(
      'generator options: expected an object ({ baseUrl, proxyId, plugins, … }), got "http://localhost:8080": to set the base URL, pass { baseUrl: "http://localhost:8080" }',
    );
    const generator = new M3uGenerator({ plugins: [basics] });
    await expect(generator.generate(channels, 'in-memory' as never)).rejects.toThrow('run options: expected an object ({ output, cache, signal, … }), got "in-memory"');
    await expect(generator.generate(channels, { cache: EntryCache } as never)).rejects.toThrow(
      'option "cache": expected an EntryCache (new EntryCache() from @m3ugen/core), got a class or function: create one with new EntryCache() and give the same one to each run',
    );
    await expect(generator.generate(channels, { cache: {} } as never)).rejects.toThrow('option "cache": expected an EntryCache (new EntryCache() from @m3ugen/core), got an object');
    await expect(generator.generate(channels, { cache: new EntryCache() })).resolves.toMatchObject({ metrics: { inputChannels: 1 } });
  });

  it('a memory option given beside memory rather than in it is refused, saying where it goes; a misspelt strategy names the one meant', async () => {
    expect(() => new M3uGenerator({ maxMemoryMb: 256, plugins: [basics] } as never)).toThrow('option "maxMemoryMb": an option inside memory: { memory: { maxMemoryMb: … } }');
    await expect(new M3uGenerator({ plugins: [basics] }).generate(channels, { largeInputThreshold: 10 } as never)).rejects.toThrow(
      'option "largeInputThreshold": an option inside memory: { memory: { largeInputThreshold: … } }',
    );
    await expect(new M3uGenerator({ plugins: [basics] }).generate(channels, { strategy: 'simpel' })).rejects.toThrow('unknown strategy "simpel" (did you mean "simple"?); registered: "simple"');
  });

  it.each([
    [undefined, 'got undefined'],
    [null, 'got null'],
    ['channels.ndjson', 'got a string: to read the records of a file, pass openChannelReader("channels.ndjson") from @m3ugen/reader'],
    [{ channels: [] }, 'got an object without nextBatch(), [Symbol.iterator]() or [Symbol.asyncIterator]() ([object Object]): its "channels" is a list; pass that'],
    ['[{"assigned_number":1}]', 'got a string of JSON text: pass the records it holds (JSON.parse(text) for an array of them)'],
    [{ count: 2 }, 'got an object without nextBatch(), [Symbol.iterator]() or [Symbol.asyncIterator]() ([object Object])'],
    [5, 'got a number'],
    // A missing await, a generator function not called, one record alone: each says the mend.
    [Promise.resolve([full]), 'got a Promise: await it and pass the records it gives'],
    [function* records() {}, 'got a generator function: call it and pass the generator it returns (records(), not records)'],
    [async function* records() {}, 'got a generator function: call it and pass the generator it returns (records(), not records)'],
    [() => [full], 'got a function: pass the records it gives, not the function'],
    [full, 'got one channel record: pass a list of them ([record])'],
    [{ assigned_number: 1, channel: {} }, 'got one channel record: pass a list of them ([record])'],
  ])('channels that are not channels (%j) are a TypeError saying what came', async (input, got) => {
    const error = await new M3uGenerator({ plugins: [basics] }).generate(input as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(`channels: expected an array, an iterable or async iterable of channel records, or a ChannelSource; ${got}`);
  });

  it('a run option given to the generator (cache, output) says where it goes', () => {
    expect(() => new M3uGenerator({ plugins: [basics], cache: {} } as never)).toThrow('option "cache": an option of each run, not of the generator: pass it to generate(channels, { cache })');
    expect(() => new M3uGenerator({ plugins: [basics], output: process.stdout } as never)).toThrow('option "output": an option of each run');
  });

  it('refuses an async apply, whose taps would miss the run and whose failure nobody would hear', async () => {
    const lazy: M3uPlugin = {
      name: 'lazy',
      apply: (async (g: M3uGenerator) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        g.hooks.streamUrl.tap('lazy', (url) => `${url}?late`);
      }) as never,
    };
    const broken: M3uPlugin = { name: 'broken', apply: (async () => Promise.reject(new Error('no table'))) as never };
    const message = 'plugin "lazy" failed in hook "apply": returned a Promise: apply is synchronous, and taps added after an await miss the runs started meanwhile; load what the plugin needs in a beforeRun tap (async), or, from a config, in an async factory';
    expect(() => make([lazy])).toThrow(message);
    expect(await unhandledDuring(async () => expect(() => make([broken])).toThrow('plugin "broken" failed in hook "apply": returned a Promise'))).toEqual([]);
  });

  it('plugins given to a run say they belong to the generator', async () => {
    await expect(new M3uGenerator({ plugins: [basics] }).generate([full], { plugins: [basics] } as never)).rejects.toThrow(
      'option "plugins": plugins are applied once, by the generator: new M3uGenerator({ plugins }), createGenerator({ plugins }) or generator.use(plugin)',
    );
  });

  it('stream() refuses an output, which it would otherwise drop', () => {
    const generator = new M3uGenerator({ plugins: [basics] });
    expect(() => generator.stream(channels, { output: process.stdout })).toThrow('option "output": stream() hands the playlist over as chunks; to write it to a Writable, call generate(channels, { output })');
  });

  it('an output that is not a Writable (a path) is refused before anything runs', async () => {
    const generator = new M3uGenerator({ plugins: [basics] });
    let started = false;
    generator.hooks.beforeRun.tap('test', () => void (started = true));
    await expect(generator.generate(channels, { output: 'playlist.m3u' } as never)).rejects.toThrow(
      'option "output": expected a Writable stream, such as fs.createWriteStream(path) or process.stdout; got "playlist.m3u"',
    );
    expect(started).toBe(false);
  });
});

describe('a failure inside a strategy', () => {
  const strategy = (name: string, body: (run: Parameters<M3uStrategy['generate']>[0]) => Promise<void>): M3uPlugin => ({
    name,
    apply(g) {
      g.strategies.register({ ...simple, name, generate: body });
    },
  });

  it("is named for the strategy when the strategy's own code threw it", async () => {
    const buggy = strategy('buggy', async (run) => {
      await run.source.nextBatch();
      (undefined as unknown as { x: number }).x;
    });
    const error = await new M3uGenerator({ plugins: [basics, buggy], strategy: 'buggy' }).generate([full]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_STRATEGY' });
    expect((error as Error).message).toMatch(/^strategy "buggy" failed: Cannot read properties of undefined/);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it("is left as it is when it is the input's or the output's, which are the caller's", async () => {
    async function* channels(): AsyncGenerator<NumberedChannel> {
      yield full;
      throw new Error('the database went away');
    }
    const generator = new M3uGenerator({ plugins: [basics] });
    await expect(generator.generate(channels())).rejects.toThrow(/^the database went away$/);
    const { Writable } = await import('node:stream');
    const full_disk = new Writable({ write: (_chunk, _encoding, done) => done(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) });
    const error = await generator.generate([full], { output: full_disk }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ENOSPC', message: 'ENOSPC: no space left on device' });
  });
});
