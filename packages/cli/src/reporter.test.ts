import type { ProgressInfo } from '@m3ugen/core';
import { describe, expect, it } from 'vitest';
import { counted, formatCount, printable, Reporter, type ErrorStream } from './reporter.js';

function terminal(isTTY: boolean): ErrorStream & { text: string } {
  return {
    isTTY,
    columns: 120,
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

const progress = (channelsDone: number, knownChannelCount?: number): ProgressInfo => ({
  channelsDone,
  knownChannelCount,
  bytesWritten: channelsDone * 250,
  strategy: 'streaming',
  elapsedMs: 0,
});

/** A progress line late in a parallel run of a million channels. */
const late: ProgressInfo = { ...progress(995_328), bytesWritten: 295_700_000, strategy: 'parallel' };

/** The line one progress() drew, checked to be one carriage-return redraw that leaves the terminal's last column free. */
function drawnLine(text: string, columns: number): string {
  expect(text.startsWith('\r') && text.endsWith('\u001b[K')).toBe(true);
  const line = text.slice(1, -'\u001b[K'.length);
  expect(line.length).toBeLessThan(columns || 80); // a line that fills the last column makes some terminals wrap
  return line;
}

describe('the progress bar', () => {
  it('draws on a terminal once the run is long enough, throttled, and clears before other lines', () => {
    let now = 0;
    const stream = terminal(true);
    const reporter = new Reporter(stream, 'normal', () => now);
    reporter.progress(progress(10, 1000));
    expect(stream.text).toBe(''); // a short run shows no bar
    now = 400;
    reporter.progress(progress(500, 1000));
    expect(stream.text).toBe('\rm3ugen: [############............] 50% 500/1,000 channels · 122.1 KB written · streaming\u001b[K');
    now = 450;
    reporter.progress(progress(600, 1000));
    expect(stream.text).not.toContain('600/1,000'); // throttled
    now = 600;
    reporter.progress(progress(700_000));
    expect(stream.text).toContain('\rm3ugen: 700,000 channels · 166.9 MB written · streaming');
    reporter.info('done');
    expect(stream.text.endsWith('\r\u001b[Km3ugen: done\n')).toBe(true);
  });

  it('says channels "checked", without bytes or strategy, for a run that writes nothing (validate)', () => {
    let now = 0;
    const stream = terminal(true);
    const reporter = new Reporter(stream, 'normal', () => now);
    now = 400;
    reporter.progress(progress(500, 1000), 'checked');
    expect(stream.text).toBe('\rm3ugen: [############............] 50% 500/1,000 channels checked\u001b[K');
    now = 600;
    reporter.progress(progress(700_000), 'checked');
    expect(stream.text.endsWith('\rm3ugen: 700,000 channels checked\u001b[K')).toBe(true);
  });

  it('draws the bar from the share of the input read when the channel count is not known (NDJSON)', () => {
    let now = 0;
    const stream = terminal(true);
    const reporter = new Reporter(stream, 'normal', () => now);
    now = 400;
    reporter.progress(progress(420_000), 'written', 0.42);
    expect(stream.text).toBe('\rm3ugen: [##########..............] 42% 420,000 channels · 100.1 MB written · streaming\u001b[K');
    now = 600;
    // Reading runs ahead of rendering and may have reached the end: never past 100%.
    reporter.progress(progress(990_000), 'checked', 1.2);
    expect(stream.text.endsWith('\rm3ugen: [########################] 100% 990,000 channels checked\u001b[K')).toBe(true);
    now = 800;
    // A known count wins over the share read.
    reporter.progress(progress(500, 1000), 'written', 0.9);
    expect(stream.text).toContain('] 50% 500/1,000 channels');
    now = 1000;
    // An empty file's share is 0/0: no bar rather than "NaN%".
    reporter.progress(progress(0), 'written', Number.NaN);
    expect(stream.text.endsWith('\rm3ugen: 0 channels · streaming\u001b[K')).toBe(true);
  });

  it('fits the line to the terminal: a narrower bar first, then the strategy and the bytes left out whole', () => {
    const drawn = (columns: number, info: ProgressInfo, inputRead?: number): string => {
      let now = 0;
      const stream = { ...terminal(true), columns };
      const reporter = new Reporter(stream, 'normal', () => now);
      now = 400;
      reporter.progress(info, 'written', inputRead);
      return drawnLine(stream.text, columns);
    };
    expect(drawn(120, late, 0.99)).toBe('m3ugen: [########################] 99% 995,328 channels · 282.0 MB written · parallel');
    // 80 columns, the usual default: the bar narrows rather than the line ending in "· paralle".
    expect(drawn(80, late, 0.99)).toBe('m3ugen: [################] 99% 995,328 channels · 282.0 MB written · parallel');
    expect(drawn(70, late, 0.99)).toBe('m3ugen: [##########] 99% 995,328 channels · 282.0 MB written');
    expect(drawn(50, late, 0.99)).toBe('m3ugen: [##########] 99% 995,328 channels');
    expect(drawn(30, late, 0.99)).toBe('m3ugen: [##########] 99% 995,'); // cut only when nothing else fits
    // A terminal whose size is not set says 0 columns: drawn for 80, not cut to nothing.
    expect(drawn(0, late, 0.99)).toBe(drawn(80, late, 0.99));
    // Without a bar, only whole parts go.
    expect(drawn(50, progress(700_000))).toBe('m3ugen: 700,000 channels · 166.9 MB written');
    expect(drawn(40, progress(700_000))).toBe('m3ugen: 700,000 channels');
  });

  it('keeps the line as compact as it had to be earlier in the run, so the bar does not change width as it draws', () => {
    let now = 0;
    const stream = { ...terminal(true), columns: 70 };
    const reporter = new Reporter(stream, 'normal', () => now);
    const early = { ...progress(12_288), bytesWritten: 3_500_000, strategy: 'parallel' };
    const lines: string[] = [];
    for (const [info, read] of [
      [early, 0.01],
      [late, 0.99],
      [early, 0.01],
    ] as const) {
      now += 400;
      stream.text = '';
      reporter.progress(info, 'written', read);
      lines.push(drawnLine(stream.text, 70));
    }
    expect(lines).toEqual([
      'm3ugen: [..........] 1% 12,288 channels · 3.3 MB written · parallel',
      'm3ugen: [##########] 99% 995,328 channels · 282.0 MB written',
      'm3ugen: [..........] 1% 12,288 channels · 3.3 MB written',
    ]);
  });

  it('stays silent when stderr is not a terminal, or with --quiet', () => {
    for (const [tty, verbosity] of [
      [false, 'normal'],
      [true, 'quiet'],
    ] as const) {
      let now = 0;
      const stream = terminal(tty);
      const reporter = new Reporter(stream, verbosity, () => now);
      now = 5000;
      reporter.progress(progress(500, 1000));
      expect(stream.text).toBe('');
    }
  });

  it('prints warnings and info unless quiet, debug only when verbose, errors always', () => {
    const quiet = terminal(false);
    const q = new Reporter(quiet, 'quiet');
    q.warn('w');
    q.info('i');
    q.debug('d');
    q.error('e');
    expect(quiet.text).toBe('m3ugen: error: e\n');
    const loud = terminal(false);
    const v = new Reporter(loud, 'verbose');
    v.warn('w');
    v.debug('d');
    expect(loud.text).toBe('m3ugen: warning: w\n[debug] d\n');
  });
});

describe('what reaches the terminal', () => {
  it('escapes control characters in messages, so a value cannot recolour, clear or rewrite the terminal; keeps its own newlines', () => {
    const stream = terminal(true);
    const reporter = new Reporter(stream, 'verbose');
    reporter.warn('channel "A\u001b[2J" has a bell \u0007, a CR \r, C1 \u009b and U+2028 \u2028');
    reporter.error('first line\nsecond line\tindented');
    expect(stream.text).toBe(
      'm3ugen: warning: channel "A\\u001b[2J" has a bell \\u0007, a CR \\r, C1 \\u009b and U+2028 \\u2028\n' +
        'm3ugen: error: first line\nsecond line\tindented\n',
    );
  });

  it('printable() escapes newlines too, for values shown inside one line', () => {
    expect(printable('News\nm3ugen: fake line\t\u001b[31m')).toBe('News\\nm3ugen: fake line\\t\\u001b[31m');
    expect(printable('Nachrichten · 新闻 😀')).toBe('Nachrichten · 新闻 😀');
  });
});

describe('formatCount', () => {
  it('groups the digits of a count in threes with commas, as en-US does', () => {
    for (const count of [0, 7, 999, 1000, 12345, 999999, 1000000, 1234567890, 9007199254740991]) {
      expect(formatCount(count)).toBe(count.toLocaleString('en-US'));
    }
  });

  it('says a count with its noun, singular only for one', () => {
    expect([counted(0, 'channel'), counted(1, 'channel'), counted(1_200, 'invalid record'), counted(2, 'entry', 'entries')]).toEqual(['0 channels', '1 channel', '1,200 invalid records', '2 entries']);
  });
});
