import { M3uGenerator, OptionError, type M3uStrategy, type NumberedChannel } from '@m3ugen/core';
import { describe, expect, it } from 'vitest';
import { directUrlScheme, encodeChannelId, parseBaseUrl, parseProxyId, urlBuilder } from './index.js';

describe('parseBaseUrl', () => {
  it.each([
    ['http://localhost:8080', 'http://localhost:8080'],
    ['http://localhost:8080/', 'http://localhost:8080'],
    ['https://tv.example/iptv///', 'https://tv.example/iptv'],
    ['https://tv.example:8443/a/b', 'https://tv.example:8443/a/b'],
  ])('%s → %s', (input, expected) => {
    expect(parseBaseUrl(input)).toBe(expected);
  });

  it.each([
    ['', /expected an absolute http\(s\) URL/],
    ['localhost:8080', /got "localhost:8080" \(did you mean "http:\/\/localhost:8080"\?\)$/],
    ['tv.example/iptv', /got "tv.example\/iptv" \(did you mean "http:\/\/tv.example\/iptv"\?\)$/],
    ['http:/tv.example/iptv', /got "http:\/tv.example\/iptv" \(did you mean "http:\/\/tv.example\/iptv"\?\)$/],
    ['https:tv.example', /got "https:tv.example" \(did you mean "https:\/\/tv.example"\?\)$/],
    ['http:\\\\tv.example', /did you mean "http:\/\/tv.example"\?\)$/],
    ['/relative/path', /expected an absolute http\(s\) URL/],
    ['ftp://tv.example', /got the scheme "ftp"/],
    ['http://tv.example/?token=1', /without "\?query" or "#fragment"/],
    ['http://tv.example/#x', /without "\?query" or "#fragment"/],
    ['http://tv.example/\nx', /white space or control characters/],
    ['http://tv example', /white space or control characters/],
    ['http://tv.example:99999/', /got "http:\/\/tv.example:99999\/"; its port 99999 is above 65535$/],
    ['https://user@tv.example:http/', /; its port "http" is not a number$/],
    ['http://:8080', /got "http:\/\/:8080"; it names no host$/],
    ['http://', /; it names no host$/],
    ['http://[::1:8080/', /got "http:\/\/\[::1:8080\/"$/],
    ['http://[::1]:70000', /; its port 70000 is above 65535$/],
  ])('rejects %j', (input, message) => {
    expect(() => parseBaseUrl(input)).toThrow(OptionError);
    expect(() => parseBaseUrl(input)).toThrow(message);
  });

  it('names the option key', () => {
    expect(() => parseBaseUrl('nope', 'web.base_url')).toThrow(/^option "web.base_url": /);
  });
});

