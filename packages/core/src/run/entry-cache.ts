import { describeValue, OptionError } from '../errors.js';
import { FingerprintMap, MAX_PRESIZED_SLOTS, nextPowerOfTwo } from './duplicates.js';
import { closestName, didYouMean } from './options.js';
import type { WarningCode } from './warnings.js';

/** A warning raised while an entry was rendered, replayed when the entry is reused. */
export interface CapturedWarning {
  readonly code: WarningCode;
  readonly field: string | undefined;
  readonly message: string;
  /** Set when the message is the channel's index and this: a replay at another index words it for that index. */
  readonly reason?: string | undefined;
  readonly value?: string | undefined;
  /** The warning's `aboutConfig` (see `GenerationWarning`), replayed with it. */
  readonly aboutConfig?: boolean | undefined;
}

/** One freshly rendered entry, as a batch renderer hands it to the cache. */
export interface RenderedEntry {
  /** What the entry was rendered from; compared by the renderer next run. */
  readonly key: unknown;
  /** The entry's text; `""` when a plugin dropped the channel. */
  readonly text: string;
  readonly warnings: readonly CapturedWarning[] | undefined;
  /** The number the entry claimed as unique (see {@link BatchEntries.reused}), or {@link NO_NUMBER}. */
  readonly number: number;
}

/** An entry's number when it claimed none: a channel a plugin dropped, or a run without the duplicate check. */
export const NO_NUMBER = -1;

/** How {@link EntryCache.renderBatch} asks the renderer about entry `j` of the batch. */
export interface BatchEntries {
  /**
   * Whether the entry stored with `key` still stands for entry `j`. The
   * entry's text is `text.slice(start, end)` (not sliced, as it often lies
   * in the text of its whole batch), so a renderer may compare a record with
   * the text itself rather than keep, in its key, the values the text
   * already shows.
   */
  unchanged(j: number, key: unknown, text: string, start: number, end: number): boolean;
  /**
   * Entry `j` is reused: count it (`dropped` if its text is empty), claim its
   * `number` again, replay its `warnings`; `duplicateId` is true when a
   * channel rendered earlier in this run has its id.
   */
  reused(j: number, dropped: boolean, number: number, duplicateId: boolean, warnings: readonly CapturedWarning[] | undefined): void;
  /** Entry `j` changed (or is new): render it. Ids it checks go through {@link EntryCache.claimId}. */
  render(j: number): RenderedEntry;
  /**
   * The id of entry `j`'s record, if it has one. Give it only when no entry's
   * text depends on its position (no per-channel tap that may read the index;
   * a URL scheme that says which fields it reads): an
   * entry held for another position may then stand for entry `j`, so a
   * channel inserted or removed does not make every later entry new.
   * Without it, entries are reused only at the position they were rendered for.
   */
  idOf?: ((j: number) => string | undefined) | undefined;
}

/** The text of a batch and its UTF-8 length. */
export interface BatchText {
  readonly text: string;
  readonly bytes: number;
}

/**
 * The entries of one input batch. `base` is the text of the entries as they
 * were when it was built (a rendered batch's flat string, or a rope of
 * slices of earlier bases until V8 flattens it; see keepsRope); entries placed
 * since live in `own`. Reused runs of base entries are O(1) slices of a flat
 * `base`, so a run that changes 1% of the channels neither copies nor
 * allocates per unchanged entry.
 */
interface Segment {
  readonly firstIndex: number;
  readonly count: number;
  base: string;
  /** Character offset of entry j in `base` (count + 1 values). */
  baseOffsets: Int32Array;
  /** UTF-8 byte offset of entry j in `base` (count + 1 values); the same array as `baseOffsets` when `base` is ASCII. */
  baseBytes: Int32Array;
  /**
   * Entries placed after `base` was built: their positions j, ascending, and
   * their texts at the same index of `ownTexts` ({@link ownText}). A few per
   * segment (it is rebased at 15–35%), so two short lists rather than a place
   * for each of its `count` entries. In V8's heap such a place list was a holey array
   * of `count` slots (8 KB for 1,024) for every segment a run changed, which
   * young-generation collections copied; as a typed array (sessions 44–46) it
   * was a store of its own outside the heap for each, 977 of them at 1%
   * changed of 1M channels (in a bare script, 977 such arrays took 12–14 ms
   * once the process needed fresh memory for them).
   */
  ownPositions: number[];
  ownTexts: string[];
  /** The slot (see {@link EntryCache}) of entry j. */
  readonly slots: Int32Array;
}

/** Slots the arrays have room for at first; they double as needed (small, so tests see them grow mid-run). */
const FIRST_SLOTS = 64;

