import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attributes } from '@m3ugen/attributes';
import { PluginError, type M3uPlugin, type NumberedChannel } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compiledTemplateCount, EXPLICIT_EXTINF_TEMPLATE, extinfTemplate, TemplateError } from './index.js';
import { propertyRuns } from '../../../test/support/property-runs.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const news: NumberedChannel = {
  assignedNumber: 1,
  channel: { id: '550e8400-e29b-41d4-a716-446655440001', channelName: 'News, "HD"', tvgId: 'news', tvgName: 'News', tvgLogo: 'http://l/n.png', groupTitle: 'News', streamUrl: 'http://up/1.ts' },
};

const generate = async (plugins: M3uPlugin[], channels: NumberedChannel[] = [news]): Promise<string> =>
  (await createGenerator({ proxyId: PROXY, checkDuplicates: false, plugins }).generate(channels)).playlist;

const text = fc.string({ unit: fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), fc.constantFrom('"', '\n', ',', '<%', '%>')), maxLength: 20 });
const channelArb: fc.Arbitrary<NumberedChannel> = fc.record({
  assignedNumber: fc.nat({ max: 100_000 }),
  channel: fc.record({
    id: fc.uuid(),
    channelName: text.filter((s) => s !== ''),
    tvgId: fc.option(text, { nil: undefined }),
    tvgName: fc.option(text, { nil: null }),
    tvgLogo: fc.option(text, { nil: undefined }),
    groupTitle: fc.option(text, { nil: undefined }),
  }),
});

