// The integrator's plugin: the provider's archive knows how many days each channel keeps,
// so the playlist gets catchup attributes that IPTV clients use for "watch from the start".
import { attributes } from '@m3ugen/attributes';

/** Days of archive per group, as the integrator's own system knows them. */
const ARCHIVE_DAYS = { News: 7, Sports: 3 };

export const catchup = attributes({
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
