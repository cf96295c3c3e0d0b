/*
 * Duplicate detection with memory a stream of millions of channels can
 * afford: ids are kept as 64-bit fingerprints (8 bytes each, not the
 * strings), channel numbers in a bitset.
 */

import { recordIndex, recordLine, type NumberedChannel } from '../channel/model.js';
import { duplicateReason, type DuplicateError, type InputError } from '../errors.js';

/**
 * Where a run keeps the ids it has seen, to reject a duplicate. The default
 * is a {@link FingerprintSet}, which answers at once. An index for inputs too
 * large to keep every id in memory may accept an id and decide later: it
 * then implements `settle`, which the run calls when every channel was
 * rendered, and before it reports another error, so the error reported is
 * still the first in input order.
 *
 * @example
 * ```ts
 * await generator.generate(reader, { duplicateIds: () => new FingerprintSet() }); // the default
 * ```
 */
export interface DuplicateIdIndex {
  /** Records the id of the channel at `index`; `false` if an earlier channel had it. */
  add(id: string, index: number): boolean;
  /**
   * For ids accepted without a decision: the error for the first channel
   * (at index `limit` or before, default: any) whose id an earlier channel had.
   */
  settle?(limit?: number): Promise<InputError | undefined>;
}

/**
 * Why a channel is rejected for its id, when the earlier record is not known:
 * the reason of a {@link DuplicateError}, which every duplicate-id check now
 * throws (kept for indexes written against the earlier API).
 *
 * @example
 * ```ts
 * duplicateIdReason('news-1'); // 'duplicate channel id "news-1": an earlier record has the same id'
 * ```
 */
export function duplicateIdReason(id: string): string {
  return duplicateReason({ id });
}

/**
 * `error` naming the first of `channels` before the rejected one that has
 * its id or number, for a run over an array (the fingerprint table keeps no
 * records; the array still has them). Error path only: a linear scan.
 */
export function nameEarlierChannel(error: DuplicateError, channels: readonly NumberedChannel[]): DuplicateError {
  const end = error.location.index;
  if (error.earlier !== undefined || end === undefined) return error;
  for (let i = 0; i < channels.length; i++) {
    const nc = channels[i] as Partial<NumberedChannel> | undefined;
    // Records a reader numbered (a JSON array's, kept in an array) are named as the error names its record.
    const index = recordIndex(nc) ?? i;
    if (index >= end) break;
    if (error.isRepeatedBy(nc?.channel?.id, nc?.assignedNumber)) return error.withEarlier({ index, line: recordLine(nc) });
  }
  return error;
}

/** Largest channel number kept in the bitset (16 MiB of bits); larger ones go to a Set. */
const BITSET_LIMIT = 1 << 27;

/** The latest {@link fingerprint}: `lo` is never 0, which marks an empty slot. */
const printed = { hi: 0, lo: 0 };

/** murmur3's 32-bit finalizer: every input bit reaches every output bit. */
function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Two independent 32-bit lanes of `text`, into {@link printed} (no
 * allocation). Each lane takes two UTF-16 code units per step, multiplied
 * in FNV's way; the xor-shift carries the upper unit's bits down, which a
 * multiplication alone never does. The length and a finalizer close each
 * lane, so each collides as often as random 32-bit values do (FNV-1a over
 * single code units, used before, collided 2 to 5 times as often in its
 * low lane on structured ids).
 */
function fingerprint(text: string): void {
  let hi = 0x811c9dc5;
  let lo = 0x050c5d1f;
  const length = text.length;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    const pair = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    hi = Math.imul(hi ^ pair, 0x01000193) ^ (hi >>> 13);
    lo = Math.imul(lo ^ pair, 0x0100019d) ^ (lo >>> 15);
  }
  if (i < length) {
    const last = text.charCodeAt(i);
    hi = Math.imul(hi ^ last, 0x01000193) ^ (hi >>> 13);
    lo = Math.imul(lo ^ last, 0x0100019d) ^ (lo >>> 15);
  }
  printed.hi = finish(hi ^ length);
  printed.lo = finish(lo ^ Math.imul(length, 0x9e3779b1)) || 1;
}

function keyOf(hi: number, lo: number): number {
  return (hi >>> 12) * 0x1_0000_0000 + lo;
}

/**
 * 52 bits of the fingerprint a {@link FingerprintSet} keeps for `text`, as one
 * number (exact in a double): what an index on disk sorts and compares.
 * Equal keys mean "maybe the same id"; compare the ids to be sure.
 *
 * @example
 * ```ts
 * idKey('news-1') === idKey('news-1'); // true; equal keys of different ids are possible but rare
 * ```
 */
export function idKey(text: string): number {
  fingerprint(text);
  return keyOf(printed.hi, printed.lo);
}

/**
 * The most slots a table sized for a known count allocates up front (4M: a {@link FingerprintSet}'s 32 MiB, for
 * about 3.1M ids; also a {@link FingerprintMap}'s `reserve` and an EntryCache's per-slot arrays); it grows from there.
 */
export const MAX_PRESIZED_SLOTS = 1 << 22;

