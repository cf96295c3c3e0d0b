// Generates a playlist from channels defined in code and prints it, with the run's metrics on stderr.
// Run it from the workspace root with `pnpm example`.
import { parseNumberedChannel } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { readFileSync } from 'node:fs';

// Records as the numbering stage serialises them (snake_case); parseNumberedChannel validates each one.
const records = JSON.parse(readFileSync(new URL('./channels.json', import.meta.url), 'utf8'));
const channels = records.map((record, index) => parseNumberedChannel(record, { file: 'channels.json', index }));

/** A small plugin: adds `tvg-language` from an input field the core model does not know. */
const language = {
  name: 'example-language',
  apply(generator) {
    generator.hooks.entryAttributes.tap('example-language', (attributes, nc) =>
      nc.channel.language ? [...attributes, { name: 'tvg-language', value: nc.channel.language }] : attributes,
    );
  },
};

const generator = createGenerator({
  baseUrl: 'https://tv.example/iptv',
  proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  plugins: [language],
});

const { playlist, metrics, warnings } = await generator.generate(channels);
process.stdout.write(playlist);
const plural = (count, noun) => `${count} ${noun}${count === 1 ? '' : 's'}`;
process.stderr.write(`${plural(metrics.channels, 'channel')}, ${plural(metrics.bytes, 'byte')}, strategy ${metrics.strategy}, ${plural(metrics.warnings, 'warning')}\n`);
// Each kind of warning once, counted, with its first (nobody listened to each one, so no more were built).
for (const [kind, count] of Object.entries(warnings.counts)) {
  process.stderr.write(`  ${count} × ${kind}, the first: ${warnings.firstWarnings[kind].message}\n`);
}
