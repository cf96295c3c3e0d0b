import { describe, expect, it } from 'vitest';
import { displayName, sanitizeAttributeValue, sanitizeName, sanitizeText } from './sanitize.js';

describe('sanitizeText', () => {
  it('returns clean text unchanged (same string)', () => {
    const clean = 'Sports, Live & "More" 📺 عربي';
    expect(sanitizeText(clean)).toBe(clean);
  });

  it('turns every line-breaking or control character into a space', () => {
    const controls = [...Array(32).keys()].map((c) => String.fromCharCode(c)).join('') + '\u007f\u0085\u009f\u2028\u2029';
    const out = sanitizeText(`a${controls}b`);
    expect(out).toBe(`a${' '.repeat(controls.length)}b`);
  });

  it('replaces lone surrogates and keeps pairs', () => {
    expect(sanitizeText('x\ud800y\udc00z😀')).toBe('x\ufffdy\ufffdz😀');
  });

  it('keeps quotes and commas in free text', () => {
    expect(sanitizeText('A "B", C')).toBe('A "B", C');
  });
});

describe('sanitizeAttributeValue', () => {
  it('turns double quotes into single quotes so the value cannot end early', () => {
    expect(sanitizeAttributeValue('The "Best" Channel')).toBe("The 'Best' Channel");
  });

  it('removes line breaks too', () => {
    expect(sanitizeAttributeValue('x"\r\n#EXTINF:-1,evil')).toBe("x'  #EXTINF:-1,evil");
  });
});

describe('sanitizeName and displayName', () => {
  it('keeps commas, turns quotes into single quotes and trims', () => {
    expect(sanitizeName('  Sports, "Live" x="y"\r\n')).toBe("Sports, 'Live' x='y'");
  });

  it('falls back to tvg-name, then the id, when the name is blank', () => {
    expect(displayName({ id: 'id-1', channelName: '\n\t ', tvgName: ' News ' })).toBe('News');
    expect(displayName({ id: 'id-1', channelName: '\u2028', tvgName: null })).toBe('id-1');
    expect(displayName({ id: 'id-1', channelName: 'Real' })).toBe('Real');
    expect(displayName({ id: ' \u0000', channelName: '\n', tvgName: '\t' }, 7)).toBe('Channel 7');
  });
});
