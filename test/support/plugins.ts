import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `warning-log.mjs` into `dir`: a plugin (declared `workerSafe`) that
 * appends `code channelIndex` to its `log` option's file for each warning
 * its main-thread tap sees; its taps in worker threads see only their parts
 * and log nothing. List it as `["./warning-log.mjs", { log = "…" }]`.
 */
export function writeWarningLogPlugin(dir: string): void {
  writeFileSync(
    join(dir, 'warning-log.mjs'),
    `import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
export default (options) => ({
  name: 'warning-log',
  workerSafe: true,
  apply(generator) {
    generator.hooks.warning.tap('warning-log', (w) => {
      // What the hook is given besides the code and index, so runs with and without workers can be compared whole.
      if (isMainThread) appendFileSync(options.log, w.code + ' ' + w.channelIndex + ' ' + JSON.stringify({ field: w.field, message: w.message, reason: w.reason, value: w.value, line: w.line, recordIndex: w.recordIndex }) + '\\n');
    });
  },
});
`,
  );
}

/**
 * Writes `index-attribute.mjs` into `dir`: a plugin (declared `workerSafe`)
 * that gives each entry its channel index as `x-index`, which makes wrong
 * indexes visible in the playlist. List it as `"./index-attribute.mjs"`.
 */
export function writeIndexAttributePlugin(dir: string): void {
  writeFileSync(
    join(dir, 'index-attribute.mjs'),
    `export default () => ({
  name: 'index-attribute',
  workerSafe: true,
  apply(generator) {
    generator.hooks.entryAttributes.tap('index-attribute', (list, nc, index) => [...list, { name: 'x-index', value: String(index) }]);
  },
});
`,
  );
}
