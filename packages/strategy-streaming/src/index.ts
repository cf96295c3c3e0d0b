export {
  streamingM3uStrategy,
  streamingContract,
  streamingStrategy,
  STREAMING_CHUNK_CHARS,
  STREAMING_YIELD_INTERVAL_MS,
} from './streaming-strategy.js';
/** The plugin factory, for `plugins` lists in config files. */
export { streamingStrategy as default } from './streaming-strategy.js';
