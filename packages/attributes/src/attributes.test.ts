import type { NumberedChannel } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { describe, expect, it } from 'vitest';
import { schemaKeyPaths, valueAt, WRONG_VALUES, ZOD_DEFAULT_WORDS } from '../../../test/support/schema-paths.js';
import { attributes, attributesOptionsSchema, type AttributesOptions, type ComputeAttribute } from './index.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const football: NumberedChannel = {
  assignedNumber: 7,
  channel: {
    id: '550e8400-e29b-41d4-a716-446655440007',
    channelName: 'Football Live',
    tvgId: 'football.example',
    tvgName: 'Football Live',
    tvgLogo: null,
    tvgShift: -2,
    groupTitle: 'Sports/Football',
    catchup: 'default',
    catchup_days: 7,
    tvg_country: 'DE',
    radio: false,
  },
  source_playlist: 'provider-a',
};

async function lines(options: AttributesOptions, channels: NumberedChannel[] = [football]): Promise<string[]> {
  const { playlist } = await createGenerator({ proxyId: PROXY, plugins: [attributes(options)] }).generate(channels);
  return playlist.split('\n');
}

describe('attributes', () => {
  it('adds ready attributes from their channel fields, leaving out empty ones', async () => {
    const [, extinf] = await lines({ ready: ['tvg-shift', 'tvg-country', 'tvg-language', 'catchup', 'catchup-days', 'radio'] });
    expect(extinf).toBe(
      '#EXTINF:-1 tvg-id="football.example" tvg-name="Football Live" tvg-logo="" tvg-chno="7" group-title="Sports/Football"' +
        ' tvg-shift="-2" tvg-country="DE" catchup="default" catchup-days="7" radio="false",Football Live',
    );
  });

  it('warns of a field its attributes read that no channel has, with the field meant, and only of those', async () => {
    const run = (options: AttributesOptions) => createGenerator({ proxyId: PROXY, plugins: [attributes(options)] }).generate([football]);
    const { warnings, absentFields } = await run({
      ready: ['tvg-shift', 'tvg-language'],
      attributes: [
        { name: 'x-source', field: 'source_playlst' },
        { name: 'x-days', field: 'catchup_days' },
        { name: 'x-fixed', value: 'v' },
        { name: 'x-computed', compute: () => 'c' },
      ],
    });
    // tvg-language reads tvg_language, which the channel lacks too; a fixed or computed value reads no field.
    expect(absentFields.map((a) => a.field)).toEqual(['tvg_language', 'source_playlst']);
    expect(warnings.firstMessages['absent-field:source_playlst']).toBe('attribute "x-source" reads field "source_playlst", which is missing from every channel (did you mean "source_playlist"?)');
    expect(warnings.firstMessages['absent-field:tvg_language']).toMatch(/^attribute "tvg-language" reads field "tvg_language", which is missing from every channel/);
    // A dotted path is looked for inside the object field it names.
    const nested: NumberedChannel = { ...football, channel: { ...football.channel, epg: { lang: 'de' } } };
    const inside = await createGenerator({ proxyId: PROXY, plugins: [attributes({ attributes: [{ name: 'a', field: 'epg.lang' }, { name: 'b', field: 'epg.lng' }] })] }).generate([nested]);
    expect(inside.absentFields).toEqual([{ field: 'epg.lng', by: 'attribute "b"', meant: 'epg.lang' }]);
  });

  it('adds static, field and computed attributes, and replaces an existing one by name', async () => {
    const [, extinf] = await lines({
      attributes: [
        { name: 'provider', field: 'source_playlist' },
        { name: 'x-static', value: 42 },
        { name: 'catchup-source', compute: (nc, index) => `http://archive/${nc.channel.id}/${index}?utc={utc}` },
        { name: 'tvg-name', compute: (nc) => nc.channel.channelName.toUpperCase() },
        { name: 'empty', field: 'nothing_here' },
        { name: 'kept-empty', field: 'nothing_here', writeEmpty: true },
      ],
    });
    expect(extinf).toBe(
      '#EXTINF:-1 tvg-id="football.example" tvg-name="FOOTBALL LIVE" tvg-logo="" tvg-chno="7" group-title="Sports/Football"' +
        ' provider="provider-a" x-static="42" catchup-source="http://archive/550e8400-e29b-41d4-a716-446655440007/0?utc={utc}" kept-empty="",Football Live',
    );
  });

  it('orders attributes and can leave out empty defaults', async () => {
    const [, extinf] = await lines({ ready: ['catchup'], order: ['tvg-chno', 'catchup'], omitEmptyDefaults: true });
    expect(extinf).toBe('#EXTINF:-1 tvg-chno="7" catchup="default" tvg-id="football.example" tvg-name="Football Live" group-title="Sports/Football",Football Live');
  });

  it('writes hierarchical groups as group-title and, when asked, an #EXTGRP line', async () => {
    const out = await lines({ groups: { separator: '/', groupTitle: 'last', extgrp: 'first' } });
    expect(out[1]).toContain('group-title="Football",');
    expect(out[2]).toBe('#EXTGRP:Sports');
    expect(out[3]).toBe(`http://localhost:8080/stream/${PROXY}/550e8400-e29b-41d4-a716-446655440007`);
    const full = await lines({ groups: { extgrp: true } });
    expect(full[2]).toBe('#EXTGRP:Sports/Football');
  });

  it('adds header attributes and comment lines that can never read as directives', async () => {
    const out = await lines({ header: { 'x-tvg-url': 'http://epg.example/guide.xml', 'url-tvg': 'http://epg.example/guide.xml' }, comments: ['Generated by m3ugen', 'EXTINF:-1,fake\nline'] });
    expect(out.slice(0, 3)).toEqual(['#EXTM3U x-tvg-url="http://epg.example/guide.xml" url-tvg="http://epg.example/guide.xml"', '# Generated by m3ugen', '# EXTINF:-1,fake line']);
  });

  it('keeps hostile field values on one line with safe quotes', async () => {
    const hostile = { ...football, channel: { ...football.channel, tvg_country: 'DE"\n#EXTINF:-1,evil' } };
    const out = await lines({ ready: ['tvg-country'] }, [hostile]);
    expect(out).toHaveLength(4);
    expect(out[1]).toContain(` tvg-country="DE' #EXTINF:-1,evil",`);
  });

  it('reads camelCase spellings of snake_case fields', async () => {
    const camel = { ...football, channel: { ...football.channel, catchup_days: undefined, catchupDays: 3 } };
    expect((await lines({ ready: ['catchup-days'] }, [camel]))[1]).toContain(' catchup-days="3",');
  });

  it('fails the run, naming the attribute, when compute returns what cannot be written: an async function\'s Promise, an object', async () => {
    const lookup = async (): Promise<string> => 'https://archive.example/x';
    const asyncCompute = { name: 'catchup-source', compute: lookup as unknown as ComputeAttribute };
    await expect(lines({ attributes: [asyncCompute] })).rejects.toThrow(
      /^plugin "@m3ugen\/attributes" failed in hook "entryAttributes" at channel index 0: compute of attribute "catchup-source" returned a Promise: it runs as each line is written/,
    );
    const objectCompute = { name: 'x-meta', compute: ((nc: NumberedChannel) => ({ id: nc.channel.id })) as unknown as ComputeAttribute };
    await expect(lines({ attributes: [objectCompute] })).rejects.toThrow(/compute of attribute "x-meta" returned an object, not a string, number or boolean$/);
    expect((await lines({ attributes: [{ name: 'x-n', compute: () => 3 }, { name: 'x-b', compute: () => true }] }))[1]).toContain(' x-n="3" x-b="true",');
  });

  it('fails the run, naming the attribute and the field, when a field holds an object or an array, instead of leaving it out', async () => {
    const listed = { ...football, channel: { ...football.channel, countries: ['DE', 'AT'], tvg_language: { code: 'de' } } };
    await expect(lines({ attributes: [{ name: 'tvg-country', field: 'countries' }] }, [listed])).rejects.toThrow(
      'plugin "@m3ugen/attributes" failed in hook "entryAttributes" at channel index 0: attribute "tvg-country": field "countries" is an array, not text, a number or a boolean (give the attribute a compute function to turn it into text)',
    );
    await expect(lines({ ready: ['tvg-language'] }, [listed])).rejects.toThrow(
      'attribute "tvg-language": field "tvg_language" is an object, not text, a number or a boolean (write it as { name: "tvg-language", field: "tvg_language.code" }, or give the attribute a compute function to turn it into text)',
    );
    // Missing and null stay empty, as before: left out, or written as "" when asked.
    const empty = { ...football, channel: { ...football.channel, countries: null } };
    expect((await lines({ attributes: [{ name: 'tvg-country', field: 'countries', writeEmpty: true }] }, [empty]))[1]).toContain(' tvg-country="",');
  });

  it('reads a dotted field name inside object fields, when no field has the name itself', async () => {
    const nested = {
      ...football,
      channel: { ...football.channel, epg: { country: 'DE', ids: ['a'], catchupWindow: { days: 3 } }, 'odd.name': 'as is' },
      source: { provider_name: 'provider-a' },
    };
    const [, extinf] = await lines(
      {
        attributes: [
          { name: 'tvg-country', field: 'epg.country' },
          { name: 'catchup-days', field: 'epg.catchup_window.days' },
          { name: 'provider', field: 'source.provider_name' },
          { name: 'odd', field: 'odd.name' },
          { name: 'nothing', field: 'epg.country.code' },
          { name: 'nothing-either', field: 'epg.constructor' },
          { name: 'not-inherited', field: 'constructor' },
          { name: 'not-inherited-either', field: 'toString' },
        ],
      },
      [nested],
    );
    expect(extinf).toContain(' tvg-country="DE" catchup-days="3" provider="provider-a" odd="as is",');
    await expect(lines({ attributes: [{ name: 'x-ids', field: 'epg.ids' }] }, [nested])).rejects.toThrow('attribute "x-ids": field "epg.ids" is an array, not text, a number or a boolean (give the attribute a compute function to turn it into text)');
  });

  it('refuses an attribute named twice, where the later would replace the earlier on every channel, but lets a default be replaced', () => {
    expect(() => attributes({ attributes: [{ name: 'x-a', value: '1' }, { name: 'x-a', value: '2' }] })).toThrow(
      'option "attributes[1].name": "x-a" is named twice (also in "attributes[0].name"): the later would replace the earlier\'s value on every channel; keep one',
    );
    expect(() => attributes({ ready: ['catchup'], attributes: [{ name: 'catchup', value: 'default' }] })).toThrow(/^option "attributes\[0\]\.name": "catchup" is named twice \(also in "ready\[0\]"\)/);
    expect(() => attributes({ ready: ['radio', 'radio'] })).toThrow(/^option "ready\[1\]": "radio" is named twice/);
    expect(() => attributes({ attributes: [{ name: 'tvg-name', value: 'x' }] })).not.toThrow();
  });

  it('is safe for worker threads (workerSafe) unless a compute function may keep state across channels', () => {
    expect(attributes({ ready: ['tvg-shift'], attributes: [{ name: 'x-a', value: 'a' }, { name: 'x-b', field: 'b' }] }).workerSafe).toBe(true);
    expect(attributes({ attributes: [{ name: 'x-n', compute: (_nc, index) => String(index) }] }).workerSafe).toBe(false);
  });

  it("says every option's wrong value in its own words, never zod's (\"Invalid input\", \"Too small\")", () => {
    const paths = schemaKeyPaths(attributesOptionsSchema);
    expect(paths.map((p) => p.join('.'))).toEqual(expect.arrayContaining(['ready.0', 'attributes.0.name', 'groups.extgrp', 'header']));
    for (const path of paths) {
      for (const value of WRONG_VALUES) {
        let message = '';
        try {
          attributes(valueAt(path, value) as AttributesOptions);
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message, `${path.join('.')} = ${JSON.stringify(value)}`).not.toMatch(ZOD_DEFAULT_WORDS);
      }
    }
  });

  it.each([
    [{ ready: ['catchup', 'catchup-hours'] }, /^option "ready\[1\]": expected one of tvg-shift.*, got "catchup-hours"$/],
    [{ ready: ['catchupp'] }, /^option "ready\[0\]": expected one of tvg-shift.*, got "catchupp" \(did you mean "catchup"\?\)$/],
    [{ groups: { extgrp: 'frist' } }, /^option "groups\.extgrp": expected true, false, "full", "first" or "last", got "frist" \(did you mean "first"\?\)$/],
    [{ groups: { groupTitle: 'frist' } }, /^option "groups\.groupTitle": expected "full", "first" or "last", got "frist" \(did you mean "first"\?\)$/],
    [{ attributes: [{ name: 'x-ok', value: 'x' }, { name: 'bad name', value: 'x' }] }, /^option "attributes\[1\]\.name": expected an attribute name/],
    [{ attributes: [{ name: 'x', value: 'a', field: 'b' }] }, /^option "attributes\[0\]": give exactly one of "value", "field" or "compute"/],
    [{ colour: 'red' }, /^option "colour": unknown option; known: ready, attributes/],
    [{ attributes: [{ name: 'x', vlaue: '1' }] }, /^option "attributes\[0\]\.vlaue": unknown option \(did you mean "value"\?\)$/],
    [{ attributes: [{ name: 'x', value: '1', colour: 'red' }] }, /^option "attributes\[0\]\.colour": unknown option; known: name, value, field, compute, writeEmpty$/],
    [{ groups: { seperator: '/' } }, /^option "groups\.seperator": unknown option \(did you mean "separator"\?\)$/],
  ])('rejects bad options %j naming the option as a config file spells its path', (options, message) => {
    expect(() => attributes(options as AttributesOptions)).toThrow(message);
  });

  it.each([
    [
      { attributes: { 'tvg-country': 'country' } },
      'option "attributes": expected a list of attributes, each { name, and one of value, field or compute }, got {"tvg-country":"country"}: write each attribute as { name: "tvg-country", field: "country" } in a list',
    ],
    [
      { attributes: ['catchup'] },
      'option "attributes[0]": expected an attribute: { name, and one of value, field or compute }, got "catchup": a ready attribute goes in "ready": ["catchup"]',
    ],
    [{ attributes: ['x-mine'] }, 'option "attributes[0]": expected an attribute: { name, and one of value, field or compute }, got "x-mine": { name: "x-mine", field: … } or value: …'],
    [{ ready: 'catchup' }, 'option "ready": expected a list of ready attribute names, got "catchup": a list of one is ["catchup"]'],
    [{ order: 'tvg-chno' }, 'option "order": expected a list of attribute names, got "tvg-chno": a list of one is ["tvg-chno"]'],
    [{ header: ['https://epg.example/guide.xml'] }, 'option "header": expected a table of header attributes, e.g. { "x-tvg-url": "https://epg.example/guide.xml" }, got ["https://epg.example/guide.xml"]'],
    [{ header: { 'x-tvg-url': null } }, 'option "header.x-tvg-url": expected a string or number, got null'],
    [{ groups: true }, 'option "groups": expected a table: { separator, groupTitle, extgrp }, got true'],
    [{ comments: 'made by m3ugen' }, 'option "comments": expected a list of comment lines, got "made by m3ugen": a list of one is ["made by m3ugen"]'],
    ['catchup', 'option "attributes plugin": expected the options object, got "catchup"'],
  ])('says what a value in the wrong shape should be, what it got, and the likely mend: %j', (options, message) => {
    expect(() => attributes(options as AttributesOptions)).toThrow(expect.objectContaining({ name: 'OptionError', message }));
  });
});
