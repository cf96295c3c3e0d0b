import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli } from './support/cli.js';
import { makeChannels } from './support/channels.js';

const PROXY = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'm3ugen-watch-'));
  dirs.push(dir);
  return dir;
}

/** `count` records as the pipeline writes them; `rename(i)` gives channel i another name. */
function ndjson(count: number, rename: (i: number) => string | undefined = () => undefined): string {
  return `${makeChannels(count)
    .map((nc, i) => JSON.stringify({ assigned_number: nc.assignedNumber, channel: { id: nc.channel.id, channel_name: rename(i) ?? nc.channel.channelName, group_title: nc.channel.groupTitle } }))
    .join('\n')}\n`;
}

/** Writes `text` whole and renames it into place, as a pipeline publishes a file. */
function publish(path: string, text: string): void {
  writeFileSync(`${path}.next`, text);
  renameSync(`${path}.next`, path);
}

/** Resolves once `condition` holds, checking every 25 ms; rejects after 20 s naming `what`. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 25) {
    if (waited > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The playlist a one-shot run makes of `text`: what each run of --watch must publish. */
async function oneShot(dir: string, text: string): Promise<string> {
  writeFileSync(join(dir, 'once.ndjson'), text);
  const result = await runCli(['generate', '--input', 'once.ndjson', '--output', 'once.m3u', '--proxy-id', PROXY, '--quiet'], { cwd: dir });
  expect(result.code).toBe(0);
  return readFileSync(join(dir, 'once.m3u'), 'utf8');
}

/** `m3ugen generate --watch ARGS` running in `dir`: what it said so far, how many runs it finished, and how it ended. */
function startWatching(dir: string, args: readonly string[]): {
  child: ChildProcess;
  stderr: () => string;
  watching: () => number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  const child = spawn(process.execPath, [BIN, 'generate', '--watch', ...args], { cwd: dir });
  let said = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (said += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  // Each run ends by saying this line, whether it published or failed.
  return { child, stderr: () => said, watching: () => said.split('watching channels.ndjson for changes').length - 1, exited };
}

/** The descendant of `ancestor` that has `marker` among its arguments (Linux: from /proc; each stat says its parent's pid fourth), or 0. */
function descendantRunning(ancestor: number, marker: string): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name, second, is in parentheses and may hold spaces: read after its closing one.
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const descends = (pid: number): boolean => {
    for (let at = parents.get(pid); at !== undefined && at > 1; at = parents.get(at)) if (at === ancestor) return true;
    return false;
  };
  for (const pid of parents.keys()) {
    if (!descends(pid)) continue;
    // An argument of its own: script and a shell between it and the command (one that does not exec it) hold the marker inside one.
    const line = (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    })();
    if (line.split('\0').includes(marker)) return pid;
  }
  return 0;
}

