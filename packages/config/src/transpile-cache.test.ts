import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepTranspiled, readTranspiled, transpileCacheEntry, transpileCacheFolder } from './transpile-cache.js';

const SOURCE = "const base: string = 'http://one.example';\nexport default { web: { base_url: base } };\n";
const OUTPUT = "const base = 'http://one.example';\nexport default { web: { base_url: base } };\n";

describe('where transpiled TypeScript is kept', () => {
  it("is the user's cache folder, XDG_CACHE_HOME first, else ~/.cache", () => {
    expect(transpileCacheFolder({}, 'linux', '/home/tv')).toBe('/home/tv/.cache/m3ugen/typescript');
    expect(transpileCacheFolder({ XDG_CACHE_HOME: '/var/cache/tv' }, 'linux', '/home/tv')).toBe('/var/cache/tv/m3ugen/typescript');
    // The XDG spec ignores a relative path.
    expect(transpileCacheFolder({ XDG_CACHE_HOME: 'cache' }, 'linux', '/home/tv')).toBe('/home/tv/.cache/m3ugen/typescript');
  });

  it('is M3UGEN_CACHE_DIR when set, and nowhere when that is "off" or empty or there is no home', () => {
    expect(transpileCacheFolder({ M3UGEN_CACHE_DIR: '/srv/cache', XDG_CACHE_HOME: '/var/cache/tv' }, 'linux', '/home/tv')).toBe('/srv/cache/typescript');
    expect(transpileCacheFolder({ M3UGEN_CACHE_DIR: 'off' }, 'linux', '/home/tv')).toBeUndefined();
    expect(transpileCacheFolder({ M3UGEN_CACHE_DIR: '' }, 'linux', '/home/tv')).toBeUndefined();
    expect(transpileCacheFolder({}, 'linux', '')).toBeUndefined();
  });
});

describe('kept transpiled TypeScript', () => {
  const folder = (): string => join(mkdtempSync(join(tmpdir(), 'm3ugen-transpiled-')), 'typescript');

  it('is read back for the same file, text, compiler and module kind, and for nothing else', () => {
    const cache = folder();
    const entry = transpileCacheEntry('/srv/m3ugen/m3ugen.config.ts', SOURCE, false, '5.9.3', cache);
    expect(readTranspiled(entry)).toBeUndefined();
    keepTranspiled(entry, OUTPUT);
    expect(readTranspiled(transpileCacheEntry('/srv/m3ugen/m3ugen.config.ts', SOURCE, false, '5.9.3', cache))).toBe(OUTPUT);

    expect(readTranspiled(transpileCacheEntry('/srv/m3ugen/m3ugen.config.ts', SOURCE.replace('one', 'two'), false, '5.9.3', cache))).toBeUndefined();
    expect(readTranspiled(transpileCacheEntry('/srv/m3ugen/m3ugen.config.ts', SOURCE, false, '6.0.0', cache))).toBeUndefined();
    expect(readTranspiled(transpileCacheEntry('/srv/m3ugen/m3ugen.config.ts', SOURCE, true, '5.9.3', cache))).toBeUndefined();
    expect(readTranspiled(transpileCacheEntry('/srv/other/m3ugen.config.ts', SOURCE, false, '5.9.3', cache))).toBeUndefined();
  });

  it('holds one file per source file, however often it is edited, and nothing else once written', () => {
    const cache = folder();
    for (const version of ['one', 'two', 'three']) {
      keepTranspiled(transpileCacheEntry('/srv/m3ugen/m3ugen.config.ts', SOURCE.replace('one', version), false, '5.9.3', cache), OUTPUT.replace('one', version));
    }
    expect(readdirSync(cache)).toHaveLength(1);
    const latest = transpileCacheEntry('/srv/m3ugen/m3ugen.config.ts', SOURCE.replace('one', 'three'), false, '5.9.3', cache);
    expect(readTranspiled(latest)).toBe(OUTPUT.replace('one', 'three'));
  });

  it('is no cache where the folder cannot be made or written: nothing thrown, nothing read', () => {
    const blocked = join(mkdtempSync(join(tmpdir(), 'm3ugen-transpiled-')), 'a-file');
    writeFileSync(blocked, 'not a folder');
    const entry = transpileCacheEntry('/srv/m3ugen/m3ugen.config.ts', SOURCE, false, '5.9.3', join(blocked, 'typescript'));
    expect(() => keepTranspiled(entry, OUTPUT)).not.toThrow();
    expect(readTranspiled(entry)).toBeUndefined();
    expect(readFileSync(blocked, 'utf8')).toBe('not a folder');
  });

  it('is nothing at all without a folder', () => {
    const entry = transpileCacheEntry('/srv/m3ugen/m3ugen.config.ts', SOURCE, false, '5.9.3', undefined);
    expect(entry).toBeUndefined();
    expect(() => keepTranspiled(entry, OUTPUT)).not.toThrow();
    expect(readTranspiled(entry)).toBeUndefined();
  });
});
