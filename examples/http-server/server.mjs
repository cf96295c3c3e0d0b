// Serves the playlist over HTTP, as a channel proxy does: generated once each
// time the channels change, and served whole, from memory, to every client.
// Run it from the workspace root with
//   pnpm --filter @m3ugen-examples/http-server start
// then: curl -i http://localhost:8080/playlist.m3u
//       curl -X POST http://localhost:8080/refresh   (after the channels file changed; or send SIGHUP)
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { EntryCache, InputError } from '@m3ugen/core';
import { createGenerator } from '@m3ugen/preset-default';
import { openChannelReader } from '@m3ugen/reader';

/** The media type IPTV players expect for an M3U playlist. */
const M3U_TYPE = 'audio/x-mpegurl; charset=utf-8';

/**
 * A server for `GET /playlist.m3u` and `POST /refresh`.
 *
 * Why not generate per request: a client would wait for the whole run, a
 * channels file being rewritten would give it half a list, and a bad record
 * found late would leave it a playlist cut short. Here a refresh generates
 * the playlist into memory and only a run that succeeded replaces the one
 * served, so every client gets a whole playlist, the same bytes until the
 * next refresh (with an ETag, so a player that polls gets 304). The
 * EntryCache makes a refresh after a few channels changed render only
 * those; it serves one run at a time, so refreshes run one after another.
 *
 * @param {{ channelsFile: string, generator: import('@m3ugen/core').M3uGenerator }} options
 */
export function createPlaylistServer({ channelsFile, generator }) {
  // A service holds its cache between refreshes, whose records are read anew anyway: it keeps less
  // by comparing them with the entries' text (about 300 bytes a channel less, a little more time each).
  const cache = new EntryCache({ prefer: 'memory' });
  /** The playlist served: its bytes, and the same gzip-compressed, each with its ETag. @type {{ plain: Variant, gzipped: Variant } | undefined} */
  let published;
  /** The refresh under way or last done: the next one starts after it. */
  let queue = Promise.resolve();

  /** Reads the channels file again and, if the run succeeds, serves its playlist. Resolves with the run's metrics. */
  function refresh() {
    const run = queue.then(async () => {
      const reader = await openChannelReader(channelsFile);
      // The playlist as the run writes it, a batch's bytes at a time: no string of the whole, and no copy of it
      // (a string read whole is flattened into a copy, and Buffer.from(string) makes another).
      const chunks = [];
      const { metrics } = await generator.generate(reader, { cache, output: collector(chunks) });
      const hash = createHash('sha256');
      for (const chunk of chunks) hash.update(chunk);
      const tag = hash.digest('base64url');
      // Compressed once here, not for each client; off the event loop, so clients go on being served meanwhile.
      const zipped = await compress(chunks);
      published = { plain: variant(chunks, `"${tag}"`), gzipped: variant(zipped, `"${tag}-gzip"`) };
      return metrics;
    });
    // A failed refresh does not stop the next one.
    queue = run.catch(() => undefined);
    return run;
  }

  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname === '/playlist.m3u') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return reply(response, 405, 'use GET or HEAD\n', { allow: 'GET, HEAD' });
      if (published === undefined) return reply(response, 503, 'the playlist is not generated yet\n', { 'retry-after': '1' });
      const gzipped = acceptsGzip(request.headers['accept-encoding']);
      const { chunks, length, etag } = gzipped ? published.gzipped : published.plain;
      const headers = { etag, vary: 'accept-encoding', 'cache-control': 'no-cache' };
      if (matches(request.headers['if-none-match'], etag)) {
        response.writeHead(304, headers);
        return response.end();
      }
      response.writeHead(200, { ...headers, 'content-type': M3U_TYPE, 'content-length': length, ...(gzipped ? { 'content-encoding': 'gzip' } : {}) });
      if (request.method !== 'HEAD') {
        // The same buffers to every client, queued, not copied: a slow player holds references, not a copy.
        response.cork();
        for (const chunk of chunks) response.write(chunk);
        response.uncork();
      }
      return response.end();
    }
    if (pathname === '/refresh') {
      if (request.method !== 'POST') return reply(response, 405, 'use POST\n', { allow: 'POST' });
      refresh().then(
        (metrics) => reply(response, 200, `${metrics.channels} channels, ${metrics.reusedEntries} reused, ${metrics.warnings} warnings\n`),
        // Bad channels (the message names the file, the line and the field): the playlist served stays as it was.
        (error) => reply(response, error instanceof InputError ? 422 : 500, `${error.message}\n`),
      );
      return;
    }
    reply(response, 404, 'not found: GET /playlist.m3u, POST /refresh\n');
  });
  return { server, refresh };
}

/** @typedef {{ chunks: Buffer[], length: number, etag: string }} Variant */

/** A way of serving the playlist: its bytes, their length and their ETag. */
function variant(chunks, etag) {
  return { chunks, length: chunks.reduce((sum, chunk) => sum + chunk.length, 0), etag };
}

/** `chunks`, gzip-compressed, in the pieces zlib gives. */
async function compress(chunks) {
  const zipped = [];
  await pipeline(Readable.from(chunks), createGzip(), collector(zipped));
  return zipped;
}

/** A stream that keeps what is written to it in `chunks`, as Buffers. */
function collector(chunks) {
  return new Writable({
    // It never fills: a writer need not wait for it to drain after each batch.
    highWaterMark: 2 ** 30,
    write(chunk, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
}

/** Whether an Accept-Encoding header takes gzip: by name, else by `*`, with a weight (`q=`) above 0. */
function acceptsGzip(header) {
  if (header === undefined) return false;
  const weights = new Map();
  for (const item of header.split(',')) {
    const [coding = '', ...params] = item.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    weights.set(coding, q === undefined ? 1 : Number(q.slice(2)));
  }
  return (weights.get('gzip') ?? weights.get('*') ?? 0) > 0;
}

/** Whether an If-None-Match header names `etag` (or is `*`). */
function matches(header, etag) {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

function reply(response, status, text, headers = {}) {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const channelsFile = process.env.CHANNELS ?? fileURLToPath(new URL('../basic/channels.ndjson', import.meta.url));
  const port = Number(process.env.PORT ?? 8080);
  const generator = createGenerator({ baseUrl: process.env.BASE_URL ?? `http://localhost:${port}`, proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
  const { server, refresh } = createPlaylistServer({ channelsFile, generator });
  const log = (line) => process.stderr.write(`${line}\n`);
  // The first playlist before the first client: a bad file stops the server here, with the error.
  const metrics = await refresh();
  log(`${metrics.channels} channels from ${channelsFile}`);
  process.on('SIGHUP', () => refresh().then((m) => log(`refreshed: ${m.channels} channels, ${m.reusedEntries} reused`), (error) => log(`refresh failed, still serving the last playlist: ${error.message}`)));
  server.listen(port, () => log(`serving http://localhost:${port}/playlist.m3u`));
  // Stop taking clients and end the process once the open connections are closed.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      server.close();
      server.closeAllConnections();
      process.removeAllListeners('SIGHUP');
    });
  }
}
