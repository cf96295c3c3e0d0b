import { OptionError } from '../errors.js';
import { FingerprintMap } from './duplicates.js';
import type { WarningCode } from './warnings.js';

/** A warning raised while an entry was rendered, replayed when the entry is reused. */
export interface CapturedWarning {
  readonly code: WarningCode;
  readonly field: string | undefined;
  readonly message: string;
  /** Set when the message is the channel's index and this: a replay at another index words it for that index. */
  readonly reason?: string | undefined;
  readonly value?: string | undefined;
}

/** One freshly rendered entry, as a batch renderer hands it to the cache. */
export interface RenderedEntry {
  /** What the entry was rendered from; compared by the renderer next run. */
  readonly key: unknown;
  /** The entry's text; `""` when a plugin dropped the channel. */
  readonly text: string;
  readonly warnings: readonly CapturedWarning[] | undefined;
  /** The number the entry claimed as unique (see {@link BatchEntries.reused}). */
  readonly number: number;
}

/** How {@link EntryCache.renderBatch} asks the renderer about entry `j` of the batch. */
export interface BatchEntries {
  /** Whether the entry stored with `key` still stands for entry `j`. */
  unchanged(j: number, key: unknown): boolean;
  /**
   * Entry `j` is reused: count it (`dropped` if its text is empty), claim its
   * `number` again, replay its `warnings`; `duplicateId` is true when a
   * channel rendered earlier in this run has its id.
   */
  reused(j: number, dropped: boolean, number: number, duplicateId: boolean, warnings: readonly CapturedWarning[] | undefined): void;
  /** Entry `j` changed (or is new): render it. Ids it checks go through {@link EntryCache.claimId}. */
  render(j: number): RenderedEntry;
}

/** The text of a batch and its UTF-8 length. */
export interface BatchText {
  readonly text: string;
  readonly bytes: number;
}

/**
 * The entries of one input batch. `base` is a flat string of the entries as
 * first rendered; entries rendered again since live in `own`. Reused runs of
 * base entries are O(1) slices of `base`, so a run that changes 1% of the
 * channels neither copies nor allocates per unchanged entry.
 */
interface Segment {
  readonly firstIndex: number;
  readonly count: number;
  base: string;
  /** Character offset of entry j in `base` (count + 1 values). */
  baseOffsets: Int32Array;
  /** UTF-8 byte offset of entry j in `base` (count + 1 values); the same array as `baseOffsets` when `base` is ASCII. */
  baseBytes: Int32Array;
  /** Entries rendered after `base` was built, by position. */
  own: (string | undefined)[] | undefined;
  ownCount: number;
  readonly keys: unknown[];
  /** The id each entry claimed as unique (`undefined`: none, e.g. dropped). */
  readonly ids: (string | undefined)[];
  readonly numbers: Float64Array;
  warnings: (readonly CapturedWarning[] | undefined)[] | undefined;
  run: number;
}

/** A segment is rebuilt into a new flat base once this share of its entries were re-rendered. */
const REBASE_SHARE = 0.25;

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Rendered entries kept between runs, so a regeneration re-renders only the
 * channels whose content (or position) changed; the output is identical to a
 * full run, warnings and errors included. Pass the same cache to every run of
 * one generator:
 *
 * @example
 * ```ts
 * const cache = new EntryCache();
 * await generator.generate(channels, { cache });        // renders everything
 * await generator.generate(updatedChannels, { cache }); // renders only what changed
 * cache.stats; // { size: 50000, reused: 49500, rendered: 500 }
 * ```
 *
 * Entries are kept by position, in the batches the input came in, and reused
 * when the record at a position has the same content as the one rendered
 * there before. With no plugin on the per-channel hooks, "the same content"
 * means the same values of the fields the entry is made of (number, id,
 * name, tvg fields, group, and the fields the URL scheme reads), so checking
 * a record costs a few `===`; with such plugins it means every field of the
 * record, unknown ones included (compared with a shallow copy taken when the
 * entry was rendered). Records may be new objects each run (re-read from a
 * file or a database) or the same objects edited in place: nothing is keyed
 * on object identity.
 *
 * What a reused entry costs is that comparison and nothing else: its text is
 * a slice of the previous run's (not a copy), and the duplicate-id check
 * looks only at re-rendered entries, against the ids the cache holds by
 * position (unchanged entries were unique in the previous run).
 *
 * The cache is used by strategies that render whole batches
 * (`StrategyRun.renderBatch`, as both built-in strategies do). It starts over
 * when the run's options or the set of plugins tapping per-channel hooks
 * change, and after a failed run; it assumes those plugins give the same
 * entry for the same record (a plugin that reads a clock or other outside
 * state must not be combined with it). Batches not seen in the latest run are
 * dropped. A cache serves one run at a time: a run given a cache that another
 * run is still using fails at once (an `OptionError` for `cache`), and the
 * other run and the cache are left as they were.
 */
