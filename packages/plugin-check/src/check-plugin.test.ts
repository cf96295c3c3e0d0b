import type { M3uPlugin, NumberedChannel, UrlScheme } from '@m3ugen/core';
import { describe, expect, it } from 'vitest';
import { checkChannels, HOSTILE_TEXTS } from './check-channels.js';
import { assertPlugin, checkPlugin, type PluginCheckName } from './check-plugin.js';
import { CheckError, type CheckReport } from './report.js';

function failed(report: CheckReport<PluginCheckName>): PluginCheckName[] {
  return report.checks.filter((check) => check.problems.length > 0).map((check) => check.name);
}

function problemsOf(report: CheckReport<PluginCheckName>, name: PluginCheckName): readonly string[] {
  return report.checks.find((check) => check.name === name)?.problems ?? [];
}

/** A plugin that taps `entryAttributes` with `attribute`, declaring `readsIndex`. */
function attributePlugin(name: string, attribute: (nc: NumberedChannel, index: number) => string, readsIndex?: boolean): M3uPlugin {
  return {
    name,
    apply(generator) {
      generator.hooks.entryAttributes.tap({ name, readsIndex }, (attributes, nc, index) => [...attributes, { name: 'x-check', value: attribute(nc, index) }]);
    },
  };
}

/** A plugin registering `scheme`, to check with `generator: { urlScheme: scheme.name }`. */
function schemePlugin(scheme: UrlScheme): M3uPlugin {
  return { name: `${scheme.name}-scheme`, apply: (generator) => void generator.urlSchemes.register(scheme) };
}

