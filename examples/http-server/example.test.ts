import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunMetrics } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlaylistServer } from './server.mjs';

const basic = new URL('../basic/', import.meta.url);
const expected = readFileSync(new URL('expected.m3u', basic), 'utf8');

interface Started {
  readonly url: string;
  readonly channelsFile: string;
  readonly refresh: () => Promise<RunMetrics>;
}

const servers: { close: () => void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** The example's server on a free port, over a copy of examples/basic's channels, with its options. */
async function start(): Promise<Started> {
  const channelsFile = join(mkdtempSync(join(tmpdir(), 'm3ugen-http-')), 'channels.ndjson');
  copyFileSync(new URL('channels.ndjson', basic), channelsFile);
  const generator = createGenerator({ baseUrl: 'http://localhost:8080', proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
  const { server, refresh } = createPlaylistServer({ channelsFile, generator });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, channelsFile, refresh };
}

/** The channels file with line `line` (from 1) replaced. */
function replaceLine(file: string, line: number, text: string): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[line - 1] = text;
  writeFileSync(file, lines.join('\n'));
}

describe('the HTTP server example', () => {
  it('serves the playlist whole, with its type, length and ETag, and 304 to a client that has it', async () => {
    const { url, refresh } = await start();
    const plain = { 'accept-encoding': 'identity' };
    expect((await fetch(`${url}/playlist.m3u`)).status).toBe(503);
    await refresh();
    const response = await fetch(`${url}/playlist.m3u`, { headers: plain });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/x-mpegurl; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(expected)));
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(await response.text()).toBe(expected);
    const etag = response.headers.get('etag')!;
    expect((await fetch(`${url}/playlist.m3u`, { headers: { ...plain, 'if-none-match': `"other", W/${etag}` } })).status).toBe(304);
    const head = await fetch(`${url}/playlist.m3u`, { method: 'HEAD', headers: plain });
    expect(head.headers.get('etag')).toBe(etag);
    expect(await head.text()).toBe('');
    expect((await fetch(`${url}/playlist.m3u`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${url}/channels`)).status).toBe(404);
  });

  it('serves it gzip-compressed to a client that takes gzip, under an ETag of its own', async () => {
    const { url, refresh } = await start();
    await refresh();
    const plainTag = (await fetch(`${url}/playlist.m3u`, { headers: { 'accept-encoding': 'identity' } })).headers.get('etag');
    for (const accepted of ['gzip', 'br;q=1.0, gzip;q=0.8', '*']) {
      // fetch decompresses the body, as a player does.
      const zipped = await fetch(`${url}/playlist.m3u`, { headers: { 'accept-encoding': accepted } });
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(zipped.headers.get('vary')).toBe('accept-encoding');
      expect(Number(zipped.headers.get('content-length'))).toBeLessThan(Buffer.byteLength(expected) / 3);
      expect(zipped.headers.get('etag')).not.toBe(plainTag);
      expect(await zipped.text()).toBe(expected);
      const again = await fetch(`${url}/playlist.m3u`, { headers: { 'accept-encoding': accepted, 'if-none-match': zipped.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
    for (const refused of ['gzip;q=0', 'br', '*;q=0', 'gzip;q=0, *']) {
      expect((await fetch(`${url}/playlist.m3u`, { headers: { 'accept-encoding': refused } })).headers.get('content-encoding')).toBeNull();
    }
  });

  it('on POST /refresh renders only the changed channel, and serves the new playlist under a new ETag', async () => {
    const { url, channelsFile, refresh } = await start();
    await refresh();
    const before = await fetch(`${url}/playlist.m3u`);
    const oldEtag = before.headers.get('etag');
    const record = JSON.parse(readFileSync(channelsFile, 'utf8').split('\n')[2]!) as { channel: { channel_name: string } };
    const oldName = record.channel.channel_name;
    record.channel.channel_name = 'Renamed Channel';
    replaceLine(channelsFile, 3, JSON.stringify(record));
    const refreshed = await fetch(`${url}/refresh`, { method: 'POST' });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.text()).toBe('40 channels, 39 reused, 4 warnings\n');
    const after = await fetch(`${url}/playlist.m3u`);
    expect(after.headers.get('etag')).not.toBe(oldEtag);
    expect(await after.text()).toBe(expected.replace(`,${oldName}\n`, ',Renamed Channel\n'));
  });

  it('keeps serving the last playlist when the channels turn bad, and says which record and field', async () => {
    const { url, channelsFile, refresh } = await start();
    await refresh();
    const etag = (await fetch(`${url}/playlist.m3u`)).headers.get('etag');
    replaceLine(channelsFile, 5, '{"assigned_number": 5, "channel": {"id": "550e8400-e29b-41d4-a716-000000000005"}}');
    const refreshed = await fetch(`${url}/refresh`, { method: 'POST' });
    expect(refreshed.status).toBe(422);
    expect(await refreshed.text()).toBe(`${channelsFile}: line 5: field "channel.channel_name": required field is missing\n`);
    const served = await fetch(`${url}/playlist.m3u`);
    expect(served.headers.get('etag')).toBe(etag);
    expect(await served.text()).toBe(expected);
  });

  it('runs refreshes asked for at once one after another, as the one cache they share needs', async () => {
    const { url, refresh } = await start();
    await refresh();
    const answers = await Promise.all([1, 2, 3].map(() => fetch(`${url}/refresh`, { method: 'POST' })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(await (await fetch(`${url}/playlist.m3u`)).text()).toBe(expected);
  });
});
