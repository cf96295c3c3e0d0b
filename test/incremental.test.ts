import { displayName, EntryCache, RECORD_LINE, toChannelSource, type GenerationWarning, type M3uPlugin, type NumberedChannel } from '@m3ugen/core';
import { attributes } from '@m3ugen/attributes';
import { extinfTemplate } from '@m3ugen/extinf-template';
import { createGenerator } from '@m3ugen/preset-default';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeChannels } from './support/channels.js';
import { propertyRuns } from './support/property-runs.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

/** A fresh copy of every record, as a pipeline that re-reads its data would pass them. */
const copy = (channels: readonly NumberedChannel[]): NumberedChannel[] => channels.map((nc) => ({ ...nc, channel: { ...nc.channel } }));

/** A new record: `nc` with some channel fields changed. */
const withFields = (nc: NumberedChannel, fields: Record<string, unknown>): NumberedChannel => ({ ...nc, channel: { ...nc.channel, ...fields } });

async function full(channels: readonly NumberedChannel[], options = {}) {
  return createGenerator({ proxyId: PROXY, ...options }).generate(channels);
}

/** A source of `channels` in batches of 256 that stops before its second batch until `goOn()`; `paused` settles once a run waits there. */
function pausingSource(channels: readonly NumberedChannel[]) {
  const batches = toChannelSource(channels, 256);
  let goOn!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((resolve) => (goOn = resolve));
  const paused = new Promise<void>((resolve) => (reached = resolve));
  let served = 0;
  const source = {
    nextBatch: async () => {
      if (served++ === 1) {
        reached();
        await gate;
      }
      return batches.nextBatch();
    },
  };
  return { source, paused, goOn };
}

/** A generator and a cache filled by a first run over `count` channels, in batches of 256 as {@link pausingSource} serves them. */
async function warmedInBatchesOf256(count: number) {
  const channels = makeChannels(count);
  const generator = createGenerator({ proxyId: PROXY });
  const cache = new EntryCache();
  await generator.generate(toChannelSource(channels, 256), { cache });
  return { channels, generator, cache };
}

