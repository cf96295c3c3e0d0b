// An integrator's program: the provider's archive knows how many days each channel keeps,
// so the playlist gets catchup attributes that IPTV clients use for "watch from the start".
// Run: pnpm --filter @m3ugen-examples/custom-attributes start
import { attributes } from '@m3ugen/attributes';
import { createGenerator } from '@m3ugen/preset-default';
import { openChannelReader } from '@m3ugen/reader';
import { fileURLToPath } from 'node:url';

/** Days of archive per group, as the integrator's own system knows them. */
const ARCHIVE_DAYS = { News: 7, Sports: 3 };

const catchup = attributes({
  attributes: [
    { name: 'catchup', compute: (nc) => (ARCHIVE_DAYS[nc.channel.groupTitle] ? 'default' : undefined) },
    { name: 'catchup-days', compute: (nc) => ARCHIVE_DAYS[nc.channel.groupTitle] },
    {
      name: 'catchup-source',
      compute: (nc, _index, run) =>
        ARCHIVE_DAYS[nc.channel.groupTitle] ? `${run.options.baseUrl}/archive/${nc.channel.id}?utc={utc}&lutc={lutc}` : undefined,
    },
  ],
  // The archive also wants the country from the provider's own field, when there is one.
  ready: ['tvg-country'],
});

const channels = await openChannelReader(fileURLToPath(new URL('./channels.ndjson', import.meta.url)), { displayName: 'channels.ndjson' });
const generator = createGenerator({ baseUrl: 'https://tv.example', proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', plugins: [catchup] });
const { playlist } = await generator.generate(channels);
process.stdout.write(playlist);
