import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { attributes } from '@m3ugen/attributes';
import { createGenerationHooks, createRenderers, EntryCache, resolveOptions, WarningLog, type NumberedChannel } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';

// A generator holds its latest run's renderers, so the next run starts from their compiled code
// (Renderers.release in @m3ugen/core). What the run was given must not stay with them.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const PROXY_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

function channels(count: number, firstId = 1): NumberedChannel[] {
  return Array.from({ length: count }, (_, i) => ({
    assignedNumber: i + 1,
    channel: { id: `550e8400-e29b-41d4-a716-${(firstId + i).toString(16).padStart(12, '0')}`, channelName: `Channel ${i + 1}` },
  }));
}

/** Whether what `refs` point at is gone once the run's own turn of the event loop has passed and the garbage is collected. */
async function collected(refs: readonly WeakRef<object>[]): Promise<boolean[]> {
  // A WeakRef keeps its target until the job that made or read it ends.
  await new Promise((resolve) => setTimeout(resolve, 0));
  collectGarbage();
  return refs.map((ref) => ref.deref() === undefined);
}

describe('an ended run', () => {
  it('leaves nothing of its records, its cache or its callbacks with the generator (in memory, with a cache)', async () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080', proxyId: PROXY_ID });
    const refs = await (async () => {
      const records = channels(3000);
      const cache = new EntryCache();
      const onDuplicate = (): void => undefined;
      await generator.generate(records, { strategy: 'in-memory', cache, onDuplicate });
      return [new WeakRef(records), new WeakRef(records[2500]!), new WeakRef(cache), new WeakRef(onDuplicate)];
    })();
    expect(await collected(refs)).toEqual([true, true, true, true]);
    // The generator still works, from the renderers it held.
    const { playlist } = await generator.generate(channels(2), { strategy: 'in-memory', cache: new EntryCache() });
    expect(playlist.split('\n')).toHaveLength(6);
  });

  it('leaves nothing of them either when it streams through a per-channel plugin, or when it fails', async () => {
    const generator = createGenerator({ baseUrl: 'http://localhost:8080', proxyId: PROXY_ID, plugins: [attributes({ attributes: [{ name: 'tvg-country', value: 'DE' }] })] });
    const refs = await (async () => {
      const records = channels(3000);
      const onDuplicate = (): void => undefined;
      await generator.generate(records, { strategy: 'streaming', onDuplicate });
      const failing = [...channels(2000), { assignedNumber: 1, channel: { id: 'x', channelName: '' } } as NumberedChannel];
      await expect(generator.generate(failing, { strategy: 'in-memory', cache: new EntryCache() })).rejects.toThrow();
      return [new WeakRef(records), new WeakRef(onDuplicate), new WeakRef(failing), new WeakRef(failing[1500]!)];
    })();
    expect(await collected(refs)).toEqual([true, true, true, true]);
  });

  it('makes renderers that, once released, refuse to render instead of rendering for a run that is gone', () => {
    const run = { runId: 'r', options: resolveOptions({}), knownChannelCount: undefined, warn: () => undefined, warningsSoFar: () => new WarningLog().summary() };
    const renderers = createRenderers({ hooks: createGenerationHooks(), run, warnings: new WarningLog(), buildUrl: (nc) => `http://p/${nc.channel.id}`, counts: { rendered: 0, dropped: 0 } });
    const [record] = channels(1);
    expect(renderers.entry(record!, 0)).toContain('http://p/');
    renderers.release();
    expect(() => renderers.entry(record!, 1)).toThrow(/called after its run ended/);
    expect(() => renderers.batch({ channels: [record!], start: 0, end: 1, firstIndex: 1 })).toThrow(/called after its run ended/);
  });
});