describe('incremental regeneration (EntryCache)', () => {
  it('re-renders only changed channels and writes exactly what a full run writes, warnings included', async () => {
    const channels = makeChannels(2000);
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const next = copy(channels);
    for (let i = 0; i < next.length; i += 100) next[i] = withFields(next[i]!, { channelName: `Renamed ${i}`, tvgLogo: null });
    const incremental = await generator.generate(next, { cache });
    const reference = await full(next);
    expect(incremental.playlist).toBe(reference.playlist);
    expect(incremental.warnings).toEqual(reference.warnings);
    expect(incremental.metrics.reusedEntries).toBe(2000 - 20);
    expect(cache.stats).toEqual({ size: 2000, reused: 1980, rendered: 20 });
  });

  it('gives a reused entry\'s replayed warnings the line its record is on now', async () => {
    const seen: GenerationWarning[] = [];
    const listen: M3uPlugin = { name: 'listen', apply: (g) => g.hooks.warning.tap('listen', (w) => void seen.push(w)) };
    const generator = createGenerator({ proxyId: PROXY, plugins: [listen] });
    const cache = new EntryCache();
    const atLine = (line: number): NumberedChannel => ({ assignedNumber: 1, channel: { id: '550e8400-e29b-41d4-a716-446655440001', channelName: 'A', tvgLogo: 'http://l/a.png' }, [RECORD_LINE]: line });
    await generator.generate([atLine(1)], { cache });
    expect(seen.map((w) => w.line)).toEqual([1, 1, 1]);
    seen.length = 0;
    await generator.generate([atLine(5)], { cache });
    expect(cache.stats).toMatchObject({ reused: 1, rendered: 0 });
    expect(seen.map((w) => [w.field, w.line])).toEqual([
      ['tvg_id', 5],
      ['tvg_name', 5],
      ['group_title', 5],
    ]);
  });

  it("replays a reused entry's warning with the value it is about (a non-UUID id)", async () => {
    const seen: GenerationWarning[] = [];
    const listen: M3uPlugin = { name: 'listen', apply: (g) => g.hooks.warning.tap('listen', (w) => void seen.push(w)) };
    const generator = createGenerator({ proxyId: PROXY, plugins: [listen] });
    const cache = new EntryCache();
    const odd: NumberedChannel = { assignedNumber: 1, channel: { id: 'news-1', channelName: 'A', tvgId: 'a', tvgName: 'A', tvgLogo: 'http://l/a.png', groupTitle: 'G' } };
    await generator.generate([odd], { cache });
    await generator.generate([odd], { cache });
    expect(cache.stats).toMatchObject({ reused: 1, rendered: 0 });
    expect(seen.map((w) => [w.code, w.value])).toEqual([
      ['non-uuid-id', 'news-1'],
      ['non-uuid-id', 'news-1'],
    ]);
  });

  it('keeps the latest text of a channel changed twice at the same place, for the run after', async () => {
    const channels = makeChannels(2000);
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const renamed = (name: string) => {
      const next = copy(channels);
      next[5] = withFields(next[5]!, { channelName: name });
      return next;
    };
    await generator.generate(renamed('First name'), { cache });
    const twice = renamed('Second name');
    expect((await generator.generate(twice, { cache })).playlist).toBe((await full(twice)).playlist);
    // Nothing changed since: every entry is reused, the one placed over an earlier placement included.
    const again = await generator.generate(copy(twice), { cache });
    expect(again.playlist).toBe((await full(twice)).playlist);
    expect(again.playlist).toContain(',Second name\n');
    expect(cache.stats).toEqual({ size: 2000, reused: 2000, rendered: 0 });
  });

  it('notices unknown fields, moves, removals and additions', async () => {
    const channels = makeChannels(50);
    const generator = createGenerator({ proxyId: PROXY, plugins: [attributes({ attributes: [{ name: 'provider', field: 'provider' }] })] });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const next = copy(channels).slice(1); // every channel moves up one position
    next[5] = withFields(next[5]!, { provider: 'b' });
    next.push(...makeChannels(60).slice(50));
    const incremental = await generator.generate(next, { cache });
    expect(incremental.playlist).toBe((await createGenerator({ proxyId: PROXY, plugins: [attributes({ attributes: [{ name: 'provider', field: 'provider' }] })] }).generate(next)).playlist);
    // The attributes plugin's taps do not read the index: the 48 unchanged entries are found where they went.
    expect(incremental.metrics.reusedEntries).toBe(48);
    expect(cache.stats).toEqual({ size: 59, reused: 48, rendered: 11 });
  });

  it('finds entries where they went: a channel removed or inserted re-renders nothing else, and later warnings name their new index', async () => {
    const heard: string[] = [];
    const listen: M3uPlugin = { name: 'listen', apply: (g) => g.hooks.warning.tap('listen', (w) => void heard.push(w.message)) };
    const channels = makeChannels(2000).map((nc, i) => (i % 500 === 499 ? withFields(nc, { tvgLogo: null }) : nc));
    const generator = createGenerator({ proxyId: PROXY, plugins: [listen] });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const reference = async (next: readonly NumberedChannel[]) => {
      heard.length = 0;
      const { playlist } = await createGenerator({ proxyId: PROXY, plugins: [listen] }).generate(next);
      return { playlist, heard: [...heard] };
    };
    const incremental = async (next: readonly NumberedChannel[]) => {
      heard.length = 0;
      const { playlist } = await generator.generate(next, { cache });
      return { playlist, heard: [...heard] };
    };

    const removed = copy(channels).filter((_, i) => i !== 10);
    const afterRemoval = await incremental(removed);
    expect(cache.stats).toEqual({ size: 1999, reused: 1999, rendered: 0 });
    expect(afterRemoval).toEqual(await reference(removed));
    expect(afterRemoval.heard).toContain('channel at index 498: tvg_logo is missing; written as ""');
    expect(afterRemoval.heard).not.toContain('channel at index 499: tvg_logo is missing; written as ""');

    const inserted = copy(removed);
    inserted.splice(3, 0, { assignedNumber: 5000, channel: { id: '550e8400-e29b-41d4-a716-446655445000', channelName: 'New', tvgId: 'n', tvgName: 'New', tvgLogo: 'http://l/n.png', groupTitle: 'G' } });
    const afterInsertion = await incremental(inserted);
    expect(cache.stats).toEqual({ size: 2000, reused: 1999, rendered: 1 });
    expect(afterInsertion).toEqual(await reference(inserted));

    const reversed = copy(inserted).reverse();
    expect(await incremental(reversed)).toEqual(await reference(reversed));
    expect(cache.stats).toEqual({ size: 2000, reused: 2000, rendered: 0 });
  });

  it('keeps every entry a run reused while it renders more entries than the cache held (its slot arrays grow)', async () => {
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache();
    let current = makeChannels(1000);
    await generator.generate(current, { cache });
    for (let round = 1; round <= 3; round++) {
      current = copy(current);
      // 300 new channels spread through the list, so entries are reused after the arrays grew: in place of
      // others (the rest stays where it was), then inserted (the rest moves).
      for (let k = 0; k < 300; k++) {
        const n = 10_000 * round + k;
        current.splice(k * 4, round === 3 ? 0 : 1, { assignedNumber: n, channel: { id: `650e8400-e29b-41d4-a716-${n.toString(16).padStart(12, '0')}`, channelName: `New ${n}` } });
      }
      const result = await generator.generate(current, { cache });
      expect(result.playlist).toBe((await full(current)).playlist);
      expect(cache.stats).toEqual({ size: current.length, reused: current.length - 300, rendered: 300 });
    }
    const again = await generator.generate(copy(current), { cache });
    expect(cache.stats).toEqual({ size: current.length, reused: current.length, rendered: 0 });
    expect(again.playlist).toBe((await full(current)).playlist);
  });

  it('rejects a duplicate of an entry reused just after the cache made room for more entries', async () => {
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache();
    const channels = makeChannels(60);
    await generator.generate(toChannelSource(channels, 300), { cache });
    const next = copy(channels);
    // Ten new channels in place of the first ten (the cache's first slots run out), then channel 10 as it was,
    // and channel 20 taking its id.
    for (let k = 0; k < 10; k++) next[k] = { assignedNumber: 1000 + k, channel: { id: `650e8400-e29b-41d4-a716-${(1000 + k).toString(16).padStart(12, '0')}`, channelName: `New ${k}` } };
    next[20] = withFields(next[20]!, { id: next[10]!.channel.id });
    await expect(generator.generate(toChannelSource(next, 300), { cache })).rejects.toThrow('record 20: field "channel.id": duplicate channel id');
  });

  it('finds moved entries by id without the duplicate check too', async () => {
    const generator = createGenerator({ proxyId: PROXY, checkDuplicates: false });
    const cache = new EntryCache();
    const channels = makeChannels(500);
    await generator.generate(channels, { cache });
    const removed = copy(channels).filter((_, i) => i !== 7);
    const result = await generator.generate(removed, { cache });
    expect(cache.stats).toEqual({ size: 499, reused: 499, rendered: 0 });
    expect(result.playlist).toBe((await full(removed, { checkDuplicates: false })).playlist);
  });

  it('moves entries through the ready-made plugins that do not read the index, and keeps them in place for a template that does', async () => {
    const cases = [
      { plugins: () => [attributes({ ready: ['catchup'], attributes: [{ name: 'tvg-country', value: 'DE' }] })], reused: 299 },
      { plugins: () => [extinfTemplate({ extinf: '#EXTINF:-1<%= it.attributes %>,<%= it.number %>. <%= it.name %>' })], reused: 299 },
      { plugins: () => [extinfTemplate({ extinf: '#EXTINF:-1<%= it.attributes %>,<%= it.index %>. <%= it.name %>' })], reused: 100 },
      { plugins: () => [attributes({ attributes: [{ name: 'x-position', compute: (_nc: NumberedChannel, index: number) => index }] })], reused: 100 },
    ];
    for (const { plugins, reused } of cases) {
      const channels = makeChannels(300);
      const generator = createGenerator({ proxyId: PROXY, plugins: plugins() });
      const cache = new EntryCache();
      await generator.generate(channels, { cache });
      const removed = copy(channels).filter((_, i) => i !== 100);
      const result = await generator.generate(removed, { cache });
      expect(cache.stats.reused).toBe(reused);
      expect(result.playlist).toBe((await createGenerator({ proxyId: PROXY, plugins: plugins() }).generate(removed)).playlist);
    }
  });

  it('keeps an entry to its position when its text may depend on it (a URL scheme that does not say what it reads)', async () => {
    const indexed: M3uPlugin = { name: 'indexed', apply: (g) => g.urlSchemes.register({ name: 'indexed', description: 'by index', create: () => (nc, index) => `http://cdn.example/${index}/${nc.channel.id}` }) };
    const channels = makeChannels(300);
    const generator = createGenerator({ proxyId: PROXY, urlScheme: 'indexed', plugins: [indexed] });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const removed = copy(channels).filter((_, i) => i !== 100);
    const result = await generator.generate(removed, { cache });
    expect(cache.stats).toEqual({ size: 299, reused: 100, rendered: 199 });
    expect(result.playlist).toBe((await createGenerator({ proxyId: PROXY, urlScheme: 'indexed', plugins: [indexed] }).generate(removed)).playlist);
    expect(result.playlist).toContain(`http://cdn.example/100/${channels[101]!.channel.id}`);
  });

  it('still rejects a changed channel that duplicates an unchanged one', async () => {
    const channels = makeChannels(10);
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const next = copy(channels);
    next[7] = withFields(next[7]!, { id: channels[2]!.channel.id });
    await expect(generator.generate(next, { cache })).rejects.toThrow('record 7: field "channel.id": duplicate channel id');
  });

  it('checks the ids of a dropped channel as a full run does (not at all), whether its entry is found by id or by position', async () => {
    // Drops channels named "x…"; with readsIndex false entries may move and are found by id.
    const dropX = (readsIndex: false | undefined): M3uPlugin => ({ name: 'drop-x', apply: (g) => g.hooks.dropChannel.tap({ name: 'drop-x', readsIndex }, (nc) => nc.channel.channelName.startsWith('x')) });
    for (const readsIndex of [false, undefined] as const) {
      const options = { proxyId: PROXY, plugins: [dropX(readsIndex)] };
      const outcome = (run: Promise<{ playlist: string }>) => run.then(({ playlist }) => playlist, (error: Error) => error.message);
      const channels = makeChannels(40);
      const generator = createGenerator(options);
      const cache = new EntryCache();
      await generator.generate(channels, { cache });
      const id = (i: number): string => channels[i]!.channel.id;
      const rounds: NumberedChannel[][] = [
        // A channel renamed so that it is dropped, then one that takes its id: no duplicate, as the dropped channel is not written.
        channels.map((nc, i) => (i === 10 ? withFields(nc, { channelName: 'x' }) : i === 11 ? withFields(nc, { id: id(10) }) : nc)),
        // A channel, a dropped one with its id, then another with it: the third duplicates the first, past the dropped one.
        channels.map((nc, i) => (i === 21 ? withFields(nc, { id: id(20), channelName: 'x' }) : i === 22 ? withFields(nc, { id: id(20) }) : nc)),
        channels,
      ];
      for (const round of rounds) expect(await outcome(generator.generate(copy(round), { cache }))).toBe(await outcome(createGenerator(options).generate(copy(round))));
    }
  });

  it('starts over when the options change', async () => {
    const channels = makeChannels(10);
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const moved = await generator.generate(channels, { cache, baseUrl: 'https://tv.example' });
    expect(moved.metrics.reusedEntries).toBe(0);
    expect(moved.playlist).toBe((await full(channels, { baseUrl: 'https://tv.example' })).playlist);
  });

  it('gives the bytes, warnings and errors of a full run over any sequence of edits and batch sizes (property)', async () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: fc.string({ maxLength: 8 }) }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 12 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), n: fc.integer({ min: 1000, max: 1010 }) }),
      // A channel taken out and put back elsewhere: entries that may move are found where they went.
      fc.record({ kind: fc.constant('move' as const), at: fc.nat(), to: fc.nat() }),
      // Takes the id of another channel (a duplicate), or gives one back.
      fc.record({ kind: fc.constant('steal-id' as const), at: fc.nat(), from: fc.nat() }),
      fc.record({ kind: fc.constant('fresh-id' as const), at: fc.nat(), n: fc.integer({ min: 2000, max: 2005 }) }),
      fc.record({ kind: fc.constant('no-logo' as const), at: fc.nat() }),
      // A value changed to one that may be written as the old one was (a `"` is written as `'`, a
      // line break as a space, a name's outer spaces dropped), or a number of other digits.
      // On the first few channels, so that later edits meet earlier ones.
      fc.record({
        kind: fc.constant('set-field' as const),
        at: fc.nat({ max: 7 }),
        field: fc.constantFrom('channelName', 'tvgId', 'tvgName', 'tvgLogo', 'groupTitle'),
        value: fc.oneof(
          fc.constantFrom(null, undefined, ''),
          fc.integer({ min: 0, max: 12 }),
          fc.array(fc.constantFrom('a', '"', "'", ' ', '\n', '\u2028', '\ud800', '\ufffd', ','), { minLength: 1, maxLength: 3 }).map((chars) => chars.join('')),
        ),
      }),
      fc.record({ kind: fc.constant('renumber' as const), at: fc.nat({ max: 7 }), n: fc.constantFrom(0, 9, 10, 99, 100, 2 ** 53 + 2) }),
      // The name the entry shows: after a blank name, its stand-in (the tvg-name, the id or "Channel N").
      fc.record({ kind: fc.constant('name-as-shown' as const), at: fc.nat({ max: 7 }) }),
      // An upstream URL written as another was (outer spaces trimmed, a space as %20, a line break as a
      // space), one the direct scheme refuses (missing, relative, a number), or another URL.
      fc.record({
        kind: fc.constant('set-stream-url' as const),
        at: fc.nat({ max: 7 }),
        value: fc.constantFrom(
          null,
          '',
          'live/1.ts',
          7,
          'http://upstream.example/live/1.ts',
          ' http://upstream.example/live/1.ts ',
          'http://upstream.example/live/1 .ts',
          'http://upstream.example/live/1%20.ts',
          'http://upstream.example/live/1\n.ts',
          'http://upstream.example/live/1 \n.ts',
          'http://upstream.example/live/2.ts',
        ),
      }),
    );
    const round = fc.record({ edits: fc.array(edit, { maxLength: 4 }), batch: fc.constantFrom(3, 7, 64, 300), strategy: fc.constantFrom('in-memory', 'streaming') });
    /**
     * `plain`: entries may move. `plain-memory`: the same with a cache that prefers memory, which compares records
     * with the entries' text. `hooks`: per-channel plugins (this one drops channels named "x…" and adds an attribute),
     * so entries are compared whole, kept by position while a tap may read the index. `indexed-url`: a URL built from the channel's index, by a scheme
     * that does not say what it reads, so an entry is only good for its position, and its URL is built again to compare it. `direct-memory`: the direct
     * scheme's URLs (the upstream URL, refused when not absolute), with a cache that prefers memory, which builds
     * the URL again to compare it with the entry's. `relay-memory`: the same with a scheme of a third party's
     * that reads the upstream URL and the tvg-id, and warns about some channels as it builds their URLs.
     */
    type Mode = 'plain' | 'plain-memory' | 'hooks' | 'index-free-hooks' | 'indexed-url' | 'direct-memory' | 'relay-memory';
    const relay: M3uPlugin = {
      name: 'relay',
      apply: (g) =>
        g.urlSchemes.register({
          name: 'relay',
          description: 'a relay of the upstream URL',
          create: (run) =>
            Object.assign(
              (nc: NumberedChannel, index: number) => {
                const upstream = String(nc.channel.streamUrl ?? '');
                if (!upstream.startsWith('http')) run.warn({ code: 'relay:not-http', message: `not http: ${upstream}`, channelIndex: index });
                return `http://relay.example/${nc.assignedNumber}/${String(nc.channel.tvgId)}?u=${upstream}`;
              },
              { reads: ['streamUrl', 'tvgId'] },
            ),
        }),
    };
    /** Warns about an upstream URL not of http, and fails on one that is a number, as it builds the URL (which shows it, so its warnings change only with the URL). */
    const indexed: M3uPlugin = {
      name: 'indexed',
      apply: (g) =>
        g.urlSchemes.register({
          name: 'indexed',
          description: 'by index',
          create: (run) => (nc, index) => {
            const upstream: unknown = nc.channel.streamUrl;
            if (typeof upstream === 'number') throw new Error(`a number: ${upstream}`);
            if (typeof upstream !== 'string' || !upstream.startsWith('http')) run.warn({ code: 'indexed:not-http', message: `not http: ${String(upstream)}`, channelIndex: index });
            return `http://cdn.example/${index}/${nc.channel.id}?u=${String(upstream)}`;
          },
        }),
    };
    const urlSchemeOf = (mode: Mode): string | undefined => ({ 'indexed-url': 'indexed', 'direct-memory': 'direct', 'relay-memory': 'relay' } as Partial<Record<Mode, string>>)[mode];
    const plugins = (mode: Mode): M3uPlugin[] => {
      const log: M3uPlugin = { name: 'log', apply: (g) => g.hooks.warning.tap('log', (w) => void heard.push([w.code, w.channelIndex, w.message, w.reason, w.value])) };
      if (mode === 'plain' || mode === 'plain-memory' || mode === 'direct-memory') return [log];
      if (mode === 'relay-memory') return [log, relay];
      if (mode === 'indexed-url') return [log, indexed];
      // `index-free-hooks`: the same plugins, each tap saying it does not read the index, so entries may move.
      const readsIndex = mode === 'hooks' ? undefined : false;
      const plugins: M3uPlugin[] = [
        log,
        attributes({ attributes: [{ name: 'tvg-country', value: 'DE' }] }),
        { name: 'drop-x', apply: (g) => g.hooks.dropChannel.tap({ name: 'drop-x', readsIndex }, (nc) => nc.channel.channelName.startsWith('x')) },
      ];
      // A tap whose attribute is the index: an entry moved would keep its old one.
      if (mode === 'hooks') plugins.push({ name: 'index', apply: (g) => g.hooks.entryAttributes.tap('index', (list, _nc, index) => [...list, { name: 'x-index', value: String(index) }]) });
      return plugins;
    };
    let heard: unknown[] = [];
    const outcome = async (run: Promise<{ playlist: string; warnings: unknown; metrics: { bytes: number } }>) => {
      heard = [];
      // The byte count too: a cache counts its entries' UTF-8 bytes from the pieces it joins.
      const ended = await run.then(({ playlist, warnings, metrics }) => ({ playlist, warnings, bytes: metrics.bytes }), (error: Error) => ({ error: error.message }));
      return { ...ended, heard };
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Mode>('plain', 'plain-memory', 'hooks', 'index-free-hooks', 'indexed-url', 'direct-memory', 'relay-memory'), fc.array(round, { minLength: 1, maxLength: 6 }), async (mode, rounds) => {
        const urlScheme = urlSchemeOf(mode);
        const options = { proxyId: PROXY, plugins: plugins(mode), ...(urlScheme === undefined ? {} : { urlScheme }) };
        const generator = createGenerator(options);
        const cache = new EntryCache({ prefer: mode.endsWith('-memory') ? 'memory' : 'speed' });
        let current = makeChannels(400);
        await generator.generate(toChannelSource(current, 7), { cache });
        for (const { edits, batch, strategy } of rounds) {
          current = copy(current);
          for (const e of edits) {
            const at = e.at % current.length;
            if (e.kind === 'drop') current.splice(at, Math.min(e.n, current.length - 1));
            else if (e.kind === 'insert') current.splice(at, 0, { assignedNumber: e.n, channel: { id: `550e8400-e29b-41d4-a716-${e.n.toString(16).padStart(12, '0')}`, channelName: `New ${e.n}` } });
            else if (e.kind === 'move') current.splice(e.to % current.length, 0, ...current.splice(at, 1));
            else if (e.kind === 'rename') current[at] = withFields(current[at]!, { channelName: `${e.name}x`, tvgName: e.name === '' ? null : e.name });
            else if (e.kind === 'steal-id') current[at] = withFields(current[at]!, { id: current[e.from % current.length]!.channel.id });
            else if (e.kind === 'fresh-id') current[at] = withFields(current[at]!, { id: `650e8400-e29b-41d4-a716-${e.n.toString(16).padStart(12, '0')}` });
            else if (e.kind === 'no-logo') current[at] = withFields(current[at]!, { tvgLogo: null });
            else if (e.kind === 'set-field') current[at] = withFields(current[at]!, { [e.field]: e.value });
            else if (e.kind === 'renumber') current[at] = { ...current[at]!, assignedNumber: e.n };
            else if (e.kind === 'set-stream-url') current[at] = withFields(current[at]!, { streamUrl: e.value });
            else if (e.kind === 'name-as-shown') {
              const { channel, assignedNumber } = current[at]!;
              // An invalid name (set-field's null) shows as a blank one would.
              const shown = displayName({ ...channel, channelName: typeof channel.channelName === 'string' ? channel.channelName : '' }, assignedNumber);
              current[at] = withFields(current[at]!, { channelName: shown });
            }
          }
          const incremental = await outcome(generator.generate(toChannelSource(current, batch), { cache, strategy }));
          // The same kind of input (a source, not an array, which would let the error name the earlier record).
          const reference = await outcome(createGenerator(options).generate(toChannelSource(current)));
          expect(incremental).toEqual(reference);
        }
      }),
      { numRuns: propertyRuns(250) },
    );
  });

  it('reuses records re-read from text (new objects, new strings)', async () => {
    const channels = makeChannels(3000);
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const reread = JSON.parse(JSON.stringify(channels)) as NumberedChannel[];
    reread[1234] = withFields(reread[1234]!, { groupTitle: 'Changed' });
    const again = await generator.generate(reread, { cache });
    expect(cache.stats).toEqual({ size: 3000, reused: 2999, rendered: 1 });
    expect(again.playlist).toBe((await full(reread)).playlist);
  });

  it('preferring memory, compares re-read records with the entries\' text and reuses the same entries', async () => {
    const channels = makeChannels(3000).map((nc, i) => (i === 7 ? withFields(nc, { channelName: ' \n' }) : i === 8 ? withFields(nc, { tvgName: 'A "quoted" name' }) : nc));
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache({ prefer: 'memory' });
    expect(cache.prefer).toBe('memory');
    await generator.generate(channels, { cache });
    const reread = JSON.parse(JSON.stringify(channels)) as NumberedChannel[];
    reread[1234] = withFields(reread[1234]!, { groupTitle: 'Changed' });
    // Written as the entries show them: the blank name's stand-in is a name now, and the quotes are written as they were.
    reread[7] = withFields(reread[7]!, { channelName: displayName(channels[7]!.channel, channels[7]!.assignedNumber) });
    reread[8] = withFields(reread[8]!, { tvgName: "A 'quoted' name" });
    const again = await generator.generate(reread, { cache });
    expect(cache.stats).toEqual({ size: 3000, reused: 2998, rendered: 2 });
    const reference = await full(reread);
    expect(again.playlist).toBe(reference.playlist);
    expect(again.warnings).toEqual(reference.warnings);
  });

  it('refuses a preference other than speed or memory', () => {
    expect(new EntryCache().prefer).toBe('speed');
    expect(() => new EntryCache({ prefer: 'less' as never })).toThrow(/option "prefer": expected "speed" or "memory", got "less"$/);
    expect(() => new EntryCache({ prefer: 'memroy' as never })).toThrow(/option "prefer": expected "speed" or "memory", got "memroy" \(did you mean "memory"\?\)$/);
  });

  it('re-renders when a field the URL is built from changes, whether or not the scheme names its fields', async () => {
    const slug = (nc: NumberedChannel) => String(nc.channel['slug']);
    const schemes: M3uPlugin[] = [
      { name: 'unnamed-fields', apply: (g) => g.urlSchemes.register({ name: 'cdn', description: 'by slug', create: () => (nc) => `https://cdn.example/${slug(nc)}.m3u8` }) },
      {
        name: 'named-fields',
        apply: (g) => g.urlSchemes.register({ name: 'cdn', description: 'by slug', create: () => Object.assign((nc: NumberedChannel) => `https://cdn.example/${slug(nc)}.m3u8`, { reads: ['slug'] }) }),
      },
    ];
    for (const scheme of schemes) {
      const channels = makeChannels(20).map((nc, i) => withFields(nc, { slug: `s${i}` }));
      const generator = createGenerator({ proxyId: PROXY, urlScheme: 'cdn', plugins: [scheme] });
      const cache = new EntryCache();
      await generator.generate(channels, { cache });
      const next = copy(channels);
      next[3] = withFields(next[3]!, { slug: 'moved' });
      const result = await generator.generate(next, { cache });
      expect(cache.stats.rendered).toBe(1);
      expect(result.playlist).toContain('https://cdn.example/moved.m3u8');
      expect(result.playlist).toBe((await createGenerator({ proxyId: PROXY, urlScheme: 'cdn', plugins: [scheme] }).generate(next)).playlist);
    }
  });

  it('re-renders when an object field the URL is built from is changed in place', async () => {
    const cdn: M3uPlugin = {
      name: 'cdn',
      apply: (g) =>
        g.urlSchemes.register({
          name: 'cdn',
          description: 'by route',
          create: () => Object.assign((nc: NumberedChannel) => `https://cdn.example/${(nc.channel['route'] as { path: string }).path}.m3u8`, { reads: ['route'] }),
        }),
    };
    const channels = makeChannels(20).map((nc, i) => withFields(nc, { route: { path: `p${i}` } }));
    const generator = createGenerator({ proxyId: PROXY, urlScheme: 'cdn', plugins: [cdn] });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    (channels[3]!.channel['route'] as { path: string }).path = 'moved';
    const result = await generator.generate(channels, { cache });
    expect(cache.stats.rendered).toBe(1);
    expect(result.playlist).toBe((await generator.generate(channels)).playlist);
    expect(result.playlist).toContain('https://cdn.example/moved.m3u8');
  });

  it('notices records changed in place, with and without per-channel plugins', async () => {
    for (const plugins of [[], [attributes({ attributes: [{ name: 'provider', field: 'provider' }] })]]) {
      const channels = makeChannels(30).map((nc) => ({ ...nc, channel: { ...nc.channel, provider: 'a' } }));
      const generator = createGenerator({ proxyId: PROXY, plugins });
      const cache = new EntryCache();
      await generator.generate(channels, { cache });
      // The same objects, edited: nothing about them is new but their content.
      channels[4]!.channel.channelName = 'Edited in place';
      channels[9]!.channel['provider'] = 'b';
      const result = await generator.generate(channels, { cache });
      expect(result.playlist).toBe((await createGenerator({ proxyId: PROXY, plugins }).generate(channels)).playlist);
      expect(result.playlist).toContain(',Edited in place\n');
    }
  });

  it('notices an object or array field changed in place, which a plugin may read from', async () => {
    const country: M3uPlugin = {
      name: 'country',
      apply: (g) => g.hooks.entryAttributes.tap('country', (list, nc) => [...list, { name: 'tvg-country', value: String((nc.channel['meta'] as { country: string }).country) }]),
    };
    const channels = makeChannels(30).map((nc) => ({ ...nc, channel: { ...nc.channel, meta: { country: 'DE' }, tags: ['a'] } }));
    const generator = createGenerator({ proxyId: PROXY, plugins: [country, attributes({ attributes: [{ name: 'x-tags', compute: (nc) => (nc.channel['tags'] as string[]).join(',') }] })] });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    (channels[4]!.channel['meta'] as { country: string }).country = 'AT';
    (channels[9]!.channel['tags'] as string[]).push('b');
    const result = await generator.generate(channels, { cache });
    expect(result.playlist).toBe((await generator.generate(channels)).playlist);
    expect(result.playlist).toContain(' tvg-country="AT" x-tags="a",');
    expect(result.playlist).toContain(' tvg-country="DE" x-tags="a,b",');
    expect(result.metrics.reusedEntries).toBe(28);
  });

  it('renders again an entry whose field JSON cannot hold whole (a Map), rather than take it for unchanged', async () => {
    const region: M3uPlugin = {
      name: 'region',
      apply: (g) => g.hooks.entryAttributes.tap('region', (list, nc) => [...list, { name: 'x-region', value: String((nc.channel['codes'] as Map<string, string>).get('region')) }]),
    };
    const channels = makeChannels(10).map((nc) => ({ ...nc, channel: { ...nc.channel, codes: new Map([['region', 'eu']]) } }));
    const generator = createGenerator({ proxyId: PROXY, plugins: [region] });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    // A fresh Map with other contents reads "{}" as JSON, as the old one did.
    channels[2] = { ...channels[2]!, channel: { ...channels[2]!.channel, codes: new Map([['region', 'us']]) } };
    const result = await generator.generate(channels, { cache });
    expect(result.playlist).toBe((await generator.generate(channels)).playlist);
    expect(result.playlist).toContain(' x-region="us",');
  });

  it('re-renders when stream_url changes under the direct scheme', async () => {
    const channels = makeChannels(20);
    const generator = createGenerator({ urlScheme: 'direct' });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const next = copy(channels);
    next[9] = withFields(next[9]!, { streamUrl: 'http://elsewhere.example/9.ts' });
    const result = await generator.generate(next, { cache });
    expect(cache.stats.rendered).toBe(1);
    expect(result.playlist).toContain('\nhttp://elsewhere.example/9.ts\n');
  });

  it('starts over after a failed run, and still catches a duplicate of a later unchanged channel', async () => {
    const channels = makeChannels(30);
    const generator = createGenerator({ proxyId: PROXY });
    const cache = new EntryCache();
    await generator.generate(channels, { cache });
    const next = copy(channels);
    next[4] = withFields(next[4]!, { id: channels[25]!.channel.id });
    // The duplicate is the later, unchanged record 25.
    await expect(generator.generate(next, { cache })).rejects.toThrow('record 25: field "channel.id": duplicate channel id');
    expect(cache.stats.size).toBe(0);
    const fixed = await generator.generate(channels, { cache });
    expect(fixed.playlist).toBe((await full(channels)).playlist);
    expect(cache.stats.rendered).toBe(30);
  });

  it('serves one run at a time: a run given a cache another run is using is refused, and that run and the cache are unharmed', async () => {
    const { channels, generator, cache } = await warmedInBatchesOf256(600);
    const next = copy(channels);
    next[7] = withFields(next[7]!, { channelName: 'Renamed' });
    const { source, paused, goOn } = pausingSource(next);
    const first = generator.generate(source, { cache });
    await paused;
    await expect(generator.generate(toChannelSource(copy(channels), 256), { cache })).rejects.toThrow('option "cache": this EntryCache is in use by a run that has not ended');
    goOn();
    const result = await first;
    expect(result.playlist).toBe((await full(next)).playlist);
    expect(cache.stats).toEqual({ size: 600, reused: 599, rendered: 1 });
    // Free again once that run ended.
    expect((await generator.generate(toChannelSource(channels, 256), { cache })).metrics.reusedEntries).toBe(599);
  });

  it('still catches a duplicate of a later unchanged channel when another run tries the cache meanwhile', async () => {
    // Before runs were refused a cache in use, the second run's start cleared what the first had
    // noted (record 400's id is claimed by record 5), and the first published both.
    const { channels, generator, cache } = await warmedInBatchesOf256(600);
    const next = copy(channels);
    next[5] = withFields(next[5]!, { id: channels[400]!.channel.id });
    const { source, paused, goOn } = pausingSource(next);
    const first = generator.generate(source, { cache });
    await paused;
    await expect(generator.generate(toChannelSource(copy(channels), 256), { cache })).rejects.toThrow('option "cache"');
    goOn();
    await expect(first).rejects.toThrow('record 400: field "channel.id": duplicate channel id');
  });
});
