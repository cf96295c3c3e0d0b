import type { Server } from 'node:http';
import type { M3uGenerator, RunMetrics } from '@m3ugen/core';

/** A server for `GET /playlist.m3u` and `POST /refresh`, and the refresh it runs (see server.mjs). */
export declare function createPlaylistServer(options: { readonly channelsFile: string; readonly generator: M3uGenerator }): {
  readonly server: Server;
  /** Reads the channels file again and, if the run succeeds, serves its playlist. */
  readonly refresh: () => Promise<RunMetrics>;
};