/**
 * A segment is rebuilt into a new base once this share of its entries
 * were placed since: 25% on average, but from 15% to 35% by segment, so
 * that where changes are spread evenly (a different part of the lineup each
 * run), the segments are not all rebuilt in the same run, which took a
 * whole run's copying at once (1.1–2.3 s at 1M channels, against 0.5–0.7 s
 * for the runs around it).
 */
function rebaseLimit(firstIndex: number, count: number): number {
  const spread = Math.imul(firstIndex + 1, 0x9e3779b1) >>> 29; // 0–7, as if at random, the same for the same batch
  return count * (0.15 + (0.2 * spread) / 7);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** How an {@link EntryCache} weighs its memory against the time it takes to check a record. */
export interface EntryCacheOptions {
  /**
   * `'speed'` (the default): an entry keeps the values it was made of, and a
   * record is checked with a few `===`. `'memory'`: where an entry's text
   * shows every value it was made of (no plugin on the per-channel hooks, a
   * URL scheme that says which fields it reads, as the built-in ones do, and
   * a name that is not blank), it keeps only the id, and a record is
   * compared with the text; a URL not built from the id alone (the direct
   * and pattern schemes') is built again and compared with the entry's URL
   * line. About 300 bytes less per channel held where the records are read
   * anew each run (a process holding a cache of 1,000,000 channels read from
   * a file peaked at 620 MB instead of 950), about 120 where the caller
   * keeps its records anyway (the kept values were its own strings), and
   * about 0.35–0.45 µs more per unchanged channel with the proxy scheme's
   * URLs, 0.5–0.9 µs with the direct scheme's, 1.0–1.3 µs with a pattern's.
   * For a service that keeps a cache between runs, such as `m3ugen generate
   * --watch`. Other entries keep their values either way.
   */
  readonly prefer?: 'speed' | 'memory' | undefined;
}

/**
 * Rendered entries kept between runs, so a regeneration re-renders only the
 * channels whose content changed; the output is identical to a full run,
 * warnings and errors included. Pass the same cache to every run of one
 * generator:
 *
 * @example
 * ```ts
 * const cache = new EntryCache();
 * await generator.generate(channels, { cache });        // renders everything
 * await generator.generate(updatedChannels, { cache }); // renders only what changed
 * cache.stats; // { size: 50000, reused: 49500, rendered: 500 }
 *
 * // A service holding a large cache between runs: less memory, a little more time per record.
 * const lean = new EntryCache({ prefer: 'memory' });
 * ```
 *
 * An entry is reused when a record has the same content as the one it was
 * rendered from. With no plugin on the per-channel hooks, "the same
 * content" means the same values of the fields the entry is made of
 * (number, id, name, tvg fields, group, and the fields the URL scheme
 * reads), so checking a record costs a few `===`; with such plugins it means
 * every field of the record, unknown ones included (compared with a shallow
 * copy taken when the entry was rendered). A cache made with
 * `{ prefer: 'memory' }` keeps no copy of the values where the entry's text
 * shows them all, and compares a record with the text instead
 * ({@link EntryCacheOptions.prefer}). Records may be new objects each
 * run (re-read from a file or a database) or the same objects edited in
 * place: nothing is keyed on object identity.
 *
 * Where the entry may stand: when no entry's text can depend on its
 * position (every per-channel tap says `readsIndex: false`, see
 * `ChannelTapOptions`, and the URL scheme says which fields it reads, as the
 * built-in ones do), an
 * entry is found by its record's id wherever it was, so channels inserted
 * or removed cost only their own entries; the next records are first
 * looked for at the same distance from where they were. Otherwise an entry
 * is reused only for the position it was rendered for.
 *
 * What a reused entry costs is that comparison and nothing else: its text is
 * a slice of the previous run's (not a copy), and the duplicate-id check
 * looks only at re-rendered entries, against the ids the cache holds
 * (reused entries were unique in the previous run).
 *
 * The cache is used by strategies that render whole batches
 * (`StrategyRun.renderBatch`, as both built-in strategies do). It starts over
 * when the run's options or the set of plugins tapping per-channel hooks
 * change, and after a failed run; it assumes those plugins give the same
 * entry for the same record (a plugin that reads a clock or other outside
 * state must not be combined with it). Entries the latest run did not use
 * are dropped. A cache serves one run at a time: a run given a cache that
 * another run is still using fails at once (an `OptionError` for `cache`),
 * and the other run and the cache are left as they were.
 */
export class EntryCache {
  /** What the cache was made to prefer ({@link EntryCacheOptions.prefer}); read by the renderer to choose its keys. */
  readonly prefer: 'speed' | 'memory';

  /** @throws {OptionError} when `options.prefer` is neither `'speed'` nor `'memory'`. */
  constructor(options: EntryCacheOptions = {}) {
    const prefer: unknown = options.prefer ?? 'speed';
    if (prefer !== 'speed' && prefer !== 'memory') throw new OptionError('prefer', `expected "speed" or "memory", got ${describeValue(prefer)}${didYouMean(closestName(prefer, ['speed', 'memory']))}`);
    this.prefer = prefer;
  }

  // Each held entry has a slot, which it keeps while it is reused, wherever it moves.
  // A slot's record key, id, number and warnings live in these arrays, by slot.
  #keys: unknown[] = [];
  #ids: (string | undefined)[] = [];
  #numbers: Float64Array = new Float64Array(FIRST_SLOTS);
  #warnings: (readonly CapturedWarning[] | undefined)[] = [];
  /** The run that last placed the slot in the playlist; 0 for a free slot. */
  #placed: Int32Array = new Int32Array(FIRST_SLOTS);
  /** The segment holding the slot's text, and its position there. */
  #homes: (Segment | undefined)[] = [];
  #homeJ: Int32Array = new Int32Array(FIRST_SLOTS);
  #slotCount = 0;
  #freeSlots: number[] = [];
  /** Text of slots not yet placed this run whose position was given to another entry (they may still move). */
  readonly #evacuated = new Map<number, string>();
  /** The position each slot in {@link #evacuated} was held at. */
  readonly #evacuatedAt = new Map<number, number>();

  /** The previous run's segments, by first index (changed in place as this run reuses them). */
  #segments = new Map<number, Segment>();
  /** This run's segments, by first index. */
  #next = new Map<number, Segment>();
  /** The previous run's segments in input order, and the one the latest lookup found. */
  #layout: Segment[] = [];
  #cursor = 0;
  /** How far the entries being reused now were from their position: the next record is looked for there first. */
  #shift = 0;
  /**
   * Slot of every id the held entries claimed (by 64-bit fingerprint, as a run
   * without a cache checks them), or, without the duplicate check, noted so
   * moved entries are found.
   */
  readonly #idSlots = new FingerprintMap();
  /**
   * The run in which an entry rendered in it claimed the slot's id while the
   * slot was not placed yet: placed later in that run, the slot is a duplicate.
   */
  #claimedElsewhere: Int32Array = new Int32Array(FIRST_SLOTS);
  #epoch: string | undefined;
  /** Whether a run has begun and not yet ended or been discarded. */
  #inUse = false;
  #run = 0;
  #reused = 0;
  #rendered = 0;
  /** The slot of the entry being rendered, and the id it claimed through {@link claimId}. */
  #rendering = -1;
  #claimedId: string | undefined;

  /** Entries held, and what the latest run reused and rendered. */
  get stats(): { readonly size: number; readonly reused: number; readonly rendered: number } {
    let size = 0;
    for (const segment of this.#segments.values()) size += segment.count;
    return { size, reused: this.#reused, rendered: this.#rendered };
  }

  /**
   * Starts a run; `epoch` names everything besides the record that shapes an
   * entry; `expectedEntries`, when the run knows how many channels it has,
   * sizes what the cache keeps per entry at once instead of doubling it on
   * the way. Throws if a run begun earlier has neither ended nor been discarded:
   * two runs at once would claim ids and positions in each other's entries.
   */
  begin(epoch: string, expectedEntries?: number): void {
    if (this.#inUse) throw new OptionError('cache', 'this EntryCache is in use by a run that has not ended; give each concurrent run its own cache');
    if (epoch !== this.#epoch) this.discard();
    if (expectedEntries !== undefined && Number.isFinite(expectedEntries) && expectedEntries > this.#placed.length) {
      // The size doubling would have reached (room to spare for the entries a later run renders while the old are
      // held), up to the id tables' 4M slots (80 MiB of typed arrays, 128 MiB of lists); past that they double as before.
      const slots = Math.min(MAX_PRESIZED_SLOTS, nextPowerOfTwo(expectedEntries));
      if (slots > this.#placed.length) this.#growSlots(slots);
      this.#idSlots.reserve(expectedEntries);
    }
    this.#inUse = true;
    this.#epoch = epoch;
    this.#run++;
    this.#reused = 0;
    this.#rendered = 0;
    this.#shift = 0;
    this.#layout = [...this.#segments.values()].sort((a, b) => a.firstIndex - b.firstIndex);
    this.#cursor = 0;
    this.#next = new Map();
  }

  /** Ends a successful run: its segments are held, and entries it did not use are forgotten. */
  end(): void {
    this.#inUse = false;
    // Entries the run did not use are those its placements displaced and kept (still in #evacuated: one placed
    // since left it; an entry replaced by its own channel's was freed at once) and those of segments it did not carry on.
    for (const slot of this.#evacuated.keys()) this.#freeIfUnused(slot);
    for (const segment of this.#layout) {
      if (this.#next.get(segment.firstIndex) === segment) continue;
      for (const slot of segment.slots) this.#freeIfUnused(slot);
    }
    this.#segments = this.#next;
    this.#next = new Map();
    this.#layout = [];
    this.#evacuated.clear();
    this.#evacuatedAt.clear();
  }

  #freeIfUnused(slot: number): void {
    const at = this.#placed[slot]!;
    if (at !== 0 && at !== this.#run) this.#free(slot);
  }

  /** Forgets everything (after a failed run, whose partial state is not trusted). */
  discard(): void {
    this.#inUse = false;
    this.#segments = new Map();
    this.#next = new Map();
    this.#layout = [];
    this.#idSlots.clear();
    this.#evacuated.clear();
    this.#evacuatedAt.clear();
    this.#keys = [];
    this.#ids = [];
    this.#numbers = new Float64Array(FIRST_SLOTS);
    this.#warnings = [];
    this.#placed = new Int32Array(FIRST_SLOTS);
    this.#claimedElsewhere = new Int32Array(FIRST_SLOTS);
    this.#homes = [];
    this.#homeJ = new Int32Array(FIRST_SLOTS);
    this.#slotCount = 0;
    this.#freeSlots = [];
  }

  /**
   * Records that the entry being rendered (at `index`) claims `id`. Returns
   * `false` if an entry placed before it in this run has the same id. (A
   * held entry not placed yet that has it is reported if it is placed later.)
   */
  claimId(id: string, _index: number): boolean {
    const held = this.#idSlots.get(id);
    if (held >= 0) {
      if (this.#placed[held] === this.#run && this.#claimsItsId(held)) return false;
      this.#claimedElsewhere[held] = this.#run;
    }
    this.#idSlots.set(id, this.#rendering);
    this.#claimedId = id;
    return true;
  }

  /**
   * The text of the `count` entries starting at input index `firstIndex`:
   * entries `entries.unchanged` accepts come from the earlier run, the
   * others from `entries.render`. Same text as rendering them all.
   */
  renderBatch(firstIndex: number, count: number, entries: BatchEntries): BatchText {
    const held = this.#segments.get(firstIndex);
    // A batch cut as one of the previous run's, its entries where they were, is changed in place; any other gets a new segment.
    if (held !== undefined && held.count === count && this.#shift === 0) return this.#renderInPlace(held, entries);
    return this.#renderAnew(firstIndex, count, entries);
  }

  #renderInPlace(segment: Segment, entries: BatchEntries): BatchText {
    const { firstIndex, count, base, baseOffsets } = segment;
    this.#next.set(firstIndex, segment);
    const run = this.#run;
    let text = '';
    let bytes = 0;
    for (let j = 0; j < count; j++) {
      if (this.#shift !== 0) {
        // The entries from here on moved (a channel was inserted or removed): this batch gets a new segment after all.
        return this.#renderAnew(firstIndex, count, entries, j, text, segment);
      }
      // The entries from j on that are unchanged and in `base`, where they were: one slice of it (a whole
      // unchanged batch is `base` itself, as a slice of all of a string is that string).
      const end = this.#reuseInPlace(segment, j, entries);
      if (end > j) {
        text += base.slice(baseOffsets[j]!, baseOffsets[end]!);
        bytes += segment.baseBytes[end]! - segment.baseBytes[j]!;
        j = end;
        if (j === count) break;
      }
      // Entry j is not one of them: the entry held here, if its text was placed since (`own`) and it still
      // stands for the record (one in `base` did not, or was placed already); else one held elsewhere, found by id.
      const near = segment.slots[j]!;
      const own = ownText(segment, j);
      const fits = own !== undefined && this.#placed[near] !== run && entries.unchanged(j, this.#keys[near], own, 0, own.length);
      const slot = fits ? near : this.#byId(firstIndex + j, j, near, entries);
      let piece: string;
      if (slot >= 0) {
        this.#placed[slot] = run;
        piece = fits ? own : this.#textOf(slot);
        this.#reuse(j, slot, piece === '', entries);
        if (!fits) this.#placeInPlace(segment, j, slot, piece, entries);
      } else {
        piece = this.#render(j, entries).text;
        this.#placeInPlace(segment, j, this.#rendering, piece, entries);
      }
      bytes += utf8Length(piece);
      text += piece;
    }
    if (segment.ownTexts.length > rebaseLimit(firstIndex, count)) rebase(segment, text, bytes);
    return { text, bytes };
  }

  /**
   * Reuses the entries of `segment` from `j` on that are unchanged, still in
   * its base and where they were; returns the index of the first that is
   * not (or the segment's count). Kept apart from the rest of the in-place
   * loop, which handles changed entries: this is where a regeneration spends
   * its time, and V8 compiles a small function soon. The whole loop took
   * TurboFan 25–27 ms to compile, so the first 49 batches of a regeneration
   * at 1M channels ran in slower code; this one was compiled by batch 7 and
   * 10 in two traces.
   */
  #reuseInPlace(segment: Segment, j: number, entries: BatchEntries): number {
    const { base, baseOffsets, slots, ownPositions } = segment;
    // Up to the next entry placed since, which the rest of the in-place loop takes.
    const next = ownFrom(segment, j);
    const stop = next < ownPositions.length ? ownPositions[next]! : segment.count;
    // Read once per call rather than through `#reuse`: this loop runs for every unchanged channel, and
    // nothing in it grows the slot arrays (only rendering does, outside it).
    const run = this.#run;
    const keys = this.#keys;
    const placed = this.#placed;
    const numbers = this.#numbers;
    const claimedElsewhere = this.#claimedElsewhere;
    const warnings = this.#warnings;
    for (; j < stop; j++) {
      const near = slots[j]!;
      const start = baseOffsets[j]!;
      const end = baseOffsets[j + 1]!;
      if (placed[near] === run || !entries.unchanged(j, keys[near], base, start, end)) break;
      placed[near] = run;
      entries.reused(j, start === end, numbers[near]!, claimedElsewhere[near] === run, warnings[near]);
      this.#reused++;
    }
    return j;
  }

  /**
   * A batch in a new segment, its text its base: entries moved from elsewhere
   * come as slices, one per run of neighbours. From entry `start` on, when
   * the entries before it were placed in `prefixOf` (changed in place), as
   * `prefixText` says them.
   */
  #renderAnew(firstIndex: number, count: number, entries: BatchEntries, start = 0, prefixText = '', prefixOf?: Segment): BatchText {
    const segment = newSegment(firstIndex, count);
    this.#next.set(firstIndex, segment);
    const run = this.#run;
    const offsets = segment.baseOffsets;
    /** UTF-8 offsets, counted from the parts while the text may stay a rope ({@link keepsRope}); else measured once flat. */
    let byteOffsets: Int32Array = new Int32Array(count + 1);
    let text = prefixText;
    let length = 0;
    let bytes = 0;
    /** About how many strings the text is joined from. */
    let parts = start === 0 ? 0 : 1;
    for (let j = 0, own = 0; j < start; j++) {
      const slot = prefixOf!.slots[j]!;
      if (own < prefixOf!.ownPositions.length && prefixOf!.ownPositions[own] === j) {
        const piece = prefixOf!.ownTexts[own++]!;
        length += piece.length;
        bytes += utf8Length(piece);
        parts += 2;
      } else {
        length += prefixOf!.baseOffsets[j + 1]! - prefixOf!.baseOffsets[j]!;
        bytes += prefixOf!.baseBytes[j + 1]! - prefixOf!.baseBytes[j]!;
      }
      offsets[j + 1] = length;
      byteOffsets[j + 1] = bytes;
      segment.slots[j] = slot;
      this.#homes[slot] = segment;
      this.#homeJ[slot] = j;
    }
    /** A run of held entries that sit side by side in one base: `base[start, end)`. */
    let runBase = '';
    let runStart = 0;
    let runEnd = 0;
    const takeRun = (): void => {
      if (runEnd === runStart) return;
      text += runBase.slice(runStart, runEnd);
      parts++;
      runStart = runEnd;
    };
    for (let j = start; j < count; j++) {
      const near = this.#heldSlotAt(firstIndex + j + this.#shift);
      let slot = near >= 0 && this.#placed[near] !== run && this.#hasText(near) && this.#standsFor(j, near, entries) ? near : this.#byId(firstIndex + j, j, near, entries);
      let piece: string | undefined;
      if (slot >= 0) {
        this.#placed[slot] = run;
        const home = this.#homes[slot]!;
        const at = this.#homeJ[slot]!;
        piece = this.#evacuated.get(slot) ?? ownText(home, at);
        if (piece === undefined) {
          const start = home.baseOffsets[at]!;
          const end = home.baseOffsets[at + 1]!;
          this.#reuse(j, slot, start === end, entries);
          if (runBase !== home.base || runEnd !== start) {
            takeRun();
            runBase = home.base;
            runStart = start;
          }
          runEnd = end;
          length += end - start;
          bytes += home.baseBytes[at + 1]! - home.baseBytes[at]!;
        } else this.#reuse(j, slot, piece === '', entries);
      } else {
        piece = this.#render(j, entries).text;
        slot = this.#rendering;
      }
      if (piece !== undefined) {
        takeRun();
        text += piece;
        length += piece.length;
        // Past the most parts a rope is kept with, the text is measured whole once flat, as one call.
        if (++parts <= MAX_ROPE_PARTS) bytes += utf8Length(piece);
      }
      offsets[j + 1] = length;
      byteOffsets[j + 1] = bytes;
      segment.slots[j] = slot;
      this.#homes[slot] = segment;
      this.#homeJ[slot] = j;
    }
    takeRun();
    if (this.#evacuated.size !== 0) for (let j = start; j < count; j++) this.#evacuated.delete(segment.slots[j]!);
    if (!keepsRope(parts, count)) {
      text = flatten(text);
      if (parts > MAX_ROPE_PARTS) {
        bytes = utf8Length(text);
        if (bytes !== length) byteOffsets = byteOffsetsOf(text, offsets);
      }
    }
    setBase(segment, text, offsets, bytes === length ? offsets : byteOffsets);
    return { text, bytes };
  }

  /** Entry `j` is the held entry in `slot`. */
  #reuse(j: number, slot: number, dropped: boolean, entries: BatchEntries): void {
    entries.reused(j, dropped, this.#numbers[slot]!, this.#claimedElsewhere[slot] === this.#run, this.#warnings[slot]);
    this.#reused++;
  }

  /** Renders entry `j` into a new slot ({@link #rendering}). */
  #render(j: number, entries: BatchEntries): RenderedEntry {
    const slot = this.#allocate();
    this.#placed[slot] = this.#run;
    this.#rendering = slot;
    this.#claimedId = undefined;
    const entry = entries.render(j);
    this.#rendered++;
    this.#keys[slot] = entry.key;
    // Without the duplicate check nothing claims ids; where entries may move, they are still found by id.
    if (this.#claimedId === undefined && entries.idOf !== undefined) this.#noteId(entries.idOf(j), slot);
    this.#ids[slot] = this.#claimedId;
    this.#numbers[slot] = entry.number;
    this.#warnings[slot] = entry.warnings;
    return entry;
  }

  /**
   * The held entry that stands for entry `j` (input index `index`) when the
   * one held at the same distance from its position as the entries reused
   * just before (`near`) does not, or -1: when entries may move, the one
   * holding the record's id, which sets the distance for the next records.
   */
  #byId(index: number, j: number, near: number, entries: BatchEntries): number {
    // Nothing held (a first run): no entry to find, and the id need not be hashed to learn that.
    if (this.#layout.length === 0) return -1;
    const id = entries.idOf?.(j);
    // The record is the one held near, changed: no other entry is its.
    if (id === undefined || (near >= 0 && this.#ids[near] === id)) return -1;
    const slot = this.#idSlots.get(id);
    if (slot < 0 || slot === near || this.#placed[slot] === this.#run || !this.#hasText(slot) || !this.#standsFor(j, slot, entries)) return -1;
    const home = this.#homes[slot]!;
    this.#shift = home.firstIndex + this.#homeJ[slot]! - index;
    return slot;
  }

  /** The slot the previous run held at input index `position`, or -1. */
  #heldSlotAt(position: number): number {
    const layout = this.#layout;
    let segment = layout[this.#cursor];
    if (segment === undefined || position < segment.firstIndex || position >= segment.firstIndex + segment.count) {
      // Lookups mostly go forward one segment at a time; else search.
      let k = this.#cursor + 1;
      segment = layout[k];
      if (segment === undefined || position < segment.firstIndex || position >= segment.firstIndex + segment.count) {
        let low = 0;
        let high = layout.length - 1;
        k = -1;
        while (low <= high) {
          const middle = (low + high) >>> 1;
          if (layout[middle]!.firstIndex <= position) {
            k = middle;
            low = middle + 1;
          } else high = middle - 1;
        }
        segment = k < 0 ? undefined : layout[k];
        if (segment === undefined || position >= segment.firstIndex + segment.count) return -1;
      }
      this.#cursor = k;
    }
    const slot = segment.slots[position - segment.firstIndex]!;
    // A slot placed in this run is no candidate; where it was placed over one that was kept, that one is.
    if (this.#placed[slot] !== this.#run) return slot;
    return this.#evacuated.size === 0 ? -1 : (this.#evacuatedAt.get(position) ?? -1);
  }

  /** Whether a slot not placed yet in this run still has its text: its position was not given to another entry, or its text was kept. */
  #hasText(slot: number): boolean {
    return this.#homes[slot]!.slots[this.#homeJ[slot]!] === slot || this.#evacuated.has(slot);
  }

  /** Whether the entry held in `slot`, which has its text ({@link #hasText}), still stands for entry `j`. */
  #standsFor(j: number, slot: number, entries: BatchEntries): boolean {
    const key = this.#keys[slot];
    const evacuated = this.#evacuated.size === 0 ? undefined : this.#evacuated.get(slot);
    if (evacuated !== undefined) return entries.unchanged(j, key, evacuated, 0, evacuated.length);
    return standsFor(entries, j, key, this.#homes[slot]!, this.#homeJ[slot]!);
  }

  /** The text of a slot not placed yet in this run. */
  #textOf(slot: number): string {
    return this.#evacuated.get(slot) ?? textAt(this.#homes[slot]!, this.#homeJ[slot]!);
  }

  /** Makes `slot`, whose text is `piece`, entry `j` of `segment`, which is changed in place. */
  #placeInPlace(segment: Segment, j: number, slot: number, piece: string, entries: BatchEntries): void {
    const occupant = segment.slots[j]!;
    if (this.#placed[occupant] !== this.#run) {
      const sameChannel = this.#ids[occupant] === this.#ids[slot];
      if (!sameChannel && entries.idOf !== undefined) {
        // Another channel's entry placed here leaves this one to be reused further on, if entries may move: keep its text.
        this.#evacuated.set(occupant, textAt(segment, j));
        this.#evacuatedAt.set(segment.firstIndex + j, occupant);
      } else {
        // The same channel, changed (its id is the new entry's now, so freeing the old one need not look it
        // up), or entries that stand only where they were: the old entry, its text replaced, can stand
        // nowhere. Its slot is free at once, for the next entry rendered: held to the run's end, a run
        // changing 5% of 1M channels grew the per-slot arrays past their 2^20 slots to twice that.
        if (sameChannel) this.#ids[occupant] = undefined;
        this.#free(occupant);
      }
    }
    const positions = segment.ownPositions;
    if (positions.length === 0) {
      // The segment's first: its lists start as literals holding it. Pushed onto the empty list a full run
      // made (of V8's small-integer kind), a text made V8 drop this method's compiled code ("not a Smi").
      segment.ownPositions = [j];
      segment.ownTexts = [piece];
    } else if (positions[positions.length - 1]! < j) {
      // A run places entries in order: after those placed since, mostly.
      positions.push(j);
      segment.ownTexts.push(piece);
    } else {
      const at = ownFrom(segment, j);
      if (positions[at] === j) segment.ownTexts[at] = piece;
      else {
        positions.splice(at, 0, j);
        segment.ownTexts.splice(at, 0, piece);
      }
    }
    segment.slots[j] = slot;
    this.#homes[slot] = segment;
    this.#homeJ[slot] = j;
    if (this.#evacuated.size !== 0) this.#evacuated.delete(slot);
  }

  /** Notes `id` as the slot's, for finding it by id (without claiming it as unique). */
  #noteId(id: string | undefined, slot: number): void {
    if (id === undefined) return;
    // Not over an entry of this run that claimed the id: a later channel with it is that one's duplicate.
    const held = this.#idSlots.get(id);
    if (!(held >= 0 && this.#placed[held] === this.#run && this.#claimsItsId(held))) this.#idSlots.set(id, slot);
    this.#claimedId = id;
  }

  /**
   * Whether the entry in `slot` took part in the duplicate check: a channel
   * a plugin dropped did not (a full run checks only the channels it
   * writes), so its id, though noted to find the entry again, is not taken.
   */
  #claimsItsId(slot: number): boolean {
    return this.#numbers[slot] !== NO_NUMBER;
  }

  #allocate(): number {
    const free = this.#freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.#slotCount++;
    if (slot === this.#placed.length) this.#growSlots(slot * 2);
    return slot;
  }

  /** Makes the per-slot arrays and lists `size` long. */
  #growSlots(size: number): void {
    // The lists too: grown one index at a time, V8 would copy each of them about 25 times on the way to 1M.
    this.#keys = presized(this.#keys, size);
    this.#ids = presized(this.#ids, size);
    this.#warnings = presized(this.#warnings, size);
    this.#homes = presized(this.#homes, size);
    this.#placed = grown(this.#placed, size);
    this.#claimedElsewhere = grown(this.#claimedElsewhere, size);
    this.#homeJ = grown(this.#homeJ, size);
    const numbers = new Float64Array(size);
    numbers.set(this.#numbers);
    this.#numbers = numbers;
  }

  #free(slot: number): void {
    const id = this.#ids[slot];
    if (id !== undefined) this.#idSlots.deleteIf(id, slot);
    this.#keys[slot] = undefined;
    this.#ids[slot] = undefined;
    this.#warnings[slot] = undefined;
    this.#homes[slot] = undefined;
    this.#placed[slot] = 0;
    this.#freeSlots.push(slot);
  }
}

function newSegment(firstIndex: number, count: number): Segment {
  const offsets = new Int32Array(count + 1);
  return { firstIndex, count, base: '', baseOffsets: offsets, baseBytes: offsets, ownPositions: [], ownTexts: [], slots: new Int32Array(count) };
}

/** `list` with room for `size` items at once (V8 then keeps them in one store of that size). */
function presized<T>(list: T[], size: number): T[] {
  if (list.length >= size) return list;
  const bigger = new Array<T>(size);
  for (let i = 0; i < list.length; i++) bigger[i] = list[i]!;
  return bigger;
}

function grown(array: Int32Array, size: number): Int32Array {
  const bigger = new Int32Array(size);
  bigger.set(array);
  return bigger;
}

/** The index in `segment.ownPositions` of the first entry placed since at or after position `j`; its length if there is none. */
function ownFrom(segment: Segment, j: number): number {
  const positions = segment.ownPositions;
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (positions[middle]! < j) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The text of entry `j` of `segment` if it was placed after the segment's base was built, else `undefined`. */
function ownText(segment: Segment, j: number): string | undefined {
  if (segment.ownPositions.length === 0) return undefined;
  const at = ownFrom(segment, j);
  return segment.ownPositions[at] === j ? segment.ownTexts[at] : undefined;
}

/** The text entry `j` of `segment` has now. */
function textAt(segment: Segment, j: number): string {
  return ownText(segment, j) ?? segment.base.slice(segment.baseOffsets[j]!, segment.baseOffsets[j + 1]!);
}

/** Whether the entry stored with `key` still stands for entry `j`, its text entry `at` of `segment` (see {@link textAt}), given unsliced. */
function standsFor(entries: BatchEntries, j: number, key: unknown, segment: Segment, at: number): boolean {
  const own = ownText(segment, at);
  return own === undefined ? entries.unchanged(j, key, segment.base, segment.baseOffsets[at]!, segment.baseOffsets[at + 1]!) : entries.unchanged(j, key, own, 0, own.length);
}

/** Makes `text` (the segment's current entries, `bytes` long in UTF-8) its new base. */
function rebase(segment: Segment, text: string, bytes: number): void {
  const offsets = new Int32Array(segment.count + 1);
  const { ownPositions, ownTexts, baseOffsets } = segment;
  for (let j = 0, own = 0; j < segment.count; j++) {
    const length = own < ownPositions.length && ownPositions[own] === j ? ownTexts[own++]!.length : baseOffsets[j + 1]! - baseOffsets[j]!;
    offsets[j + 1] = offsets[j]! + length;
  }
  const flat = flatten(text);
  setBase(segment, flat, offsets, bytes === flat.length ? offsets : byteOffsetsOf(flat, offsets));
  segment.ownPositions = [];
  segment.ownTexts = [];
}

/**
 * Whether a new base of `count` entries joined from `parts` strings is kept
 * as the rope it is: when it is a few long parts (runs of a moved batch's
 * entries, each a slice of an earlier base, and the few entries rendered
 * among them). V8 copies such a rope into one flat string the first time a
 * part of it is sliced or read (a later run's change there), and until then
 * the playlist built from it is copied only once, when it is read or
 * written. Flattening every moved batch at once cost a churned run at 1M
 * channels 300 MB of new memory and most of its time. A base of many parts
 * (a batch rendered anew, one rebuilt after many changes) is flattened: a
 * rope of an entry per part holds more memory than their text.
 */
function keepsRope(parts: number, count: number): boolean {
  return parts <= MAX_ROPE_PARTS && parts * 16 <= count;
}

/** The most parts a base is kept as a rope with ({@link keepsRope}). */
const MAX_ROPE_PARTS = 64;

/** Makes `text`, whose entries start at the character `offsets` and the UTF-8 `byteOffsets`, the segment's base. */
function setBase(segment: Segment, text: string, offsets: Int32Array, byteOffsets: Int32Array): void {
  segment.base = text;
  segment.baseOffsets = offsets;
  segment.baseBytes = byteOffsets;
}

/** UTF-8 byte offsets of the entries of `text` that start at the character `offsets`. */
function byteOffsetsOf(text: string, offsets: Int32Array): Int32Array {
  const bytes = new Int32Array(offsets.length);
  for (let j = 1; j < offsets.length; j++) bytes[j] = bytes[j - 1]! + utf8Length(text.slice(offsets[j - 1]!, offsets[j]!));
  return bytes;
}

/** Reading a character makes V8 copy a rope into one flat string (slices of it are then O(1)). */
function flatten(text: string): string {
  text.charCodeAt(0);
  return text;
}
