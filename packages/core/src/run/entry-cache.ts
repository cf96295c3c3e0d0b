import type { NumberedChannel } from '../channel/model.js';
import type { WarningCode } from './warnings.js';

/** A warning raised while an entry was rendered, replayed when the entry is reused. */
export interface CapturedWarning {
  readonly code: WarningCode;
  readonly field: string | undefined;
  readonly message: string;
}

interface CachedEntry {
  readonly record: NumberedChannel;
  readonly index: number;
  /** The entry's text; `""` when a plugin dropped the channel. */
  readonly text: string;
  readonly warnings: readonly CapturedWarning[] | undefined;
  seen: number;
}

function sameObject(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>, skip?: string): boolean {
  let count = 0;
  for (const key in a) {
    if (key === skip) continue;
    if (a[key] !== b[key]) return false;
    count++;
  }
  for (const key in b) if (key !== skip) count--;
  return count === 0;
}

/** Same content: every field of the record and of its channel equal (`===`), unknown fields included. */
function sameRecord(a: NumberedChannel, b: NumberedChannel): boolean {
  return a === b || (a.assignedNumber === b.assignedNumber && sameObject(a.channel, b.channel) && sameObject(a, b, 'channel'));
}

/**
 * Rendered entries kept between runs, so a regeneration re-renders only the
 * channels whose content (or position) changed; the output is identical to a
 * full run, warnings included. Pass the same cache to every run of one
 * generator:
 *
 * @example
 * ```ts
 * const cache = new EntryCache();
 * await generator.generate(channels, { cache });        // renders everything
 * await generator.generate(updatedChannels, { cache }); // renders only what changed
 * cache.stats; // { size: 50000, reused: 49500, rendered: 500 }
 * ```
 *
 * Entries are keyed by channel id and reused when the record has the same
 * fields and values and the same position. The cache starts over when the
 * run's options or the set of plugins tapping per-channel hooks change; it
 * assumes those plugins give the same entry for the same record (a plugin
 * that reads a clock or other outside state must not be combined with it).
 * Entries of channels absent from the latest run are dropped.
 */
export class EntryCache {
  readonly #entries = new Map<string, CachedEntry>();
  #epoch: string | undefined;
  #run = 0;
  #reused = 0;
  #rendered = 0;

  /** Entries held, and what the latest run reused and rendered. */
  get stats(): { readonly size: number; readonly reused: number; readonly rendered: number } {
    return { size: this.#entries.size, reused: this.#reused, rendered: this.#rendered };
  }

  /** Starts a run; `epoch` names everything besides the record that shapes an entry. */
  begin(epoch: string): void {
    if (epoch !== this.#epoch) this.#entries.clear();
    this.#epoch = epoch;
    this.#run++;
    this.#reused = 0;
    this.#rendered = 0;
  }

  /** The entry rendered earlier for the same content at the same position, if any. */
  lookup(nc: NumberedChannel, index: number): { readonly text: string; readonly warnings: readonly CapturedWarning[] | undefined } | undefined {
    const entry = this.#entries.get(nc.channel.id);
    if (entry === undefined || entry.index !== index || !sameRecord(entry.record, nc)) {
      this.#rendered++;
      return undefined;
    }
    entry.seen = this.#run;
    this.#reused++;
    return entry;
  }

  store(nc: NumberedChannel, index: number, text: string, warnings: readonly CapturedWarning[] | undefined): void {
    this.#entries.set(nc.channel.id, { record: nc, index, text, warnings, seen: this.#run });
  }

  /** Ends a successful run: forgets channels it did not contain. */
  end(): void {
    for (const [id, entry] of this.#entries) if (entry.seen !== this.#run) this.#entries.delete(id);
  }
}