/** The smallest power of two ≥ `n` (1 for `n` ≤ 1): the size doubling from 1 would reach. */
export function nextPowerOfTwo(n: number): number {
  return n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
}

/** The slots a table made for `count` entries starts with: room for them below its 3/4 load, up to {@link MAX_PRESIZED_SLOTS}. */
function slotsFor(count: number): number {
  return Math.min(MAX_PRESIZED_SLOTS, nextPowerOfTwo(Math.ceil((count * 4) / 3) + 1));
}

function homeSlot(hi: number, lo: number, mask: number): number {
  return (hi ^ Math.imul(lo, 0x9e3779b1)) & mask;
}

/**
 * The open-addressing table both fingerprint classes keep: 64-bit
 * fingerprints in two 32-bit arrays (`lo` 0 marks an empty slot), linear
 * probing, doubled at 3/4 load.
 */
abstract class FingerprintTable {
  protected hi: Uint32Array;
  protected lo: Uint32Array;
  protected count = 0;

  constructor(slots: number) {
    this.hi = new Uint32Array(slots);
    this.lo = new Uint32Array(slots);
  }

  get size(): number {
    return this.count;
  }

  /** The slot holding (`hi`, `lo`), or, as `~slot` (negative), the empty slot where it would go. */
  protected probe(hi: number, lo: number): number {
    const mask = this.lo.length - 1;
    for (let slot = homeSlot(hi, lo, mask); ; slot = (slot + 1) & mask) {
      const storedLo = this.lo[slot]!;
      if (storedLo === 0) return ~slot;
      if (storedLo === lo && this.hi[slot] === hi) return slot;
    }
  }

  /** Fills the empty `slot` with (`hi`, `lo`). */
  protected claim(slot: number, hi: number, lo: number): void {
    this.hi[slot] = hi;
    this.lo[slot] = lo;
    this.count++;
  }

  /** Whether one more entry would pass 3/4 load (then call {@link rehash} with twice the slots). */
  protected full(): boolean {
    return (this.count + 1) * 4 > this.lo.length * 3;
  }

  /** Moves every entry into new arrays of `slots` slots; `moved(from, to)` carries per-slot data along. */
  protected rehash(slots: number, moved?: (from: number, to: number) => void): void {
    const hi = this.hi;
    const lo = this.lo;
    this.hi = new Uint32Array(slots);
    this.lo = new Uint32Array(slots);
    this.count = 0;
    for (let i = 0; i < lo.length; i++) {
      if (lo[i] === 0) continue;
      const to = ~this.probe(hi[i]!, lo[i]!);
      this.claim(to, hi[i]!, lo[i]!);
      moved?.(i, to);
    }
  }
}

/**
 * A set of strings stored as 64-bit fingerprints (two independent 32-bit
 * lanes) in an open-addressing table. Two different ids are taken for the
 * same one only if both lanes collide: about one chance in 37 million for a
 * run of a million channels, one in 1.5 million for five million.
 *
 * @example
 * ```ts
 * const ids = new FingerprintSet(channels.length); // sized for the run up front
 * ids.add('550e8400-e29b-41d4-a716-446655440001'); // true
 * ids.add('550e8400-e29b-41d4-a716-446655440001'); // false: seen before
 * ```
 */
export class FingerprintSet extends FingerprintTable {
  /**
   * @param expectedSize - how many ids the run expects, when it knows: the
   * table starts large enough for them (up to 4M slots, 32 MiB), so it is
   * not rebuilt, and left as garbage, at each doubling on the way.
   */
  constructor(expectedSize = 0) {
    super(Math.max(1 << 12, slotsFor(expectedSize)));
  }

  /** Every fingerprint held, as sorted {@link idKey}s (to hand the set over to another index). */
  sortedKeys(): Float64Array {
    const keys = new Float64Array(this.count);
    let n = 0;
    for (let i = 0; i < this.lo.length; i++) if (this.lo[i] !== 0) keys[n++] = keyOf(this.hi[i]!, this.lo[i]!);
    return keys.sort();
  }

  /** Adds `text`; returns `false` if it (or its fingerprint) was already there. */
  add(text: string): boolean {
    fingerprint(text);
    return this.addFingerprint(printed.hi, printed.lo);
  }

  /**
   * Adds a fingerprint {@link writeFingerprint} computed (in another thread,
   * say); returns `false` if it was already there.
   */
  addFingerprint(hi: number, lo: number): boolean {
    if (this.full()) this.rehash(this.lo.length * 2);
    const slot = this.probe(hi, lo);
    if (slot >= 0) return false;
    this.claim(~slot, hi, lo);
    return true;
  }
}

/**
 * Writes the 64-bit fingerprint a {@link FingerprintSet} keeps for `text`
 * into `into[at]` (high half) and `into[at + 1]` (low half), for
 * {@link FingerprintSet.addFingerprint}.
 *
 * @example
 * ```ts
 * const prints = new Uint32Array(2 * ids.length);
 * ids.forEach((id, i) => writeFingerprint(id, prints, 2 * i));
 * ```
 */
export function writeFingerprint(text: string, into: Uint32Array, at: number): void {
  fingerprint(text);
  into[at] = printed.hi;
  into[at + 1] = printed.lo;
}

