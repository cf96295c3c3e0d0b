// An integrator's program: the playlist gets catchup attributes from the integrator's plugin (catchup.mjs).
// Run: pnpm --filter @m3ugen-examples/custom-attributes start
import { createGenerator } from '@m3ugen/preset-default';
import { openChannelReader } from '@m3ugen/reader';
import { fileURLToPath } from 'node:url';
import { catchup } from './catchup.mjs';

const channels = await openChannelReader(fileURLToPath(new URL('./channels.ndjson', import.meta.url)), { displayName: 'channels.ndjson' });
const generator = createGenerator({ baseUrl: 'https://tv.example', proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', plugins: [catchup] });
const { playlist } = await generator.generate(channels);
process.stdout.write(playlist);
