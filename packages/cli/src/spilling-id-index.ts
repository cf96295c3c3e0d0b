/*
 * The duplicate-id check for inputs too large to keep every id in memory.
 * The first 393,216 ids are answered at once from a FingerprintSet, as in any run;
 * past that, each id's 52-bit key goes into a buffer that is sorted and
 * written to a temporary file when full, so memory stays flat however long
 * the input. When the run ends (or fails), the sorted runs are merged: keys
 * seen twice are suspects, and only then is the input read again to find the
 * first record whose id (compared as text) an earlier record had.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuplicateError, FingerprintSet, idKey, M3ugenError, systemErrorReason, type DuplicateIdIndex, type InputError } from '@m3ugen/core';
import type { RescannedRecord } from './earlier-record.js';
import { leftByDeadRuns } from './publish.js';

/** Key folders are named for the process that made them, so a later run can tell an abandoned one. */
const PREFIX = 'm3ugen-ids-';
const FOLDER = new RegExp(`^${PREFIX}(\\d+)-`);

export interface SpillingIdIndexOptions {
  /** Re-reads the input's records in order, as the run saw them (only when a duplicate is suspected). */
  readonly rescan: () => AsyncIterable<RescannedRecord>;
  /** The input's name, for the error. */
  readonly file?: string | undefined;
  /**
   * Ids answered from memory before spilling. Default 393,216 (3 × 2^17): the
   * most a 4 MB table holds; past that, sorted keys on disk cost less memory
   * and, measured at 1M channels, less time than a larger table.
   */
  readonly memoryIds?: number | undefined;
  /** Keys per sorted file (default 2^18, a 2 MB buffer, or `memoryIds` if smaller). */
  readonly runKeys?: number | undefined;
}

/** Keys read from a sorted file at a time. */
const READ_KEYS = 8192;

/** One sorted sequence of keys being merged: an array, or a file read in pieces. */
class KeyStream {
  readonly #fd: number | undefined;
  #keys: Float64Array;
  #length: number;
  #position = 0;
  #fileOffset = 0;

  constructor(source: Float64Array | number) {
    if (typeof source === 'number') {
      this.#fd = source;
      this.#keys = new Float64Array(READ_KEYS);
      this.#length = 0;
      this.#refill();
    } else {
      this.#fd = undefined;
      this.#keys = source;
      this.#length = source.length;
    }
  }

  /** The current key, or `undefined` at the end. */
  get head(): number | undefined {
    return this.#position < this.#length ? this.#keys[this.#position] : undefined;
  }

