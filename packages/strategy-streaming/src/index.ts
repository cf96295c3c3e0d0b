export {
  streamingM3uStrategy,
  streamingContract,
  streamingStrategy,
  STREAMING_CHUNK_CHARS,
  STREAMING_YIELD_INTERVAL_MS,
} from './streaming-strategy.js';
