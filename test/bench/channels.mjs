// Deterministic benchmark channels: every field present (so the peer, which omits empty
// attributes, writes the same content), realistic lengths, UUID ids, and every string
// flat, as JSON.parse or a database driver returns it.
const GROUPS = ['News', 'Sports', 'Movies', 'Kids', 'Music', 'Documentary', 'Entertainment', 'Lifestyle'];

export const PROXY_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
export const BASE_URL = 'http://localhost:8080';

/**
 * One flat string. A template literal longer than 12 characters gives a rope
 * (a V8 ConsString), which every regex test or hash would first flatten into a
 * copy; values a pipeline reads from JSON or a database are flat.
 */
const flat = (...parts) => parts.join('');

/** `count` channels as the TypeScript API takes them, numbered from `first + 1`. */
export function makeChannels(count, first = 0) {
  const channels = new Array(count);
  for (let k = 0; k < count; k++) {
    const i = first + k;
    const n = i + 1;
    const name = flat('Channel ', n, ' ', GROUPS[i % GROUPS.length], ' HD');
    channels[k] = {
      assignedNumber: n,
      channel: {
        id: flat('550e8400-e29b-41d4-a716-', n.toString(16).padStart(12, '0')),
        channelName: name,
        streamUrl: flat('http://upstream.example/live/', n, '.ts'),
        tvgId: flat('channel-', n, '.example'),
        tvgName: name,
        tvgLogo: flat('http://localhost:8080/logos/channel-', n, '.png'),
        groupTitle: GROUPS[i % GROUPS.length],
        catchup: 'default',
        catchup_days: 7,
      },
    };
  }
  return channels;
}

/**
 * The channels made again (equal values, not the same strings, as a re-read gives them), with every
 * `every`-th from `offset` renamed by `suffix`: as copies (`...`), as the bench's incremental-1% makes
 * them, or with `alike` renamed in place, so they keep the others' shape (as a reader's records do; a
 * copy made with `...` gets a V8 map of its own).
 */
export function remadeWithRenamed(count, { every = 100, offset = 0, suffix = ' (new)', alike = false } = {}) {
  const channels = makeChannels(count);
  for (let i = offset; i < count; i += every) {
    const nc = channels[i];
    if (alike) nc.channel.channelName += suffix;
    else channels[i] = { ...nc, channel: { ...nc.channel, channelName: `${nc.channel.channelName}${suffix}` } };
  }
  return channels;
}

/** The same channels as the peer (@iptv/playlist) takes them, with the URLs m3ugen builds. */
export function toPeerChannels(channels) {
  return channels.map((nc) => ({
    tvgId: nc.channel.tvgId,
    tvgName: nc.channel.tvgName,
    tvgLogo: nc.channel.tvgLogo,
    tvgChno: String(nc.assignedNumber),
    groupTitle: nc.channel.groupTitle,
    name: nc.channel.channelName,
    url: `${BASE_URL}/stream/${PROXY_ID}/${nc.channel.id}`,
  }));
}

/** One NDJSON line per channel, in the pipeline's snake_case. */
export function toNdjsonLine(nc) {
  const c = nc.channel;
  return JSON.stringify({
    assigned_number: nc.assignedNumber,
    channel: { id: c.id, channel_name: c.channelName, stream_url: c.streamUrl, tvg_id: c.tvgId, tvg_name: c.tvgName, tvg_logo: c.tvgLogo, group_title: c.groupTitle },
  });
}