describe('parseProxyId', () => {
  it('accepts ULIDs in either case, unchanged', () => {
    expect(parseProxyId('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(parseProxyId('01arz3ndektsv4rrffq69g5fav')).toBe('01arz3ndektsv4rrffq69g5fav');
  });

  it.each([
    ['01ARZ3NDEKTSV4RRFFQ69G5FA', ': 25 characters'],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAVV', ': 27 characters'],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAI', ': character 26 "I" is not one of them'],
    ['01ARZ3NDEKTSV4RRFFQ69G5-AV', ': character 24 "-" is not one of them'],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAU', ': character 26 "U" is not one of them'],
    ['81ARZ3NDEKTSV4RRFFQ69G5FAV', ': it starts with "8", and a ULID starts with 0-7 (the largest is 7ZZZZZZZZZZZZZZZZZZZZZZZZZ)'],
    ['not-a-ulid', ': 10 characters'],
  ])('rejects %j, saying which rule it breaks', (id, problem) => {
    expect(() => parseProxyId(id)).toThrow(
      `option "proxy_id": expected a ULID (26 characters of 0-9 and A-Z without I, L, O, U), got ${JSON.stringify(id)}${problem}`,
    );
  });

  it('refuses a value that is not text', () => {
    expect(() => parseProxyId(42, 'web.proxy_id')).toThrow(/^option "web.proxy_id": expected a ULID .*, got 42$/);
  });
});

describe('encodeChannelId', () => {
  it('leaves UUIDs and unreserved ids alone', () => {
    expect(encodeChannelId('550e8400-e29b-41d4-a716-446655440001')).toBe('550e8400-e29b-41d4-a716-446655440001');
    expect(encodeChannelId('abc_1.2~x')).toBe('abc_1.2~x');
  });

  it('percent-encodes anything else, never changing the id otherwise', () => {
    expect(encodeChannelId('news/hd 1')).toBe('news%2Fhd%201');
    expect(encodeChannelId('a\nb')).toBe('a%0Ab');
    expect(encodeChannelId('ü')).toBe('%C3%BC');
    expect(encodeChannelId('x\ud800')).toBe('x%EF%BF%BD');
    expect(decodeURIComponent(encodeChannelId('?#&='))).toBe('?#&=');
  });

  it('encodes the dot segments a client would resolve away', () => {
    expect(encodeChannelId('..')).toBe('%2E%2E');
    expect(encodeChannelId('.')).toBe('%2E');
  });
});

/** A minimal strategy, registered the way any third party would. */
const collect: M3uStrategy = {
  name: 'collect',
  description: 'test strategy',
  contract: { estimateMemoryBytes: () => 0, supportedPressure: ['optimal', 'moderate', 'high', 'critical', 'emergency'], canTakeOverMidStage: false, boundedMemory: true, preference: 0, automatic: true },
  async generate(run) {
    let text = run.renderHeader();
    for (let b = await run.source.nextBatch(); b; b = await run.source.nextBatch()) {
      for (let i = b.start; i < b.end; i++) text += run.renderEntry(b.channels[i]!, b.firstIndex + i - b.start);
    }
    await run.output.write(text);
  },
};

const channel: NumberedChannel = { assignedNumber: 1, channel: { id: 'news/1', channelName: 'News' } };

function generator(options: ConstructorParameters<typeof M3uGenerator>[0] = {}): M3uGenerator {
  return new M3uGenerator({ plugins: [urlBuilder(), { name: 'collect', apply: (g) => g.strategies.register(collect) }], ...options });
}

const urlLine = (playlist: string): string => playlist.split('\n')[2]!;

describe('the proxy URL scheme', () => {
  it('builds {base_url}/stream/{proxy_ulid}/{channel_id}', async () => {
    const { playlist, warnings } = await generator({ baseUrl: 'https://tv.example/iptv/', proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }).generate([channel]);
    expect(urlLine(playlist)).toBe('https://tv.example/iptv/stream/01ARZ3NDEKTSV4RRFFQ69G5FAV/news%2F1');
    expect(warnings.counts['missing-proxy-id']).toBeUndefined();
  });

  it('falls back to {base_url}/stream/{channel_id} without a proxy ULID, warning once per run', async () => {
    const more = [2, 3].map((n) => ({ assignedNumber: n, channel: { id: `news/${n}`, channelName: 'News' } }));
    const { playlist, warnings } = await generator().generate([channel, ...more]);
    expect(urlLine(playlist)).toBe('http://localhost:8080/stream/news%2F1');
    expect(warnings.counts['missing-proxy-id']).toBe(1);
  });

  it('fails the run on an invalid base URL or proxy ULID before writing anything', async () => {
    await expect(generator({ baseUrl: 'localhost' }).generate([channel])).rejects.toThrow(/option "baseUrl"/);
    await expect(generator({ proxyId: 'xyz' }).generate([channel])).rejects.toThrow(/option "proxyId": expected a ULID .*, got "xyz"/);
  });

  it('writes a base URL path with a lone surrogate as U+FFFD, as the writer did before the scheme declared its URLs line-safe', async () => {
    expect(urlLine((await generator({ baseUrl: 'http://tv.example/a\ud800' }).generate([channel])).playlist)).toMatch(/^http:\/\/tv\.example\/a\ufffd\/stream\//);
  });

  it('declares its URLs line-safe (the writer skips its check), and the direct and pattern schemes too', () => {
    const run = generator({}).urlSchemes;
    const options = { baseUrl: 'http://localhost:8080', proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', urlOptions: { pattern: '{base_url}/{channel_id}' } };
    const create = (name: string) => run.require(name).create({ options, warn: () => undefined } as never);
    expect([create('proxy').lineSafe, create('direct').lineSafe, create('pattern').lineSafe]).toEqual([true, true, true]);
  });

  it("gets a custom scheme's URL checked by the writer unless it declares lineSafe", async () => {
    const g = generator({ urlScheme: 'raw' });
    g.urlSchemes.register({ name: 'raw', description: '', create: () => () => 'http://cdn.example/a\tb\u2028c\ud800' });
    expect(urlLine((await g.generate([channel])).playlist)).toBe('http://cdn.example/a b c\ufffd');
  });

  it('can be replaced by another scheme without forking', async () => {
    const g = generator({ urlScheme: 'numbered' });
    g.urlSchemes.register({ name: 'numbered', description: '', create: (run) => (nc) => `${run.options.baseUrl}/ch/${nc.assignedNumber}.ts` });
    expect(urlLine((await g.generate([channel])).playlist)).toBe('http://localhost:8080/ch/1.ts');
  });
});

describe('the direct URL scheme', () => {
  const upstream: NumberedChannel = { assignedNumber: 1, channel: { id: 'a', channelName: 'A', streamUrl: 'http://upstream.example/live/1.ts' } };

  it("writes the channel's own stream_url", async () => {
    const { playlist } = await generator({ urlScheme: 'direct' }).generate([upstream]);
    expect(urlLine(playlist)).toBe('http://upstream.example/live/1.ts');
  });

  it('rejects a missing or non-absolute stream_url with the index and field', async () => {
    await expect(generator({ urlScheme: 'direct' }).generate([upstream, { ...channel, assignedNumber: 2 }])).rejects.toThrow(
      'record 1: field "channel.stream_url": required by the direct URL scheme, but missing',
    );
    const hostile = { assignedNumber: 2, channel: { id: 'b', channelName: 'B', streamUrl: '#EXTM3U\nhttp://evil' } };
    await expect(generator({ urlScheme: 'direct' }).generate([hostile])).rejects.toThrow('field "channel.stream_url": expected an absolute URL');
  });

  it.each([
    [{ href: 'http://upstream.example/1.ts' }, 'an object'],
    [['http://a/1.ts', 'http://b/1.ts'], 'an array'],
    [5, 'number 5'],
  ])('says a stream_url from code that is not text (%j) is not a URL, rather than "missing"', async (streamUrl, got) => {
    const record = { assignedNumber: 2, channel: { id: 'b', channelName: 'B', streamUrl: streamUrl as never } };
    await expect(generator({ urlScheme: 'direct' }).generate([upstream, record])).rejects.toThrow(
      `record 1: field "channel.stream_url": expected an absolute URL (scheme://…), got ${got}`,
    );
  });

  it('writes a stream_url with control characters or a lone surrogate as one clean line', async () => {
    const messy = { assignedNumber: 3, channel: { id: 'c', channelName: 'C', streamUrl: 'http://u/1.ts\t\u0085\ud800x' } };
    expect(urlLine((await generator({ urlScheme: 'direct' }).generate([messy])).playlist)).toBe('http://u/1.ts%20%20\ufffdx');
  });

  it('trims white space around a stream_url and writes a space inside it as %20, which players and servers read', async () => {
    const spaced = { assignedNumber: 4, channel: { id: 'd', channelName: 'D', streamUrl: '  http://u/live/news hd.ts ' } };
    expect(urlLine((await generator({ urlScheme: 'direct' }).generate([spaced])).playlist)).toBe('http://u/live/news%20hd.ts');
  });

  it('keeps a stream_url with a line break on one line', async () => {
    const messy = { assignedNumber: 3, channel: { id: 'c', channelName: 'C', streamUrl: 'http://u/1.ts\n#EXTINF:-1,x' } };
    const { playlist } = await generator({ urlScheme: 'direct' }).generate([messy]);
    expect(playlist.split('\n')).toHaveLength(4);
  });
});

describe('the pattern URL scheme', () => {
  const pattern = (p: string, params: Record<string, unknown> = {}) => generator({ urlScheme: 'pattern', proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', urlOptions: { pattern: p, params } });

  it('fills the placeholders', async () => {
    const { playlist } = await pattern('{base_url}/live/{channel_id}.ts?token={token}&n={assigned_number}&p={proxy_id}', { token: 's3cret' }).generate([channel]);
    expect(urlLine(playlist)).toBe('http://localhost:8080/live/news%2F1.ts?token=s3cret&n=1&p=01ARZ3NDEKTSV4RRFFQ69G5FAV');
  });

  it('refuses a pattern or parameter with a line break, control character or space, naming it, rather than write a URL the operator did not mean', async () => {
    await expect(pattern('{base_url}/live\n/{channel_id}').generate([channel])).rejects.toThrow(
      'option "url.pattern": holds a control character or line break (U+000A at character 16), which a URL cannot hold',
    );
    await expect(pattern('{base_url}/{channel_id}?t={token}', { token: 'a\tb' }).generate([channel])).rejects.toThrow('option "url.params.token": holds a control character or line break (U+0009 at character 2)');
    await expect(pattern('{base_url}/{channel_id}?name=My TV').generate([channel])).rejects.toThrow('option "url.pattern": holds a space (at character 32), which a URL cannot hold: write it as %20');
    await expect(pattern('{base_url}/{channel_id}?t={token}', { token: 'a b' }).generate([channel])).rejects.toThrow('option "url.params.token": holds a space (at character 2)');
    expect(urlLine((await pattern('{base_url}/{channel_id}?t={token}', { token: 'a%20b' }).generate([channel])).playlist)).toBe('http://localhost:8080/news%2F1?t=a%20b');
  });

  it('fails on a channel without the tvg_id its pattern reads, naming the channel and the field, rather than write a URL with a hole', async () => {
    const tagged = { assignedNumber: 1, channel: { id: 'a', channelName: 'A', tvgId: 'news hd' } };
    const { playlist } = await pattern('{base_url}/live/{tvg_id}.m3u8').generate([tagged]);
    expect(urlLine(playlist)).toBe('http://localhost:8080/live/news%20hd.m3u8');
    for (const tvgId of [undefined, null, '']) {
      await expect(pattern('{base_url}/live/{tvg_id}.m3u8').generate([tagged, { assignedNumber: 2, channel: { id: 'b', channelName: 'B', tvgId } }])).rejects.toThrow(
        'record 1: field "channel.tvg_id": required by the URL pattern ({tvg_id}), but missing',
      );
    }
  });

  it("puts the channel's upstream stream_url into a relay's URL, percent-encoded, and fails on a channel without one", async () => {
    const upstream = { assignedNumber: 1, channel: { id: 'a', channelName: 'A', streamUrl: 'http://up.example/live/1.ts?k=v&x=1' } };
    const relay = pattern('{base_url}/relay?u={stream_url}&n={assigned_number}');
    expect(urlLine((await relay.generate([upstream])).playlist)).toBe('http://localhost:8080/relay?u=http%3A%2F%2Fup.example%2Flive%2F1.ts%3Fk%3Dv%26x%3D1&n=1');
    await expect(relay.generate([upstream, { assignedNumber: 2, channel: { id: 'b', channelName: 'B' } }])).rejects.toThrow(
      'record 1: field "channel.stream_url": required by the URL pattern ({stream_url}), but missing',
    );
  });

  it('writes lone surrogates of the pattern, base URL and parameters as the writer did before the scheme declared its URLs line-safe', async () => {
    // The base URL's last character pairs with the pattern's next one (kept, as one character); the
    // parameter, made safe on its own, does not pair with the pattern's text after it.
    const g = generator({ urlScheme: 'pattern', baseUrl: 'http://tv.example/a\ud83d', urlOptions: { pattern: '{base_url}\ude00/x\ud800/{channel_id}?t={token}\ude00&n={assigned_number}', params: { token: '\ud83d' } } });
    expect(urlLine((await g.generate([channel])).playlist)).toBe('http://tv.example/a\u{1f600}/x\ufffd/news%2F1?t=\ufffd\ufffd&n=1');
  });

  it('refuses a {proxy_id} that is not a ULID, as the proxy scheme does, rather than write it into every URL', async () => {
    const withProxyId = (proxyId: string) => generator({ urlScheme: 'pattern', proxyId, urlOptions: { pattern: '{base_url}/{proxy_id}/{channel_id}' } });
    await expect(withProxyId('xyz').generate([channel])).rejects.toThrow(/option "proxyId": expected a ULID .*, got "xyz"/);
    expect(urlLine((await withProxyId('01arz3ndektsv4rrffq69g5fav').generate([channel])).playlist)).toBe(
      urlLine((await generator({ proxyId: '01arz3ndektsv4rrffq69g5fav' }).generate([channel])).playlist).replace('/stream', ''),
    );
  });

  it('names an unknown placeholder and a missing pattern', async () => {
    await expect(pattern('{base_url}/{nope}').generate([channel])).rejects.toThrow(
      'option "url.pattern": unknown placeholder {nope}; known: {base_url}, {proxy_id}, {channel_id}, {assigned_number}, {tvg_id}, {stream_url}',
    );
    await expect(pattern('{base_url}/live/{tvgid}.ts').generate([channel])).rejects.toThrow(
      'option "url.pattern": unknown placeholder {tvgid} (did you mean {tvg_id}?); known: {base_url}, {proxy_id}, {channel_id}, {assigned_number}, {tvg_id}, {stream_url}',
    );
    await expect(generator({ urlScheme: 'pattern' }).generate([channel])).rejects.toThrow('option "url.pattern": the pattern URL scheme needs a pattern');
  });
});

describe('URL options a scheme does not read', () => {
  it('fail the run before its first channel, naming the option and the scheme that reads it', async () => {
    const leftOver = generator({ urlOptions: { pattern: '{base_url}/live/{channel_id}.ts' } });
    await expect(leftOver.generate([channel])).rejects.toThrow(
      'option "url.pattern": the "proxy" URL scheme reads no URL options; "pattern" is read by the "pattern" scheme, which is not the one chosen',
    );
    await expect(generator({ urlScheme: 'direct', urlOptions: { params: {} } }).generate([channel])).rejects.toThrow('option "url.params": the "direct" URL scheme reads no URL options; "params"');
    await expect(generator({ urlScheme: 'pattern', urlOptions: { pattern: '{base_url}/{channel_id}', parmas: {} } }).generate([channel])).rejects.toThrow(
      'option "url.parmas": the "pattern" URL scheme reads only "pattern", "params" (did you mean "params"?)',
    );
  });

  it('are left to a scheme that does not say which it reads, and an undefined value is no option', async () => {
    const g = generator({ urlScheme: 'cdn', urlOptions: { host: 'cdn.example' } });
    g.urlSchemes.register({ name: 'cdn', description: '', create: (run) => (nc) => `https://${String(run.options.urlOptions['host'])}/${nc.assignedNumber}` });
    expect(urlLine((await g.generate([channel])).playlist)).toBe('https://cdn.example/1');
    expect(urlLine((await generator({ urlOptions: { pattern: undefined } }).generate([channel])).playlist)).toBe('http://localhost:8080/stream/news%2F1');
  });
});

describe('urlBuilder', () => {
  it('is safe for worker threads (workerSafe) unless schemes are passed in, which may keep state across channels', () => {
    expect(urlBuilder().workerSafe).toBe(true);
    expect(urlBuilder({ schemes: [{ ...directUrlScheme, name: 'mine' }] }).workerSafe).toBe(false);
  });

  it('refuses schemes that are not a list of schemes when made, naming the option', () => {
    expect(() => urlBuilder({ schemes: ['patern'] as never })).toThrow(
      new OptionError('schemes[0]', 'expected a URL scheme ({ name, description, create }), got "patern": the built-in scheme "pattern" needs no registering; choose it with urlScheme: "pattern" (proxy_generation.url_scheme in a config file)'),
    );
    expect(() => urlBuilder({ schemes: [directUrlScheme, 42] as never })).toThrow(new OptionError('schemes[1]', 'expected a URL scheme ({ name, description, create }), got number 42'));
    expect(() => urlBuilder({ schemes: directUrlScheme as never })).toThrow(/^option "schemes": expected a list of URL schemes \(\{ name, description, create \}\), got /);
  });
});