export class EntryCache {
  readonly #segments = new Map<number, Segment>();
  /** Position of every id the held entries claimed (by 64-bit fingerprint, as a run without a cache checks them). */
  readonly #idPositions = new FingerprintMap();
  /** Positions later in this run whose held id a re-rendered entry has claimed. */
  readonly #pending = new Map<number, string>();
  #epoch: string | undefined;
  /** Whether a run has begun and not yet ended or been discarded. */
  #inUse = false;
  #run = 0;
  #reused = 0;
  #rendered = 0;

  /** Entries held, and what the latest run reused and rendered. */
  get stats(): { readonly size: number; readonly reused: number; readonly rendered: number } {
    let size = 0;
    for (const segment of this.#segments.values()) size += segment.count;
    return { size, reused: this.#reused, rendered: this.#rendered };
  }

  /**
   * Starts a run; `epoch` names everything besides the record that shapes an
   * entry. Throws if a run begun earlier has neither ended nor been discarded:
   * two runs at once would claim ids and positions in each other's entries.
   */
  begin(epoch: string): void {
    if (this.#inUse) throw new OptionError('cache', 'this EntryCache is in use by a run that has not ended; give each concurrent run its own cache');
    if (epoch !== this.#epoch) this.discard();
    this.#inUse = true;
    this.#epoch = epoch;
    this.#run++;
    this.#reused = 0;
    this.#rendered = 0;
    this.#pending.clear();
  }

  /** Ends a successful run: forgets batches it did not contain. */
  end(): void {
    this.#inUse = false;
    for (const segment of this.#segments.values()) if (segment.run !== this.#run) this.#drop(segment);
  }

  /** Forgets everything (after a failed run, whose partial state is not trusted). */
  discard(): void {
    this.#inUse = false;
    this.#segments.clear();
    this.#idPositions.clear();
    this.#pending.clear();
  }

  /**
   * Records that the entry at `index` claims `id`. Returns `false` if an
   * entry before it in this run has the same id. (An entry after it that
   * still holds the id is reported when that entry is reused.)
   */
  claimId(id: string, index: number): boolean {
    const held = this.#idPositions.get(id);
    if (held >= 0 && held !== index) {
      if (held < index) return false;
      this.#pending.set(held, id);
    }
    this.#idPositions.set(id, index);
    this.#claimedId = id;
    return true;
  }

  /**
   * The text of the `count` entries starting at input index `firstIndex`:
   * entries `entries.unchanged` accepts come from the earlier run, the
   * others from `entries.render`. Same text as rendering them all.
   */
  renderBatch(firstIndex: number, count: number, entries: BatchEntries): BatchText {
    const segment = this.#segments.get(firstIndex);
    if (segment === undefined || segment.count !== count) return this.#renderAll(firstIndex, count, entries);
    segment.run = this.#run;
    const { base, baseOffsets, baseBytes, keys, ids, numbers } = segment;
    const pending = this.#pending;
    let text = '';
    let bytes = 0;
    /** Start of the current run of entries taken from `base`, or -1. */
    let from = -1;
    /** Appends that run, up to entry `end`, as one slice of `base`. */
    const takeBase = (end: number): void => {
      if (from < 0) return;
      text += base.slice(baseOffsets[from]!, baseOffsets[end]!);
      bytes += baseBytes[end]! - baseBytes[from]!;
      from = -1;
    };
    for (let j = 0; j < count; j++) {
      const own = segment.own?.[j];
      let piece: string;
      if (entries.unchanged(j, keys[j])) {
        const duplicate = pending.size !== 0 && pending.get(firstIndex + j) === ids[j];
        const dropped = own === undefined ? baseOffsets[j] === baseOffsets[j + 1] : own === '';
        entries.reused(j, dropped, numbers[j]!, duplicate, segment.warnings?.[j]);
        this.#reused++;
        if (own === undefined) {
          if (from < 0) from = j;
          continue;
        }
        piece = own;
      } else {
        this.#release(ids[j], firstIndex + j);
        ids[j] = undefined;
        this.#claimedId = undefined;
        const entry = entries.render(j);
        this.#rendered++;
        keys[j] = entry.key;
        ids[j] = this.#claimedId;
        numbers[j] = entry.number;
        if (entry.warnings !== undefined || segment.warnings !== undefined) (segment.warnings ??= [])[j] = entry.warnings;
        if (own === undefined) segment.ownCount++;
        (segment.own ??= [])[j] = entry.text;
        piece = entry.text;
      }
      takeBase(j);
      text += piece;
      bytes += utf8Length(piece);
    }
    // A whole unchanged batch is `base` itself (a slice of all of it is the same string).
    takeBase(count);
    if (segment.ownCount > count * REBASE_SHARE) this.#rebase(segment, text);
    return { text, bytes };
  }

  /** The id the entry being rendered claimed through {@link claimId}. */
  #claimedId: string | undefined;

  #renderAll(firstIndex: number, count: number, entries: BatchEntries): BatchText {
    // Batches were cut differently last run: forget every held entry this batch overlaps.
    for (const segment of this.#segments.values()) {
      if (segment.run !== this.#run && segment.firstIndex < firstIndex + count && firstIndex < segment.firstIndex + segment.count) this.#drop(segment);
    }
    const keys = new Array<unknown>(count);
    const ids = new Array<string | undefined>(count);
    const numbers = new Float64Array(count);
    const offsets = new Int32Array(count + 1);
    const segment: Segment = { firstIndex, count, base: '', baseOffsets: offsets, baseBytes: offsets, own: undefined, ownCount: 0, keys, ids, numbers, warnings: undefined, run: this.#run };
    // Held before rendering, so a failure part-way leaves the claimed ids findable (and the cache is discarded anyway).
    this.#segments.set(firstIndex, segment);
    let text = '';
    for (let j = 0; j < count; j++) {
      this.#claimedId = undefined;
      const entry = entries.render(j);
      keys[j] = entry.key;
      ids[j] = this.#claimedId;
      numbers[j] = entry.number;
      if (entry.warnings !== undefined) (segment.warnings ??= [])[j] = entry.warnings;
      text += entry.text;
      offsets[j + 1] = text.length;
    }
    this.#rendered += count;
    segment.base = flatten(text);
    // Measuring the whole flat text once is cheap; per entry only when it is not ASCII.
    const bytes = utf8Length(text);
    if (bytes !== text.length) segment.baseBytes = byteOffsetsOf(text, offsets);
    return { text, bytes };
  }

  /** Makes `text` (the segment's current entries) its new flat base. */
  #rebase(segment: Segment, text: string): void {
    const { own, count, baseOffsets } = segment;
    const offsets = new Int32Array(count + 1);
    for (let j = 0; j < count; j++) {
      const entry = own?.[j];
      offsets[j + 1] = offsets[j]! + (entry === undefined ? baseOffsets[j + 1]! - baseOffsets[j]! : entry.length);
    }
    segment.base = flatten(text);
    segment.baseOffsets = offsets;
    segment.baseBytes = utf8Length(text) === text.length ? offsets : byteOffsetsOf(text, offsets);
    segment.own = undefined;
    segment.ownCount = 0;
  }

  #drop(segment: Segment): void {
    this.#segments.delete(segment.firstIndex);
    for (let j = 0; j < segment.count; j++) this.#release(segment.ids[j], segment.firstIndex + j);
  }

  #release(id: string | undefined, index: number): void {
    if (id !== undefined) this.#idPositions.deleteIf(id, index);
  }
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