  next(): void {
    this.#position++;
    if (this.#position >= this.#length && this.#fd !== undefined) this.#refill();
  }

  #refill(): void {
    const bytes = new Uint8Array(this.#keys.buffer);
    const read = readSync(this.#fd!, bytes, 0, bytes.length, this.#fileOffset);
    this.#fileOffset += read;
    this.#length = read / 8;
    this.#position = 0;
  }
}

/**
 * A {@link DuplicateIdIndex} whose memory does not grow past `memoryIds`
 * ids; see the file's comment. Call {@link close} when the run is over.
 *
 * @example
 * ```ts
 * const index = new SpillingIdIndex({ rescan: () => recordsOf('channels.ndjson'), file: 'channels.ndjson' });
 * try {
 *   await generator.generate(reader, { output, duplicateIds: () => index });
 * } finally {
 *   index.close();
 * }
 * ```
 */
export class SpillingIdIndex implements DuplicateIdIndex {
  readonly #options: SpillingIdIndexOptions;
  readonly #memoryIds: number;
  #memory: FingerprintSet | undefined = new FingerprintSet();
  /** The keys of the ids answered from memory, sorted, once the index spills. */
  #memoryKeys: Float64Array | undefined;
  readonly #buffer: Float64Array;
  #buffered = 0;
  #dir: string | undefined;
  readonly #runs: string[] = [];

  constructor(options: SpillingIdIndexOptions) {
    this.#options = options;
    this.#memoryIds = options.memoryIds ?? 3 << 17;
    this.#buffer = new Float64Array(options.runKeys ?? Math.min(1 << 18, this.#memoryIds));
  }

  /** Ids past the memory limit so far, on disk or about to be (0 while everything fits in memory). */
  get spilledIds(): number {
    return this.#runs.length * this.#buffer.length + (this.#memory === undefined ? this.#buffered : 0);
  }

  add(id: string): boolean {
    if (this.#memory !== undefined) {
      if (this.#memory.size < this.#memoryIds) return this.#memory.add(id);
      this.#memoryKeys = this.#memory.sortedKeys();
      this.#memory = undefined;
    }
    this.#buffer[this.#buffered++] = idKey(id);
    if (this.#buffered === this.#buffer.length) this.#spill();
    return true;
  }

  async settle(limit = Number.POSITIVE_INFINITY): Promise<InputError | undefined> {
    if (this.#memory !== undefined) return undefined;
    const suspects = this.#suspects();
    if (suspects.size === 0) return undefined;
    const seen = new Map<string, RescannedRecord>();
    for await (const record of this.#options.rescan()) {
      if (record.index > limit) break;
      if (!suspects.has(idKey(record.id))) continue;
      const earlier = seen.get(record.id);
      if (earlier !== undefined) {
        return new DuplicateError({ id: record.id }, { file: this.#options.file, line: record.line, index: record.index }, { line: earlier.line, index: earlier.index });
      }
      seen.set(record.id, record);
    }
    return undefined;
  }

  /**
   * Removes key folders that killed runs (SIGKILL) left in `folder` (default:
   * the system's temporary folder); those of processes still alive stay, and
   * so do those this process may not remove (another user's), without an
   * error: before, one such folder failed every run into a file.
   * Called by the first spill of a run, so runs that never spill never list
   * the folder (read an entry at a time, by {@link leftByDeadRuns}).
   */
  static removeAbandoned(folder = tmpdir()): string[] {
    const removed: string[] = [];
    for (const name of leftByDeadRuns(folder, FOLDER)) {
      try {
        rmSync(join(folder, name), { recursive: true, force: true });
        removed.push(name);
      } catch {
        // Not this user's to remove (another user's run, in a shared /tmp): left to them, and this run goes on.
      }
    }
    return removed;
  }

  /** Removes the temporary files. */
  close(): void {
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
    this.#runs.length = 0;
    this.#buffered = 0;
  }

  #spill(): void {
    const folder = tmpdir();
    if (this.#dir === undefined) SpillingIdIndex.removeAbandoned(folder);
    try {
      this.#dir ??= mkdtempSync(join(folder, `${PREFIX}${process.pid}-`));
      const path = join(this.#dir, `${this.#runs.length}.keys`);
      const sorted = this.#buffer.subarray(0, this.#buffered).sort();
      const fd = openSync(path, 'w');
      try {
        const bytes = new Uint8Array(sorted.buffer, sorted.byteOffset, sorted.byteLength);
        for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      } finally {
        closeSync(fd);
      }
      this.#runs.push(path);
    } catch (error) {
      // Not the output's fault: say which folder, and how to choose another.
      throw new M3ugenError(
        'E_TEMP',
        `the duplicate check cannot keep ids on disk in "${folder}" (set TMPDIR to another folder): ${systemErrorReason(error, 'the folder does not exist')}`,
        { cause: error },
      );
    }
    this.#buffered = 0;
  }

  /** Keys that occur more than once among everything added: a k-way merge of the sorted sequences. */
  #suspects(): Set<number> {
    const suspects = new Set<number>();
    const fds = this.#runs.map((path) => openSync(path, 'r'));
    try {
      const streams = [new KeyStream(this.#memoryKeys ?? new Float64Array(0)), new KeyStream(this.#buffer.slice(0, this.#buffered).sort()), ...fds.map((fd) => new KeyStream(fd))];
      // A binary heap of stream numbers ordered by their head key.
      const heap = streams.map((_, i) => i).filter((i) => streams[i]!.head !== undefined);
      const key = (i: number): number => streams[heap[i]!]!.head!;
      const down = (from: number): void => {
        for (let i = from; ; ) {
          const left = 2 * i + 1;
          if (left >= heap.length) return;
          const child = left + 1 < heap.length && key(left + 1) < key(left) ? left + 1 : left;
          if (key(i) <= key(child)) return;
          [heap[i], heap[child]] = [heap[child]!, heap[i]!];
          i = child;
        }
      };
      for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
      let previous = Number.NaN;
      while (heap.length > 0) {
        const stream = streams[heap[0]!]!;
        const current = stream.head!;
        if (current === previous) suspects.add(current);
        previous = current;
        stream.next();
        if (stream.head === undefined) {
          heap[0] = heap[heap.length - 1]!;
          heap.pop();
        }
        down(0);
      }
    } finally {
      for (const fd of fds) closeSync(fd);
    }
    return suspects;
  }
}
