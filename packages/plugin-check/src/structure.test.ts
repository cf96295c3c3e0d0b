import { describe, expect, it } from 'vitest';
import { playlistStructureProblems } from './structure.js';

const ENTRY = '#EXTINF:-1 tvg-id="a" group-title="News",Channel A\nhttp://proxy.example/stream/a\n';

describe('playlistStructureProblems', () => {
  it('finds nothing in a playlist of entries, with directives and comments where plugins put them', () => {
    expect(playlistStructureProblems(`#EXTM3U\n${ENTRY}${ENTRY}`, 2)).toEqual([]);
    expect(playlistStructureProblems(`#EXTM3U x-tvg-url="http://epg.example"\n# comment\n#EXTINF:-1,A, with a comma\n#EXTGRP:News\nhttp://a\n`, 1)).toEqual([]);
    expect(playlistStructureProblems('#EXTM3U\n', 0)).toEqual([]);
    // A tab splits no line.
    expect(playlistStructureProblems('#EXTM3U\n#EXTINF:-1,A\tB\nhttp://a\n')).toEqual([]);
  });

  it('says what breaks a player’s reading, line by line', () => {
    expect(playlistStructureProblems('#EXTM3U\n#EXTINF:-1,A\nB\nhttp://x\n')).toEqual(['line 4: a URL line without an #EXTINF line before it: "http://x"']);
    expect(playlistStructureProblems('#EXTM3U\n#EXTINF:-1,A\n#EXTINF:-1,B\nhttp://b\n')).toEqual(['line 3: an #EXTINF line before the URL line of the entry at line 2']);
    expect(playlistStructureProblems('#EXTM3U\n#EXTINF:-1,A\n')).toEqual(['line 2: the last entry has no URL line']);
    expect(playlistStructureProblems('#EXTM3U\n#EXTINF:-1,A\nhttp://a')).toEqual(['the playlist does not end with a newline']);
    expect(playlistStructureProblems('#EXTINF:-1,A\nhttp://a\n')).toEqual(['line 1: the playlist does not start with #EXTM3U: "#EXTINF:-1,A"']);
    expect(playlistStructureProblems('#EXTM3U\n\n#EXTINF:-1,A\nhttp://a\n')).toEqual(['line 2: blank']);
    expect(playlistStructureProblems('#EXTM3U\n#EXTINF:-1 tvg-name="A,B,A\nhttp://a\n')).toEqual(['line 2: a quote in the attribute list is not closed: "#EXTINF:-1 tvg-name=\\"A,B,A"']);
    expect(playlistStructureProblems('#EXTM3U\n#EXTINF:-1,A\rB\nhttp://a\n')).toEqual(['line 2: holds a control character, U+2028 or U+2029: "#EXTINF:-1,A\\rB"']);
    expect(playlistStructureProblems('#EXTM3U\n#EXTINF:-1,A\u2028B\nhttp://a\n')).toEqual(['line 2: holds a control character, U+2028 or U+2029: "#EXTINF:-1,A\\u2028B"']);
    expect(playlistStructureProblems('#EXTM3U\n#EXTINF:-1,A\ud83dB\nhttp://a\n')).toEqual(['line 2: holds a lone surrogate: "#EXTINF:-1,A\\ud83dB"']);
  });

  it('counts entries against the channels the run kept', () => {
    expect(playlistStructureProblems(`#EXTM3U\n${ENTRY}`, 2)).toEqual(['1 entry, where the run kept 2 channels']);
  });
});
