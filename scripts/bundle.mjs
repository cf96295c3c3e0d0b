// Writes each package's JavaScript: one ES module per entry point, bundled from
// its TypeScript sources (dist/index.js; the command also dist/bin.js and the
// worker threads' dist/part-worker.js, sharing chunks; the config package its
// loader hooks, dist/typescript-hooks.js and dist/versioned-imports-hooks.js). Other packages, @m3ugen
// ones included, stay imports, so a plugin loaded by name shares one copy of
// @m3ugen/core with the command. tsc (tsconfig.build.json) type-checks and writes
// the declarations; it runs first, so a type error stops the build before this.
//
// Why bundle: Node 20 loads every ES module file on its own, and the command
// loaded about 60 of ours before its first byte (docs/performance.md).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));

/** Entry points besides src/index.ts, by package folder. */
const EXTRA_ENTRIES = {
  // worker-pool.ts starts new URL('./part-worker.js', import.meta.url): it must sit beside the chunks.
  cli: { bin: 'src/bin.ts', 'part-worker': 'src/parallel/part-worker.ts' },
  // typescript.ts and versioned-imports.ts register new URL('./typescript-hooks.js' or './versioned-imports-hooks.js', import.meta.url) with Node's loader.
  config: { 'typescript-hooks': 'src/typescript-hooks.ts', 'versioned-imports-hooks': 'src/versioned-imports-hooks.ts' },
};

/** A bare specifier (another package, node:*) stays an import; only relative sources are bundled. */
const isExternal = (id) => !id.startsWith('.') && !id.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(id);

/** Removes the JavaScript in dist/ (tsc's declarations stay), so no file of an earlier build is shipped. */
function removeJavaScript(outDir) {
  if (!existsSync(outDir)) return;
  for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.js(\.map)?$/.test(entry.name)) rmSync(join(entry.parentPath, entry.name));
  }
}

const started = performance.now();
const clean = process.argv.includes('--clean');
const names = readdirSync(packagesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
await Promise.all(
  names.map(async (name) => {
    const dir = join(packagesDir, name);
    const outDir = join(dir, 'dist');
    removeJavaScript(outDir);
    if (clean) return;
    await build({
      cwd: dir,
      input: { index: 'src/index.ts', ...EXTRA_ENTRIES[name] },
      platform: 'node',
      external: isExternal,
      tsconfig: join(dir, 'tsconfig.json'),
      logLevel: 'warn',
      // What Node parses before the command's first byte, made smaller: no comments (a third of the
      // bytes; they ship all the same, in src/ and in each map's sourcesContent) and only ASCII, so Node
      // holds each file as a one-byte string instead of a two-byte one (a few "…" in messages did that).
      // Not minified otherwise: names and lines stay, and a stack trace still reads as the code.
      output: {
        dir: outDir,
        format: 'esm',
        entryFileNames: '[name].js',
        chunkFileNames: '[name]-[hash].js',
        sourcemap: true,
        comments: false,
        minify: { compress: false, mangle: false, codegen: { removeWhitespace: false, asciiOnly: true } },
      },
    });
  }),
);
if (!clean) console.log(`bundled ${names.length} packages in ${Math.round(performance.now() - started)} ms`);
