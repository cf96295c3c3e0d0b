import { describe, expect, it } from 'vitest';
import type { NumberedChannel } from '../channel/model.js';
import type { M3uStrategy } from '../strategy/strategy.js';
import { EntryCache } from './entry-cache.js';
import type { AbsentField } from './field-reads.js';
import { M3uGenerator, type M3uPlugin } from './generator.js';

/** Renders whole batches, as the built-in strategies do, so an EntryCache is used. */
const batches: M3uStrategy = {
  name: 'batches',
  description: 'renders batch by batch into one string',
  contract: { estimateMemoryBytes: () => 0, supportedPressure: ['optimal', 'moderate', 'high', 'critical', 'emergency'], canTakeOverMidStage: false, boundedMemory: true, preference: 0, automatic: true },
  async generate(run) {
    let text = run.renderHeader();
    for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) text += run.renderBatch(b).text;
    await run.output.write(text);
  },
};

const basics: M3uPlugin = {
  name: 'basics',
  apply(generator) {
    generator.strategies.register(batches);
    generator.urlSchemes.register({ name: 'proxy', description: 'test', create: () => Object.assign((nc: NumberedChannel) => `http://p/${nc.channel.id}`, { reads: ['id'] }) });
  },
};

/** Reads `field` of the channel into an attribute named after it, and declares the read. */
const reading = (field: string, has?: (nc: NumberedChannel) => boolean): M3uPlugin => ({
  name: `reads-${field}`,
  apply(generator) {
    generator.readsField({ field, by: `attribute "x-${field}"`, has: has ?? ((nc) => typeof nc.channel[field] === 'string' && nc.channel[field] !== '') });
    generator.hooks.entryAttributes.tap(`reads-${field}`, (list, nc) => [...list, { name: `x-${field}`, value: nc.channel[field] as string | undefined ?? '' }]);
  },
});

function channels(count: number, extra: (i: number) => Record<string, unknown> = () => ({})): NumberedChannel[] {
  return Array.from({ length: count }, (_, i) => ({
    assignedNumber: i + 1,
    channel: { id: `550e8400-e29b-41d4-a716-${String(i + 1).padStart(12, '0')}`, channelName: `Channel ${i + 1}`, ...extra(i) },
  }));
}

function make(plugins: M3uPlugin[]): M3uGenerator {
  return new M3uGenerator({ plugins: [basics, ...plugins] });
}