describe('extinf templates', () => {
  it('the default template gives exactly the default writer bytes, alone and with attribute plugins', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(channelArb, { maxLength: 15 }), async (channels) => {
        expect(await generate([extinfTemplate()], channels)).toBe(await generate([], channels));
        expect(await generate([extinfTemplate({ extinf: EXPLICIT_EXTINF_TEMPLATE })], channels)).toBe(await generate([], channels));
        const extra = attributes({ attributes: [{ name: 'x-number', compute: (nc) => nc.assignedNumber * 2 }] });
        expect(await generate([extra, extinfTemplate()], channels)).toBe(await generate([extra], channels));
      }),
      { numRuns: propertyRuns(100) },
    );
  });

  it('compiles each template once for the life of the process', async () => {
    const source = '#EXTINF:-1 tvg-id="<%= it.tvgId %>",<%= it.number %> <%= it.name %> /* once */';
    const before = compiledTemplateCount();
    await generate([extinfTemplate({ extinf: source })], Array.from({ length: 50 }, (_, i) => ({ ...news, assignedNumber: i })));
    await generate([extinfTemplate({ extinf: source })]);
    expect(compiledTemplateCount()).toBe(before + 1);
  });

  it('sanitises every interpolation by where it stands: attribute values and text, raw tags included', async () => {
    const hostile: NumberedChannel = { ...news, channel: { ...news.channel, tvgId: 'a"b\r\n#EXTINF:-1,x', channelName: 'Name "q"\n#EXTM3U' } };
    const out = await generate([extinfTemplate({ extinf: '#EXTINF:-1 tvg-id="<%~ it.tvgId %>" x="<%= it.name %>",<%~ it.name %> / <%= it.tvgId %>' })], [hostile]);
    const lines = out.split('\n');
    expect(lines).toHaveLength(4);
    // it.name is the display name (quotes already '); it.tvgId is raw, so text context keeps its quote.
    expect(lines[1]).toBe(`#EXTINF:-1 tvg-id="a'b  #EXTINF:-1,x" x="Name 'q' #EXTM3U",Name 'q' #EXTM3U / a"b  #EXTINF:-1,x`);
  });

  it('lets a template add lines deliberately, and templates the URL and header with static data', async () => {
    const out = await generate([
      extinfTemplate({
        extinf: '#EXTINF:-1 tvg-chno="<%= it.number %>",<%= it.name %>\n#EXTVLCOPT:http-user-agent=<%= it.data.agent %>',
        url: '<%= it.baseUrl %>/live/<%= it.encode(it.channel.id) %>.ts?token=<%= it.data.token %>',
        header: '<%= it.header %> x-tvg-url="<%= it.data.epg %>"',
        data: { agent: 'm3ugen/1', token: 's3cret', epg: 'http://epg/g.xml' },
      }),
    ]);
    expect(out).toBe(
      '#EXTM3U x-tvg-url="http://epg/g.xml"\n#EXTINF:-1 tvg-chno="1",News, \'HD\'\n#EXTVLCOPT:http-user-agent=m3ugen/1\nhttp://localhost:8080/live/550e8400-e29b-41d4-a716-446655440001.ts?token=s3cret\n',
    );
  });

  it('gives an EXTINF template the final URL as it.url', async () => {
    const out = await generate([extinfTemplate({ extinf: '#EXTINF:-1 url="<%= it.url %>",<%= it.name %>' })]);
    expect(out.split('\n')[1]).toBe(`#EXTINF:-1 url="http://localhost:8080/stream/${PROXY}/550e8400-e29b-41d4-a716-446655440001",News, 'HD'`);
  });

  it.each([
    ['a helper in data given it whole', '#EXTINF:-1 x="<%= it.data.show(it) %>",<%= it.name %>', { show: (entry: { url: string; attributes: string }) => `${entry.url}|${entry.attributes}` }],
    ['a computed key', '#EXTINF:-1 x="<%= it[it.data.u] %>|<%= it[it.data.a] %>",<%= it.name %>', { u: 'url', a: 'attributes' }],
    ['a destructuring of it', '#EXTINF:-1 x="<% const { url: u, attributes: a } = it %><%= u %>|<%= a %>",<%= it.name %>', {}],
    ['code after a "%>" inside a string of the tag', '#EXTINF:-1 x="<%= "%>".slice(2) + it.url + "|" + it.attributes %>",<%= it.name %>', {}],
  ])('fills it.url and it.attributes for a template that reads them through %s', async (_how, extinf, data) => {
    const out = await generate([extinfTemplate({ extinf, data })]);
    const url = `http://localhost:8080/stream/${PROXY}/550e8400-e29b-41d4-a716-446655440001`;
    const attributes = ` tvg-id='news' tvg-name='News' tvg-logo='http://l/n.png' tvg-chno='1' group-title='News'`;
    expect(out.split('\n')[1]).toBe(`#EXTINF:-1 x="${url}|${attributes}",News, 'HD'`);
  });

  it('reads template files relative to the config folder, without their final newline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3ugen-template-'));
    writeFileSync(join(dir, 'extinf.eta'), '#EXTINF:-1,<%= it.number %>: <%= it.name %>\n');
    const out = await generate([extinfTemplate({ extinfFile: 'extinf.eta' }, { configDir: dir })]);
    expect(out.split('\n')[1]).toBe("#EXTINF:-1,1: News, 'HD'");
  });

  it('names the template and line of a syntax error', () => {
    expect(() => extinfTemplate({ extinf: '#EXTINF:-1,\n<%= it.name + %>' })).toThrow(
      new TemplateError('extinf template (inline)', 2, "invalid JavaScript in a template tag: Unexpected token ')'"),
    );
    expect(() => extinfTemplate({ url: 'x <%= it.name' })).toThrow('url template (inline): line 1: unclosed tag');
  });

  it('names the template, line, hook and channel of a runtime error, and publishes nothing', async () => {
    const error = await generate([extinfTemplate({ extinf: '#EXTINF:-1,\n<%= it.channel.extra.name %>' })], [news, { ...news, channel: { ...news.channel, extra: { name: 'x' } } }]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toBe(
      "plugin \"@m3ugen/extinf-template\" failed in hook \"extinfLine\" at channel index 0: extinf template (inline): line 2: Cannot read properties of undefined (reading 'name')",
    );
  });

  it('fails naming the line when an interpolation gives an object, a Promise or a function, instead of writing "[object Object]"', async () => {
    const run = (extinf: string, data?: Record<string, unknown>) => generate([extinfTemplate({ extinf, data })]);
    const where = 'plugin "@m3ugen/extinf-template" failed in hook "extinfLine" at channel index 0: extinf template (inline): line 2: ';
    await expect(run('#EXTINF:-1,<%= it.name %>\n#EXTVLCOPT:x=<%= it.data %>', { a: 1 })).rejects.toThrow(
      `${where}an interpolation gave an object, which would be written as "[object Object]": write one of its fields, or JSON.stringify it`,
    );
    await expect(run('#EXTINF:-1 a="<%= it.name %>"\n#X:<%= it.data.look(it.channel.id) %>', { look: async () => 'x' })).rejects.toThrow(`${where}an interpolation gave a Promise (templates are synchronous)`);
    await expect(run('#EXTINF:-1,\n#X:<%= it.encode %>')).rejects.toThrow(`${where}an interpolation gave a function, not its result: call it`);
    // What has text of its own is written as that text: an array of strings, a number, a Date.
    expect(await run('#EXTINF:-1 x="<%= it.data.list %>" n="<%= it.number %>",<%= it.name %>', { list: ['DE', 'AT'] })).toContain('#EXTINF:-1 x="DE,AT" n="1",News, \'HD\'\n');
  });

  it('fails a header template whose first line is not #EXTM3U, which players need first', async () => {
    await expect(generate([extinfTemplate({ header: '# <%= it.data.title %>\n<%= it.header %>', data: { title: 'TV' } })])).rejects.toThrow(
      'plugin "@m3ugen/extinf-template" failed in hook "header": returned a header whose first line is "# TV", not "#EXTM3U"',
    );
    expect(await generate([extinfTemplate({ header: '<%= it.header %>\n# <%= it.data.title %>', data: { title: 'TV' } })])).toMatch(/^#EXTM3U\n# TV\n#EXTINF:/);
  });

  it('refuses a template that reads a known field by its input spelling, which the model never has', async () => {
    expect(() => extinfTemplate({ extinf: '#EXTINF:-1 tvg-logo="<%= it.channel.tvg_logo %>",<%= it.name %>' })).toThrow(
      'extinf template (inline): line 1: tvg_logo is read by its input spelling, which is always empty here: records are read into camelCase fields (it.channel.tvgLogo, or it.tvgLogo)',
    );
    expect(() => extinfTemplate({ url: '<%= it.baseUrl %>/<%=\n it.record?.channel?.["stream_url"] %>' })).toThrow('url template (inline): line 2: stream_url is read by its input spelling');
    expect(() => extinfTemplate({ extinf: '#EXTINF:-1,<%= it.record.assigned_number %>' })).toThrow('(it.record.assignedNumber, or it.number)');
    // Found past an unknown field read first, which keeps its spelling.
    expect(() => extinfTemplate({ extinf: '#EXTINF:-1 c="<%= it.channel.country_code %>" g="<%= it.channel.group_title %>",<%= it.name %>' })).toThrow(
      'extinf template (inline): line 1: group_title is read by its input spelling',
    );
    // Unknown fields keep their spelling, and a variable of the template's own is its own business.
    const own = '<% const channel = it.data.groups; %>#EXTINF:-1 g="<%= channel.group_title %>" c="<%= it.channel.country_code %>",<%= it.name %>';
    expect(await generate([extinfTemplate({ extinf: own, data: { groups: { group_title: 'G' } } })], [{ ...news, channel: { ...news.channel, country_code: 'DE' } }])).toContain('g="G" c="DE"');
  });

  it('warns of an input field the templates read that no channel has, naming the template and the field meant', async () => {
    const record = { ...news, source: 'provider-a', channel: { ...news.channel, country: 'DE', region: '' } } as NumberedChannel;
    const plugin = extinfTemplate({
      extinf: '#EXTINF:-1 a="<%= it.channel.contry %>" b="<%= it.channel.country %>" c="<%= it.record.sorce %>" d="<%= it.channel.tvgLogo %>",<%= it.name %>',
      url: '<%= it.baseUrl %>/<%= it.channel["region"] || it.channel.id %>',
    });
    const { absentFields, warnings } = await createGenerator({ proxyId: PROXY, plugins: [plugin] }).generate([record]);
    // Model fields (tvgLogo) the run checks itself; a field that is "" everywhere is missing too.
    expect(absentFields).toEqual([
      { field: 'contry', by: 'extinf template (inline)', meant: 'country' },
      { field: 'sorce', by: 'extinf template (inline)', meant: 'source' },
      { field: 'region', by: 'url template (inline)', meant: undefined },
    ]);
    expect(warnings.firstMessages['absent-field:contry']).toBe('extinf template (inline) reads field "contry", which is missing from every channel (did you mean "country"?)');
  });

  it('refuses a template that reads a value `it` does not have, which would be empty everywhere', async () => {
    expect(() => extinfTemplate({ extinf: '#EXTINF:-1 tvg-chno="<%= it.number %>",\n<%= it.nmae %>' })).toThrow(
      'extinf template (inline): line 2: it.nmae is not a template value, so it would be empty on every channel: did you mean it.name?',
    );
    expect(() => extinfTemplate({ extinf: '#EXTINF:-1 tvg-chno="<%= it.tvgChno %>",<%= it.name %>' })).toThrow('it.tvgChno is not a template value, so it would be empty on every channel: did you mean it.number?');
    expect(() => extinfTemplate({ url: '<%= it?.baseUrl %>/<%= it.streamURL %>' })).toThrow('url template (inline): line 1: it.streamURL is not a template value, so it would be empty on every channel: did you mean it.streamUrl?');
    expect(() => extinfTemplate({ header: '<%~ it.header %> x-tvg-url="<%= it.epg %>"' })).toThrow(
      'header template (inline): line 1: it.epg is not a template value, so it would be empty in every playlist: it has header, baseUrl, proxyId, data, run',
    );
    // What `it` has, read any way, and a property of something else named `it`, pass.
    const fine = '#EXTINF:-1 a="<%= it?.tvgId %>" b="<%= it.data.it.nothing %>" c="<%= it.encode(it.channel.id) %>" d="<%= JSON.stringify(it.run.options.strict) %>",<%= it.name %>';
    expect(await generate([extinfTemplate({ extinf: fine, data: { it: {} } })])).toContain('#EXTINF:-1 a="news" b="" c=');
  });

  it('refuses a template reading a name the data option was not given, which would be empty everywhere', async () => {
    expect(() => extinfTemplate({ url: '<%= it.baseUrl %>/live/<%= it.channel.id %>.ts?token=<%= it.data.tokn %>', data: { token: 's3cret' } })).toThrow(
      'url template (inline): line 1: it.data.tokn is not in the "data" option, so it would be empty on every channel: did you mean it.data.token?',
    );
    expect(() => extinfTemplate({ extinf: '#EXTINF:-1,\n<%= it.data.prefix %><%= it.name %>' })).toThrow(
      'extinf template (inline): line 2: it.data.prefix is not in the "data" option, so it would be empty on every channel: give it in the "data" option (data: { prefix: … })',
    );
    expect(() => extinfTemplate({ header: '<%~ it.header %> x-tvg-url="<%= it?.data?.epg %>"', data: { guide: 'x' } })).toThrow(
      'it.data.epg is not in the "data" option, so it would be empty in every playlist: "data" has guide',
    );
    // Given names pass, whatever they hold, and so do the methods every object has.
    const given = '#EXTINF:-1 a="<%= it.data.empty %>" b="<%= it.data.hasOwnProperty(\'empty\') %>",<%= it.data.upper(it.name) %>';
    expect(await generate([extinfTemplate({ extinf: given, data: { empty: '', upper: (name: string) => name.toUpperCase() } })])).toContain('#EXTINF:-1 a="" b="true",NEWS');
  });

  it('refuses a URL template whose own text puts a line break inside every URL, or white space around it', () => {
    expect(() => extinfTemplate({ url: '<%= it.url %>\n<%= it.streamUrl %>' })).toThrow(
      'url template (inline): its text has a line break, which would be written as a space inside every URL: a URL template is one line',
    );
    expect(() => extinfTemplate({ url: '  <%= it.url %>' })).toThrow('url template (inline): its text starts or ends with white space, which would stand around every URL: remove it');
    expect(() => extinfTemplate({ url: '<%= it.url %>?a=1 ' })).toThrow('starts or ends with white space');
    // Line breaks inside code are code; eta's whitespace control removes the text it trims.
    expect(() => extinfTemplate({ url: '<%=\n it.url %>' })).not.toThrow();
    expect(() => extinfTemplate({ url: '<% const u = it.url -%>\n<%= u %>' })).not.toThrow();
  });

  it('drops one final newline of an inline template, as of a file (a TOML multi-line string ends with one)', async () => {
    const out = await generate([extinfTemplate({ extinf: '#EXTINF:-1,<%= it.name %>\n', url: '<%= it.url %>\n' })]);
    expect(out.split('\n').slice(1, 3)).toEqual(["#EXTINF:-1,News, 'HD'", `http://localhost:8080/stream/${PROXY}/550e8400-e29b-41d4-a716-446655440001`]);
  });

  it("refuses eta's include() and layout(), which need a views folder templates do not have, where they are called", async () => {
    expect(() => extinfTemplate({ extinf: '#EXTINF:-1,<%= it.name %>\n<%~ include("extra", it) %>' })).toThrow(
      "extinf template (inline): line 2: include() reads other templates from a views folder, which m3ugen's templates do not have: each is one string or file (share values through data)",
    );
    expect(() => extinfTemplate({ header: '<% layout("base") %><%~ it.header %>' })).toThrow('header template (inline): line 1: layout() reads other templates');
    // A helper of the template's own data by that name is its own.
    const own = extinfTemplate({ extinf: '#EXTINF:-1,<%= it.data.include(it.name) %>', data: { include: (name: string) => `[${name}]` } });
    expect(await generate([own])).toContain(",[News, 'HD']\n");
  });

  it('names a template file that cannot be read, and refuses both inline and file', () => {
    expect(() => extinfTemplate({ extinfFile: 'nope.eta' }, { configDir: '/nonexistent' })).toThrow('option "extinfFile": cannot read the template "nope.eta" (at /nonexistent/nope.eta): no such file');
    expect(() => extinfTemplate({ extinfFile: tmpdir() })).toThrow(`option "extinfFile": cannot read the template "${tmpdir()}": is a directory`);
    expect(() => extinfTemplate({ extinf: 'a', extinfFile: 'b' })).toThrow('option "extinfFile": give either "extinf" or "extinfFile", not both');
  });

  it('refuses an option it does not know, naming it, instead of quietly keeping the default template', () => {
    expect(() => extinfTemplate({ extinfFiel: 'extinf.eta' } as never)).toThrow('option "extinfFiel": unknown option (did you mean "extinfFile"?)');
    expect(() => extinfTemplate({ colour: 'red' } as never)).toThrow('option "colour": unknown option; known: extinf, extinfFile, url, urlFile, header, headerFile, data');
  });

  it('refuses an EXTINF template none of whose lines is an #EXTINF line, which would leave channels without one', async () => {
    expect(() => extinfTemplate({ extinf: '<%= it.name %>' })).toThrow('extinf template (inline): no line starts with "#EXTINF:"');
    expect(() => extinfTemplate({ extinf: ' #EXTINF:-1,<%= it.name %>' })).toThrow(TemplateError);
    // A line of its own before it is the template's choice.
    await expect(generate([extinfTemplate({ extinf: '#EXTGRP:<%= it.channel.groupTitle %>\n#EXTINF:-1,<%= it.name %>' })])).resolves.toContain('\n#EXTINF:-1,News');
    // Its text must start the line: after an interpolation or other text, it cannot be counted on.
    expect(() => extinfTemplate({ extinf: '<%= it.data.prefix %>#EXTINF:-1,<%= it.name %>' })).toThrow(TemplateError);
    expect(() => extinfTemplate({ extinf: '<%= "" %>\nx #EXTINF:-1,<%= it.name %>' })).toThrow(TemplateError);
  });

  it.each([
    ['code that outputs nothing', '<% const name = it.name.toUpperCase() %>#EXTINF:-1,<%= name %>', "#EXTINF:-1,NEWS, 'HD'"],
    ['a condition around an option line', '<% if (it.data.vlc) { %>#EXTVLCOPT:http-user-agent=m3ugen\n<% } %>#EXTINF:-1,<%= it.name %>', "#EXTINF:-1,News, 'HD'"],
    ["whitespace control's trimmed newline", '<% const n = it.number -%>\n#EXTINF:-1,<%= n %>', '#EXTINF:-1,1'],
  ])('accepts an #EXTINF line that starts after %s', async (_after, extinf, line) => {
    const out = await generate([extinfTemplate({ extinf, data: { vlc: false } })]);
    expect(out.split('\n')[1]).toBe(line);
  });
});
