/*
 * Duplicate detection with memory a stream of millions of channels can
 * afford: ids are kept as 64-bit fingerprints (8 bytes each, not the
 * strings), channel numbers in a bitset.
 */

/** Largest channel number kept in the bitset (16 MiB of bits); larger ones go to a Set. */
const BITSET_LIMIT = 1 << 27;

/**
 * A set of strings stored as 64-bit fingerprints (two independent 32-bit
 * FNV-1a lanes) in an open-addressing table. Two different ids are taken
 * for the same one only if both lanes collide: about one chance in 10^7 for
 * a run of five million channels.
 */
export class FingerprintSet {
  #hi = new Uint32Array(1 << 12);
  #lo = new Uint32Array(1 << 12);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds `text`; returns `false` if it (or its fingerprint) was already there. */
  add(text: string): boolean {
    let hi = 0x811c9dc5;
    let lo = 0x050c5d1f;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      hi = Math.imul(hi ^ c, 0x01000193);
      lo = Math.imul(lo ^ c, 0x0100019d) ^ (lo >>> 15);
    }
    hi >>>= 0;
    lo = lo >>> 0 || 1; // (x, 0) marks an empty slot
    if ((this.#size + 1) * 4 > this.#hi.length * 3) this.#grow();
    return this.#insert(hi, lo);
  }

  #insert(hi: number, lo: number): boolean {
    const mask = this.#hi.length - 1;
    for (let slot = (hi ^ Math.imul(lo, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      const storedLo = this.#lo[slot]!;
      if (storedLo === 0) {
        this.#hi[slot] = hi;
        this.#lo[slot] = lo;
        this.#size++;
        return true;
      }
      if (storedLo === lo && this.#hi[slot] === hi) return false;
    }
  }

  #grow(): void {
    const hi = this.#hi;
    const lo = this.#lo;
    this.#hi = new Uint32Array(hi.length * 2);
    this.#lo = new Uint32Array(lo.length * 2);
    this.#size = 0;
    for (let i = 0; i < hi.length; i++) if (lo[i] !== 0) this.#insert(hi[i]!, lo[i]!);
  }
}

/** A set of non-negative integers: a bitset for the usual dense numbering, a Set beyond it. */
export class NumberSet {
  #bits = new Uint8Array(1 << 10);
  readonly #large = new Set<number>();

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