describe('readsField: a declared field no record has', () => {
  it('is one warning after the channels, naming the reader and the field the records have', async () => {
    const seen: string[] = [];
    const g = make([reading('contry'), { name: 'log', apply: (gen) => gen.hooks.warning.tap('log', (w) => void seen.push(w.code)) }]);
    const result = await g.generate(channels(3, () => ({ country: 'DE' })));
    const message = 'attribute "x-contry" reads field "contry", which is missing from every channel (did you mean "country"?)';
    expect(result.warnings.counts['absent-field:contry']).toBe(1);
    expect(result.warnings.firstMessages['absent-field:contry']).toBe(message);
    expect(result.absentFields).toEqual([{ field: 'contry', by: 'attribute "x-contry"', meant: 'country' }]);
    expect(seen.at(-1)).toBe('absent-field');
    expect(seen.filter((code) => code === 'absent-field')).toHaveLength(1);
  });

  it('is no warning when any record has it, even the last of a later batch, and none for an empty input', async () => {
    const late = await make([reading('region')]).generate(channels(3_000, (i) => (i === 2_999 ? { region: 'Bavaria' } : {})));
    expect(late.warnings.counts).not.toHaveProperty('absent-field:region');
    expect(late.absentFields).toEqual([]);
    const empty = await make([reading('region')]).generate([]);
    expect(empty.warnings.total).toBe(0);
  });

  it('counts null and "" as missing, as the contract does, and suggests nothing when no record field is close', async () => {
    const result = await make([reading('region')]).generate(channels(4, (i) => ({ region: i % 2 === 0 ? null : '' })));
    // Its own name is what the records have, so there is nothing else to suggest.
    expect(result.absentFields).toEqual([{ field: 'region', by: 'attribute "x-region"', meant: undefined }]);
    expect(result.warnings.firstMessages['absent-field:region']).toBe('attribute "x-region" reads field "region", which is missing from every channel');
  });

  it('looks at the records the cache reuses too: the warnings are those of a run without it', async () => {
    const g = make([reading('region')]);
    const cache = new EntryCache();
    const first = channels(2_000, (i) => (i === 10 ? { region: 'Bavaria' } : {}));
    expect((await g.generate(first, { cache })).absentFields).toEqual([]);
    // Record 10 is reused, not rendered: it still has the field.
    const second = first.map((nc, i) => (i === 1_500 ? { ...nc, channel: { ...nc.channel, channelName: 'Renamed' } } : nc));
    const again = await g.generate(second, { cache });
    expect(cache.stats.rendered).toBe(1);
    expect(again.absentFields).toEqual([]);
    // And once no record has it, the cached run says so as a full run does.
    const without = second.map((nc) => ({ ...nc, channel: { ...nc.channel, region: undefined } }));
    const [cached, full] = [await g.generate(without, { cache }), await make([reading('region')]).generate(without)];
    expect(cached.warnings).toEqual(full.warnings);
    expect(cached.absentFields).toHaveLength(1);
  });

  it('is looked at once per field, for the first reader, and a reader that throws counts as having it', async () => {
    const twice = await make([reading('contry'), reading('contry')]).generate(channels(2));
    expect(twice.warnings.counts['absent-field:contry']).toBe(1);
    const throwing = await make([reading('region', () => { throw new Error('cannot read'); })]).generate(channels(2));
    expect(throwing.absentFields).toEqual([]);
  });

  it('is not looked for when a channel tap may add it to the records', async () => {
    const enrich: M3uPlugin = { name: 'enrich', apply: (g) => g.hooks.channel.tap('enrich', (nc) => ({ ...nc, channel: { ...nc.channel, region: 'Bavaria' } })) };
    const result = await make([enrich, reading('region')]).generate(channels(3));
    expect(result.absentFields).toEqual([]);
    expect(result.warnings.counts).not.toHaveProperty('absent-field:region');
    expect((await make([reading('region')]).generate(channels(3))).absentFields).toHaveLength(1);
  });

  it('is refused when declared without its field, reader or test, naming the plugin', () => {
    const bad = (read: unknown): M3uPlugin => ({ name: 'bad', apply: (g) => void g.readsField(read as never) });
    expect(() => make([bad({ by: 'x', has: () => true })])).toThrow('plugin "bad" failed in hook "apply": readsField: expected { field, by, has } with the field\'s name as text, got nothing as field');
    expect(() => make([bad({ field: 'a', has: () => true })])).toThrow('readsField("a"): expected "by", who reads it as text (attribute "x"), got nothing');
    expect(() => make([bad({ field: 'a', by: 'x' })])).toThrow('readsField("a"): expected "has", a function telling whether a record has a value for it, got nothing');
  });

  it('is, for channels rendered elsewhere, what every part found missing, with the first part\'s suggestion', async () => {
    const elsewhere = (parts: (readonly AbsentField[] | undefined)[]): M3uPlugin => ({
      name: 'elsewhere',
      apply: (g) =>
        g.strategies.register({
          ...batches,
          name: 'elsewhere',
          contract: { ...batches.contract, automatic: false, writesElsewhere: true },
          async generate(run) {
            while ((await run.source.nextBatch()) !== undefined);
            for (const absent of parts) run.countRenderedElsewhere(10, 0, undefined, absent);
          },
        }),
    });
    const contry = (meant: string): AbsentField => ({ field: 'contry', by: 'attribute "x-contry"', meant });
    const run = async (parts: (readonly AbsentField[] | undefined)[]): Promise<readonly AbsentField[]> =>
      (await make([reading('contry'), elsewhere(parts)]).generate([], { strategy: 'elsewhere' })).absentFields;
    expect(await run([[contry('country')], [contry('county')]])).toEqual([contry('country')]);
    expect(await run([[contry('country')], []])).toEqual([]);
    // A part that said nothing may have had it.
    expect(await run([[contry('country')], undefined])).toEqual([]);
  });
});
