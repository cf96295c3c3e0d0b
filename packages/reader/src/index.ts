export type { InputFormat, ReadChannelsOptions, ReaderStats, ChannelReader } from './channel-reader.js';
export { isUrl, lineTooLong, openChannelReader, readFailureReason, readInputBytes, MAX_LINE_BYTES, NDJSON_BATCH_SIZE } from './channel-reader.js';
export type { JsonSyntaxProblem } from './json-error.js';
export { lineAndColumn, locateJsonError } from './json-error.js';
export { missingFileHint } from './missing-file.js';
export { readFileAt } from './read-file-at.js';
