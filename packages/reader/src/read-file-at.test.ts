import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileAt } from './read-file-at.js';

describe('readFileAt', () => {
  it('fills the buffer from a position, and says how much it read where the file ends first', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'm3ugen-read-at-')), 'f.txt');
    writeFileSync(path, 'abcdefghij');
    const fd = openSync(path, 'r');
    try {
      const four = Buffer.alloc(4);
      expect(readFileAt(fd, four, 3)).toBe(4);
      expect(four.toString()).toBe('defg');
      const past = Buffer.alloc(8, '.');
      expect(readFileAt(fd, past, 6)).toBe(4);
      expect(past.toString()).toBe('ghij....');
      expect(readFileAt(fd, Buffer.alloc(2), 10)).toBe(0);
    } finally {
      closeSync(fd);
    }
  });
});
