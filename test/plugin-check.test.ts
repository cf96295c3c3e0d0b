import { attributes } from '@m3ugen/attributes';
import type { NumberedChannel } from '@m3ugen/core';
import { extinfTemplate } from '@m3ugen/extinf-template';
import { assertPlugin, checkChannels, HOSTILE_TEXTS } from '@m3ugen/plugin-check';
import { describe, expect, it } from 'vitest';

/** The check's channels, with the fields the ready attributes read, some hostile. */
function withAttributeFields(count: number, seed: number): NumberedChannel[] {
  return checkChannels(count, seed).map((nc, i) => {
    const hostile = HOSTILE_TEXTS[(i * 7 + seed) % HOSTILE_TEXTS.length];
    return {
      ...nc,
      channel: {
        ...nc.channel,
        groupTitle: i % 4 === 0 ? `Sports/${hostile}/Football` : nc.channel.groupTitle,
        catchup: i % 3 === 0 ? 'default' : hostile,
        catchupDays: (i + seed) % 8,
        catchupSource: `http://archive.example/${i}?t=${hostile}`,
        tvgShift: i % 5 === 0 ? hostile : (i % 3) - 1,
        tvgCountry: 'NL',
      },
    };
  });
}

// m3ugen's own plugins, as operators configure them, pass the check every third-party plugin is given.
describe('@m3ugen/plugin-check on the packaged plugins', () => {
  it('@m3ugen/attributes: ready, custom, computed and header attributes, comments and hierarchical groups', async () => {
    const plugin = attributes({
      ready: ['tvg-shift', 'tvg-country', 'catchup', 'catchup-days', 'catchup-source'],
      attributes: [
        { name: 'x-static', value: 'on' },
        { name: 'x-field', field: 'catchup_source' },
        { name: 'x-upper', compute: (nc) => nc.channel.channelName.toUpperCase() },
      ],
      header: { 'x-tvg-url': 'https://epg.example/guide.xml.gz' },
      comments: ['Generated for the check', 'a second line'],
      groups: { separator: '/', groupTitle: 'last', extgrp: 'first' },
    });
    await assertPlugin(plugin, { channels: withAttributeFields });
  });

  it('@m3ugen/attributes and @m3ugen/extinf-template without code of their own are checked as worker threads run them', async () => {
    const plain = () => attributes({ ready: ['tvg-shift', 'catchup'], attributes: [{ name: 'x-field', field: 'catchup_source' }], groups: { separator: '/', extgrp: true } });
    for (const report of [await assertPlugin(plain, { channels: withAttributeFields }), await assertPlugin(() => extinfTemplate({ extinf: '#EXTINF:-1<%= it.attributes %>,<%= it.number %> <%= it.name %>' }))]) {
      expect(report.checks.find((check) => check.name === 'worker-safe')?.skipped).toBeUndefined();
    }
  });

  it('@m3ugen/attributes: an attribute computed from the index', async () => {
    await assertPlugin(attributes({ attributes: [{ name: 'x-position', compute: (_nc, index) => index }] }), { channels: withAttributeFields });
  });

  it('@m3ugen/extinf-template: the default template, and templates for the EXTINF line, the URL line and the header', async () => {
    await assertPlugin(extinfTemplate());
    const custom = extinfTemplate({
      extinf: '#EXTINF:-1<%= it.attributes %>,<%= it.data.prefix %> <%= it.number %> · <%= it.name %> (<%= it.channel.catchupSource %>)',
      url: '<%= it.url %>?name=<%= it.name %>',
      header: '#EXTM3U x-tvg-url="<%= it.data.guide %>"',
      data: { prefix: 'CH', guide: 'https://epg.example/"guide".xml' },
    });
    await assertPlugin(custom, { channels: withAttributeFields });
  });

  it('the direct and pattern URL schemes', async () => {
    await assertPlugin({ name: 'no-op', apply: () => undefined }, { generator: { urlScheme: 'direct' } });
    await assertPlugin({ name: 'no-op', apply: () => undefined }, { generator: { urlScheme: 'pattern', urlOptions: { pattern: '{base_url}/live/{channel_id}.ts?n={assigned_number}' } } });
  });
});