describe('checkPlugin', () => {
  it('passes plugins that keep their promises: an attribute from the record, one from the index (not declared index-free)', async () => {
    const report = await assertPlugin(attributePlugin('from-name', (nc) => nc.channel.channelName.toUpperCase(), false));
    expect(report.checks.map((check) => check.name)).toEqual(['structure', 'every-strategy', 'runs-again', 'entry-cache', 'worker-safe']);
    expect(report.summary.split('\n')[0]).toBe('plugin "from-name": every check passed');
    await assertPlugin(attributePlugin('from-index', (_nc, index) => String(index)));
  });

  it('finds a line break that an extinfLine tap copies from a channel into a line it adds', async () => {
    const grouped: M3uPlugin = {
      name: 'grouped',
      apply(generator) {
        generator.hooks.extinfLine.tap({ name: 'grouped', readsIndex: false }, (line, nc) => (nc.channel.groupTitle ? `${line}\n#EXTGRP:${nc.channel.groupTitle}` : line));
      },
    };
    const report = await checkPlugin(grouped);
    expect(failed(report)).toEqual(['structure']);
    expect(problemsOf(report, 'structure')[0]).toMatch(/^300 channels \(seed 1\): line \d+: /);
    expect(problemsOf(report, 'structure').join('\n')).toContain('a URL line without an #EXTINF line before it');
  });

  it('finds an index read by a tap that says it reads none, by moving channels past an EntryCache', async () => {
    const report = await checkPlugin(attributePlugin('claims-no-index', (_nc, index) => String(index), false));
    expect(failed(report)).toEqual(['entry-cache']);
    const problems = problemsOf(report, 'entry-cache');
    expect(problems[0]).toMatch(/^300 channels with an EntryCache, after two left, six came and forty moved: line \d+, from column \d+: expected \.\.\.".*x-check=\\"(\d+)\\".*", got \.\.\.".*x-check=\\"(\d+)\\"/);
  });

  it("finds a URL scheme whose reads leave out a field it builds from, and one whose lineSafe is not true", async () => {
    const upstream: UrlScheme = {
      name: 'upstream',
      description: 'https://cdn.example/?from={stream_url}',
      create: () => Object.assign((nc: NumberedChannel) => `https://cdn.example/?from=${encodeURIComponent(String(nc.channel.streamUrl).toWellFormed())}`, { reads: ['id'], lineSafe: true }),
    };
    const stale = await checkPlugin(schemePlugin(upstream), { generator: { urlScheme: 'upstream' } });
    expect(failed(stale)).toEqual(['entry-cache']);
    expect(problemsOf(stale, 'entry-cache')[0]).toMatch(/^300 channels with an EntryCache, after fields beyond the default line's changed in every 20th \(stream_url, a plugin's own\): line \d+(, from column \d+)?: expected (\.\.\.)?"[^"]*http%3A%2F%2Fupstream.example%2F7%2F/);
    // Declaring what it reads, it passes.
    const declared: UrlScheme = { ...upstream, name: 'declared', create: () => Object.assign((nc: NumberedChannel) => `https://cdn.example/?from=${encodeURIComponent(String(nc.channel.streamUrl).toWellFormed())}`, { reads: ['id', 'streamUrl'], lineSafe: true }) };
    expect((await checkPlugin(schemePlugin(declared), { generator: { urlScheme: 'declared' } })).passed).toBe(true);
    const raw: UrlScheme = { ...upstream, name: 'raw', create: () => Object.assign((nc: NumberedChannel) => `https://cdn.example/${nc.channel.channelName}`, { lineSafe: true }) };
    const broken = await checkPlugin(schemePlugin(raw), { generator: { urlScheme: 'raw' } });
    expect(failed(broken)).toEqual(['structure']);
    // The same scheme without the false promise: the writer makes each URL one line.
    const honest: UrlScheme = { ...raw, name: 'honest', create: () => (nc: NumberedChannel) => `https://cdn.example/${nc.channel.channelName}` };
    expect((await checkPlugin(schemePlugin(honest), { generator: { urlScheme: 'honest' } })).passed).toBe(true);
  });

  it('finds state kept from one run to the next', async () => {
    let served = 0;
    const report = await checkPlugin(attributePlugin('counter', () => String(served++)));
    expect(failed(report)).toContain('runs-again');
    expect(problemsOf(report, 'runs-again')[0]).toMatch(/^a second run: line 2, from column \d+: expected \.\.\.".*x-check=\\"\d+\\"/);
  });

  it('runs the channels it is given, and reads fields of their own', async () => {
    const seen = new Set<unknown>();
    const catchup: M3uPlugin = {
      name: 'catchup',
      apply(generator) {
        generator.hooks.entryAttributes.tap({ name: 'catchup', readsIndex: false }, (attributes, nc) => {
          seen.add(nc.channel['catchupSource']);
          return [...attributes, { name: 'catchup-source', value: String(nc.channel['catchupSource']) }];
        });
      },
    };
    const channels = (count: number, seed: number): NumberedChannel[] =>
      checkChannels(count, seed).map((nc, i) => ({ ...nc, channel: { ...nc.channel, catchupSource: HOSTILE_TEXTS[(i + seed) % HOSTILE_TEXTS.length] } }));
    await assertPlugin(catchup, { channels });
    expect(seen.size).toBe(HOSTILE_TEXTS.length);
  });

  it('finds state a plugin declaring workerSafe keeps from one channel to the next, which worker threads would split', async () => {
    const numbering = (): M3uPlugin => {
      let next = 0;
      return {
        name: 'numbering',
        workerSafe: true,
        apply(generator) {
          generator.hooks.beforeRun.tap('numbering', () => {
            next = 0;
          });
          generator.hooks.entryAttributes.tap('numbering', (attributes) => [...attributes, { name: 'x-seq', value: String(next++) }]);
        },
      };
    };
    const report = await checkPlugin(numbering);
    expect(failed(report)).toContain('worker-safe');
    expect(problemsOf(report, 'worker-safe')[0]).toMatch(/^300 channels in 5 parts on two generators taking turns: line 129, from column \d+: expected \.\.\.".*x-seq=\\"64\\".*", got \.\.\.".*x-seq=\\"0\\"/);
    // Not declared worker-safe, the check is skipped and says why.
    const single = await checkPlugin(() => ({ ...numbering(), workerSafe: false }));
    expect(single.checks.find((check) => check.name === 'worker-safe')?.skipped).toBe('it does not declare workerSafe: true, so the command renders its runs in one thread');
  });

  it('throws a CheckError from assertPlugin, and a TypeError for what is not a plugin', async () => {
    const error = await assertPlugin(attributePlugin('claims-no-index', (_nc, index) => String(index), false)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CheckError);
    expect((error as CheckError).message.split('\n').slice(0, 2)).toEqual(['plugin "claims-no-index": 1 of 5 checks found problems', '  structure: ok']);
    await expect(checkPlugin(undefined as unknown as M3uPlugin)).rejects.toThrow('checkPlugin: expected a plugin object or a function that makes one, got nothing');
    await expect(checkPlugin(attributePlugin('fine', () => 'x'), { generator: { urlScheme: 'pattern', urlOptions: { pattern: '{base_url}/{channel_id}', token: 'x' } } })).rejects.toThrow(
      'checkPlugin: a run of no channels failed, so no check can run: E_OPTION: option "url.token": the "pattern" URL scheme reads only "pattern", "params"',
    );
  });
});