describe('m3ugen generate --watch', () => {
  it('publishes again after each change, reusing the entries of unchanged channels, and keeps the playlist through a bad input', async () => {
    const dir = workdir();
    const input = join(dir, 'channels.ndjson');
    const output = join(dir, 'playlist.m3u');
    const first = ndjson(200);
    writeFileSync(input, first);
    const { child, stderr, watching, exited } = startWatching(dir, ['--input', 'channels.ndjson', '--output', 'playlist.m3u', '--metrics', 'metrics.json', '--proxy-id', PROXY]);
    const published = (): string => readFileSync(output, 'utf8');
    try {
      await until(() => watching() === 1, 'the first run');
      expect(published()).toBe(await oneShot(dir, first));

      // Two channels renamed: the rest of the entries come from the run before.
      const second = ndjson(200, (i) => (i === 3 || i === 150 ? `Renamed ${i}` : undefined));
      publish(input, second);
      await until(() => watching() === 2, 'the run after the first change');
      expect(published()).toBe(await oneShot(dir, second));
      expect(stderr()).toContain('200 channels');
      expect(stderr()).toContain('198 entries reused');
      expect(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'))).toMatchObject({ channels: 200, reusedEntries: 198 });

      // A broken input is said, and the playlist stays as it was.
      publish(input, `${second}{"assigned_number": 1, "channel": }\n`);
      await until(() => watching() === 3, 'the run of the broken input');
      expect(stderr()).toContain('m3ugen: error: channels.ndjson: line 201: invalid JSON');
      expect(stderr()).toContain('m3ugen: warning: playlist.m3u is left as it was');
      expect(published()).toBe(await oneShot(dir, second));

      // Mended, written in place this time: published again.
      const third = ndjson(201);
      const expected = await oneShot(dir, third);
      writeFileSync(input, third);
      await until(() => published() === expected, 'the mended input published');
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited).signal).toBe('SIGTERM');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it("with the direct scheme's URLs, reuses an entry whose stream_url is written as before and writes again one whose URL changed", async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'm3ugen.toml'), 'input = "channels.ndjson"\noutput = "playlist.m3u"\n[proxy_generation]\nurl_scheme = "direct"\n');
    /** Records with upstream URLs; `upstream(i)` gives channel i another. */
    const records = (upstream: (i: number) => string | undefined = () => undefined): string =>
      `${makeChannels(100)
        .map((nc, i) => JSON.stringify({ assigned_number: nc.assignedNumber, channel: { id: nc.channel.id, channel_name: nc.channel.channelName, stream_url: upstream(i) ?? `http://upstream.example/live/${i}.ts` } }))
        .join('\n')}\n`;
    const oneShotDirect = async (text: string): Promise<string> => {
      writeFileSync(join(dir, 'once.ndjson'), text);
      const result = await runCli(['generate', '--config', 'm3ugen.toml', '--input', 'once.ndjson', '--output', 'once.m3u', '--quiet'], { cwd: dir });
      expect(result.code).toBe(0);
      return readFileSync(join(dir, 'once.m3u'), 'utf8');
    };
    publish(join(dir, 'channels.ndjson'), records());
    const { child, stderr, watching, exited } = startWatching(dir, ['--config', 'm3ugen.toml']);
    try {
      await until(() => watching() === 1, 'the first run');
      // Channel 3 points elsewhere; channel 7's URL has spaces around it, which are trimmed: written as it was.
      const next = records((i) => (i === 3 ? 'http://other.example/3.ts' : i === 7 ? ' http://upstream.example/live/7.ts ' : undefined));
      publish(join(dir, 'channels.ndjson'), next);
      await until(() => watching() === 2, 'the run after the change');
      expect(stderr()).toContain('99 entries reused');
      const published = readFileSync(join(dir, 'playlist.m3u'), 'utf8');
      expect(published).toBe(await oneShotDirect(next));
      expect(published).toContain('\nhttp://other.example/3.ts\n');
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited).signal).toBe('SIGTERM');
  });

  it('reads the config again when it, a template, a plugin module it names or a module that one imports changes, keeping the config before when the new one cannot be used', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), ndjson(50));
    const config = (base: string): string =>
      `input = "channels.ndjson"\noutput = "playlist.m3u"\nplugins = [["@m3ugen/extinf-template", { extinfFile = "extinf.eta" }], "./stamp.mjs"]\n[web]\nbase_url = "${base}"\n[proxy_generation]\nproxy_id = "${PROXY}"\n`;
    writeFileSync(join(dir, 'm3ugen.toml'), config('http://one.example'));
    writeFileSync(join(dir, 'extinf.eta'), '#EXTINF:-1<%= it.attributes %>,<%= it.name %>');
    const stamp = (prefix: string): string =>
      `import { value } from './lib/value.mjs';\nexport default { name: 'stamp', apply(generator) { generator.hooks.headerAttributes.tap('stamp', (attributes) => [...attributes, { name: 'x-stamp', value: '${prefix}' + value }]); } };\n`;
    writeFileSync(join(dir, 'stamp.mjs'), stamp('first'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib/value.mjs'), `export const value = '-a';\n`);
    const { child, stderr, watching, exited } = startWatching(dir, ['--config', 'm3ugen.toml']);
    const published = (): string => readFileSync(join(dir, 'playlist.m3u'), 'utf8');
    /** What a one-shot run with the config as it is now publishes. */
    const expected = async (): Promise<string> => {
      const result = await runCli(['generate', '--config', 'm3ugen.toml', '--output', 'once.m3u', '--quiet'], { cwd: dir });
      expect(result.code).toBe(0);
      return readFileSync(join(dir, 'once.m3u'), 'utf8');
    };
    try {
      await until(() => watching() === 1, 'the first run');
      expect(published()).toBe(await expected());
      expect(published()).toContain('#EXTM3U x-stamp="first-a"\n#EXTINF:-1 tvg-id=');
      expect(published()).toContain('http://one.example/stream/');

      publish(join(dir, 'm3ugen.toml'), config('http://two.example'));
      await until(() => watching() === 2, 'the run with the edited config');
      expect(stderr()).toContain('m3ugen: m3ugen.toml changed: reading the config again');
      expect(published()).toContain('http://two.example/stream/');
      expect(published()).toBe(await expected());

      writeFileSync(join(dir, 'extinf.eta'), '#EXTINF:-1<%= it.attributes %>,[<%= it.name %>]');
      await until(() => watching() === 3, 'the run with the edited template');
      expect(stderr()).toContain('m3ugen: extinf.eta changed: reading the config again');
      expect(published()).toMatch(/tvg-chno="1" group-title="[^"]*",\[[^\]\n]+\]\n/);
      expect(published()).toBe(await expected());

      writeFileSync(join(dir, 'stamp.mjs'), stamp('second'));
      await until(() => watching() === 4, 'the run with the edited plugin');
      expect(published()).toContain('#EXTM3U x-stamp="second-a"\n');
      expect(published()).toBe(await expected());

      // Not named by the config: imported by the plugin's module.
      writeFileSync(join(dir, 'lib/value.mjs'), `export const value = '-b';\n`);
      await until(() => watching() === 5, 'the run with the edited module the plugin imports');
      expect(stderr()).toContain('m3ugen: lib/value.mjs changed: reading the config again');
      expect(published()).toContain('#EXTM3U x-stamp="second-b"\n');
      expect(published()).toBe(await expected());

      // A config that cannot be used is said; the runs go on with the one before.
      const before = published();
      writeFileSync(join(dir, 'm3ugen.toml'), config('not a url'));
      await until(() => stderr().includes('the config read before stays in use'), 'the refused config');
      expect(stderr()).toContain('m3ugen: error: m3ugen.toml: key "web.base_url"');
      expect(stderr()).toContain(`m3ugen: warning: the config read before stays in use; ${join(dir, 'playlist.m3u')} is left as it was`);
      publish(join(dir, 'channels.ndjson'), ndjson(50, (i) => (i === 7 ? 'Renamed' : undefined)));
      await until(() => watching() === 6, 'the run after the input changed');
      expect(published()).not.toBe(before);
      expect(published()).toContain('http://two.example/stream/');
      expect(stderr()).toContain('49 entries reused');
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited).signal).toBe('SIGTERM');
  });

  it('reads the config again on SIGHUP, and stays', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), ndjson(5));
    const { child, stderr, watching, exited } = startWatching(dir, ['--input', 'channels.ndjson', '--output', 'playlist.m3u', '--proxy-id', PROXY]);
    try {
      await until(() => watching() === 1, 'the first run');
      // A service manager's reload; the command has no terminal here, so this is no hang-up.
      child.kill('SIGHUP');
      await until(() => watching() === 2, 'the run after SIGHUP');
      expect(stderr()).toContain('m3ugen: SIGHUP: reading the config again');
      expect(readFileSync(join(dir, 'playlist.m3u'), 'utf8')).toBe(await oneShot(dir, ndjson(5)));
      // Four channels renamed: the one left is said in the singular.
      publish(join(dir, 'channels.ndjson'), ndjson(5, (i) => (i > 0 ? `Renamed ${i}` : undefined)));
      await until(() => watching() === 3, 'the run after four channels changed');
      expect(stderr()).toContain('5 channels, ');
      expect(stderr()).toContain(' (in-memory, 1 entry reused) → playlist.m3u');
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited).signal).toBe('SIGTERM');
  });

  it("says the config's own warning (no proxy ULID) at its first run, not at each change, and again once the config is read anew", async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), ndjson(5));
    const { child, stderr, watching, exited } = startWatching(dir, ['--input', 'channels.ndjson', '--output', 'playlist.m3u']);
    const warnings = (): number => stderr().split('m3ugen: warning: no proxy ULID is set').length - 1;
    try {
      await until(() => watching() === 1, 'the first run');
      expect(warnings()).toBe(1);
      publish(join(dir, 'channels.ndjson'), ndjson(6));
      await until(() => watching() === 2, 'the run after a change');
      expect(stderr()).toContain('6 channels, ');
      expect(warnings()).toBe(1);
      // The config read anew may have mended it, or not: said again if not.
      child.kill('SIGHUP');
      await until(() => watching() === 3, 'the run after SIGHUP');
      expect(warnings()).toBe(2);
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited).signal).toBe('SIGTERM');
  });

  it("says a plugin's warning about its options once, as the config's own, and its other warnings at every run", async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), ndjson(5));
    writeFileSync(
      join(dir, 'guide.mjs'),
      `export default { name: 'guide', apply(generator) { generator.hooks.beforeRun.tap('guide', (run) => {
  run.warn({ code: 'guide:plain-http', message: 'the guide URL is plain http', aboutConfig: true });
  run.warn({ code: 'guide:unreachable', message: 'guide.xml answered 503' });
}); } };\n`,
    );
    writeFileSync(join(dir, 'm3ugen.config.toml'), `input = "channels.ndjson"\noutput = "playlist.m3u"\nplugins = ["./guide.mjs"]\n[proxy_generation]\nproxy_id = "${PROXY}"\n`);
    const { child, stderr, watching, exited } = startWatching(dir, []);
    const said = (text: string): number => stderr().split(`m3ugen: warning: ${text}`).length - 1;
    try {
      await until(() => watching() === 1, 'the first run');
      expect([said('the guide URL is plain http (guide:plain-http)'), said('guide.xml answered 503 (guide:unreachable)')]).toEqual([1, 1]);
      publish(join(dir, 'channels.ndjson'), ndjson(6));
      await until(() => watching() === 2, 'the run after a change');
      expect(stderr()).toContain('6 channels, ');
      expect([said('the guide URL is plain http (guide:plain-http)'), said('guide.xml answered 503 (guide:unreachable)')]).toEqual([1, 2]);
      child.kill('SIGHUP');
      await until(() => watching() === 3, 'the run after SIGHUP');
      expect([said('the guide URL is plain http (guide:plain-http)'), said('guide.xml answered 503 (guide:unreachable)')]).toEqual([2, 3]);
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited).signal).toBe('SIGTERM');
  });

  // util-linux's script gives the command a terminal of its own (Debian always has it: bsdutils is essential).
  it.skipIf(spawnSync('script', ['--version']).status !== 0)('at a terminal, reads the config again on a SIGHUP sent to it, and ends when the terminal is closed', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), ndjson(5));
    const command = [process.execPath, BIN, 'generate', '--watch', '--input', 'channels.ndjson', '--output', 'playlist.m3u', '--proxy-id', PROXY].map((arg) => `'${arg}'`).join(' ');
    const terminal = spawn('script', ['-qfc', command, '/dev/null'], { cwd: dir });
    let said = '';
    terminal.stdout.setEncoding('utf8').on('data', (text: string) => (said += text));
    const watching = (): number => said.split('watching channels.ndjson for changes (Ctrl-C stops)').length - 1;
    await until(() => watching() === 1, 'the first run, at a terminal');
    const pid = descendantRunning(terminal.pid!, '--watch');
    expect(pid).toBeGreaterThan(0);
    const running = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      process.kill(pid, 'SIGHUP');
      await until(() => watching() === 2, 'the run after SIGHUP');
      expect(said).toContain('m3ugen: SIGHUP: reading the config again');
      // Closing the terminal hangs it up: the command gets SIGHUP and can no longer open it.
      terminal.kill('SIGKILL');
      await until(() => !running(), 'the command to end with its terminal');
    } finally {
      terminal.kill('SIGKILL');
      if (running()) process.kill(pid, 'SIGKILL');
    }
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('needs an input file and an output file it can publish to, and is not an option of validate', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'channels.ndjson'), ndjson(3));
    const fromStdin = await runCli(['generate', '--watch', '--input', '-', '--output', 'p.m3u'], { cwd: dir, stdin: ndjson(3) });
    expect(fromStdin.code).toBe(2);
    expect(fromStdin.stderr).toContain('m3ugen: --watch needs an input file to watch and read again, not stdin');
    const toStdout = await runCli(['generate', '--watch', '--input', 'channels.ndjson'], { cwd: dir });
    expect(toStdout.code).toBe(2);
    expect(toStdout.stderr).toContain('m3ugen: --watch needs --output FILE: it publishes the playlist there again after each change');
    // A path no run could publish to ends the command at once, as without --watch.
    const nowhere = await runCli(['generate', '--watch', '--input', 'channels.ndjson', '--output', 'missing/p.m3u'], { cwd: dir });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('m3ugen: error: cannot write the output "missing/p.m3u": its folder does not exist');
    const validate = await runCli(['validate', '--watch', '--input', 'channels.ndjson'], { cwd: dir });
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain('"--watch" is not an option of "m3ugen validate"');
  });
});
