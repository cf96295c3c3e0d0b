import { createGenerator } from '@m3ugen/preset-default';
const ch = (n) => ({ assignedNumber: n, channel: { id: `550e8400-e29b-41d4-a716-44665544000${n}`, channelName: `C${n}` } });
const cases = {
  streamUrl: (g) => g.hooks.streamUrl.tap('p', async (u) => u + '?x'),
  extinfLine: (g) => g.hooks.extinfLine.tap('p', async (l) => l),
  dropChannel: (g) => g.hooks.dropChannel.tap('p', async () => true),
  channel: (g) => g.hooks.channel.tap('p', async (nc) => nc),
  entryAttributes: (g) => g.hooks.entryAttributes.tap('p', async (a) => a),
  header: (g) => g.hooks.header.tap('p', async (h) => h),
  headerAttributes: (g) => g.hooks.headerAttributes.tap('p', async (a) => a),
  urlScheme: (g) => g.urlSchemes.register({ name: 'cdn', description: 'x', create: () => async (nc) => 'http://x/' + nc.assignedNumber }),
  extinfLineObj: (g) => g.hooks.extinfLine.tap('p', (l) => ({ l })),
  streamUrlNum: (g) => g.hooks.streamUrl.tap('p', (u) => 5),
};
for (const [name, apply] of Object.entries(cases)) {
  try {
    const { playlist } = await createGenerator({ proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', plugins: [{ name: 'p', apply }] }).generate([ch(1)], name === 'urlScheme' ? { urlScheme: 'cdn' } : {});
    console.log(name, JSON.stringify(playlist));
  } catch (e) { console.log(name, 'ERR', e.message); }
}
for (const [name, create] of [['async create', async () => (nc) => 'x'], ['create throws', () => { throw new Error('no key'); }], ['create returns string', () => 'http://x']]) {
  try {
    await createGenerator({ proxyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', plugins: [{ name: 'p', apply: (g) => g.urlSchemes.register({ name: 'cdn', description: 'x', create }) }] }).generate([ch(1)], { urlScheme: 'cdn' });
  } catch (e) { console.log(name, 'ERR', e.code, e.message); }
}
