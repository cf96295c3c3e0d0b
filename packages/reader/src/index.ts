export type { InputFormat, ReadChannelsOptions, ReaderStats, ChannelReader } from './channel-reader.js';
export { openChannelReader } from './channel-reader.js';