/**
 * A map from strings, kept as 64-bit fingerprints as in {@link FingerprintSet}
 * (same odds of taking two strings for one), to non-negative integers, with
 * deletion. An EntryCache keeps the slot of each id it holds in one.
 *
 * @example
 * ```ts
 * const positions = new FingerprintMap();
 * positions.reserve(channels.length); // optional: room for them all at once
 * positions.set('news-1', 0);
 * positions.get('news-1'); // 0
 * ```
 */
export class FingerprintMap extends FingerprintTable {
  #values = new Float64Array(1 << 10);

  constructor() {
    super(1 << 10);
  }

  /** The string `get` fingerprinted last, so a `set` of it right after does not hash it again. */
  #lastText: string | undefined;
  #lastHi = 0;
  #lastLo = 0;

  /** The value kept for `text`, or -1. */
  get(text: string): number {
    fingerprint(text);
    this.#lastText = text;
    this.#lastHi = printed.hi;
    this.#lastLo = printed.lo;
    const slot = this.probe(printed.hi, printed.lo);
    return slot < 0 ? -1 : this.#values[slot]!;
  }

  /** Keeps `value` (>= 0) for `text`. */
  set(text: string, value: number): void {
    if (this.full()) this.#grow(this.#values.length * 2);
    if (text !== this.#lastText) {
      fingerprint(text);
      this.#lastHi = printed.hi;
      this.#lastLo = printed.lo;
      this.#lastText = text;
    }
    let slot = this.probe(this.#lastHi, this.#lastLo);
    if (slot < 0) this.claim((slot = ~slot), this.#lastHi, this.#lastLo);
    this.#values[slot] = value;
  }

  /**
   * Makes room for `count` entries in all at once (up to 4M slots), so a map
   * about to be filled is not rebuilt at each doubling on the way.
   */
  reserve(count: number): void {
    const slots = slotsFor(count);
    if (slots > this.#values.length) this.#grow(slots);
  }

  #grow(slots: number): void {
    const values = this.#values;
    this.#values = new Float64Array(slots);
    this.rehash(slots, (from, to) => {
      this.#values[to] = values[from]!;
    });
  }

  /** Forgets `text` if its value is `value`. */
  deleteIf(text: string, value: number): void {
    this.#lastText = undefined;
    fingerprint(text);
    let hole = this.probe(printed.hi, printed.lo);
    if (hole < 0 || this.#values[hole] !== value) return;
    // Linear probing: shift later members of the cluster back into the hole (Knuth, algorithm R).
    const hiTable = this.hi;
    const loTable = this.lo;
    const mask = loTable.length - 1;
    for (let slot = (hole + 1) & mask; loTable[slot] !== 0; slot = (slot + 1) & mask) {
      const home = homeSlot(hiTable[slot]!, loTable[slot]!, mask);
      // Movable unless its home lies cyclically in (hole, slot].
      const stays = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
      if (stays) continue;
      hiTable[hole] = hiTable[slot]!;
      loTable[hole] = loTable[slot]!;
      this.#values[hole] = this.#values[slot]!;
      hole = slot;
    }
    loTable[hole] = 0;
    hiTable[hole] = 0;
    this.count--;
  }

  /** Empties the map. */
  clear(): void {
    this.#lastText = undefined;
    this.hi = new Uint32Array(1 << 10);
    this.lo = new Uint32Array(1 << 10);
    this.#values = new Float64Array(1 << 10);
    this.count = 0;
  }
}

/**
 * A set of non-negative integers: a bitset for the usual dense numbering, a Set beyond it.
 *
 * @example
 * ```ts
 * const numbers = new NumberSet(channels.length); // sized for numbers up to the channel count
 * numbers.add(7); // true
 * numbers.add(7); // false: already there
 * ```
 */
export class NumberSet {
  #bits: Uint8Array;
  readonly #large = new Set<number>();

  /**
   * `expectedLargest`: the largest number expected (the channel count, for the
   * usual numbering from 1), so the bitset starts at its size: each growth on
   * the way also made V8 throw away the optimized code of its callers.
   */
  constructor(expectedLargest = 0) {
    const largest = Number.isFinite(expectedLargest) && expectedLargest > 0 ? Math.min(BITSET_LIMIT - 1, Math.floor(expectedLargest)) : 0;
    this.#bits = new Uint8Array(Math.max(1 << 10, nextPowerOfTwo(Math.ceil((largest + 1) / 8))));
  }

  /** Adds `n`; returns `false` if it was already there. */
  add(n: number): boolean {
    if (n >= BITSET_LIMIT) {
      if (this.#large.has(n)) return false;
      this.#large.add(n);
      return true;
    }
    const byte = n >>> 3;
    if (byte >= this.#bits.length) {
      let length = this.#bits.length;
      while (length <= byte) length *= 2;
      const bits = new Uint8Array(length);
      bits.set(this.#bits);
      this.#bits = bits;
    }
    const mask = 1 << (n & 7);
    if ((this.#bits[byte]! & mask) !== 0) return false;
    this.#bits[byte]! |= mask;
    return true;
  }
}
