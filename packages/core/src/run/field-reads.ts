import type { NumberedChannel } from '../channel/model.js';
import type { ChannelBatch } from './channel-source.js';
import { closestName, didYouMean } from './options.js';

/**
 * An input field a plugin reads beyond the model's, declared with
 * {@link M3uGenerator.readsField}: a run in which no record has a value for
 * it warns (`absent-field`), since that is most often a misspelt name in a
 * config (`field = "contry"`), which would otherwise leave the attribute out
 * of every entry without a word.
 *
 * @example
 * ```ts
 * const read: FieldRead = { field: 'country', by: 'attribute "tvg-country"', has: (nc) => typeof nc.channel['country'] === 'string' };
 * ```
 */
export interface FieldRead {
  /** The field as the input spells it (`country`, `catchup_days`, `epg.lang` for one inside an object field). */
  readonly field: string;
  /** Who reads it, as the warning names it: `attribute "tvg-country"`. */
  readonly by: string;
  /** Whether a record has a value for it (missing, `null` and `""` are none). Called until one has; a throw counts as having one. */
  has(record: NumberedChannel): boolean;
}

/** A declared field that no record of a run had a value for, and the record field it most likely meant. */
export interface AbsentField {
  readonly field: string;
  readonly by: string;
  /** A field of the run's first records close to `field` (a slip of one or two letters, or of case). */
  readonly meant?: string | undefined;
}

/**
 * The message of an `absent-field` warning.
 *
 * @example
 * ```ts
 * absentFieldMessage({ field: 'contry', by: 'attribute "tvg-country"', meant: 'country' });
 * // 'attribute "tvg-country" reads field "contry", which is missing from every channel (did you mean "country"?)'
 * ```
 */
export function absentFieldMessage(absent: AbsentField): string {
  return `${absent.by} reads field "${absent.field}", which is missing from every channel${didYouMean(absent.meant)}`;
}

/** snake_case of a camelCase key, so `tvgCountry` is a candidate for `tvg_contry` too. */
function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The fields records have that a declared name may have meant: their own and
 * their channel's, and one level inside object fields, in both spellings.
 */
function fieldNamesOf(records: readonly unknown[]): string[] {
  const names = new Set<string>();
  const add = (object: object, prefix: string): void => {
    for (const [key, value] of Object.entries(object)) {
      if (key === 'channel' && prefix === '') continue;
      names.add(prefix + key);
      names.add(prefix + snake(key));
      if (prefix === '' && typeof value === 'object' && value !== null && !Array.isArray(value)) add(value, `${key}.`);
    }
  };
  for (const record of records) {
    if (typeof record !== 'object' || record === null) continue;
    try {
      add(record, '');
      const channel = (record as { channel?: unknown }).channel;
      if (typeof channel === 'object' && channel !== null) add(channel, '');
    } catch {
      // A record whose getters throw suggests nothing; the run says what is wrong with it.
    }
  }
  return [...names];
}

/**
 * Records whose fields suggest what a missing one meant: the first of the
 * run's first batch, the same records for every strategy and for the first
 * part of a parallel run (NDJSON batches are 256 records).
 */
const SAMPLED_RECORDS = 256;

/**
 * Which declared fields the records of one run have values for, looked at as
 * the run's source hands out each batch (so reused cached entries count, and
 * a plugin's hooks need not run), until each has been seen once: a run whose
 * fields are all present pays for one look per field.
 */
export class FieldPresence {
  /** Declared fields not yet seen in this run. */
  #pending: FieldRead[];
  /** The first records, kept for their field names (a reader may reuse its batch's array). */
  #sample: readonly unknown[] = [];
  #sawRecords = false;
  /**
   * Per field still pending when channels were rendered elsewhere: what the
   * first such run found missing, or `false` once one had it or said nothing.
   * Absent for a field when nothing was rendered elsewhere.
   */
  readonly #elsewhere = new Map<string, AbsentField | false>();

  constructor(reads: readonly FieldRead[]) {
    this.#pending = [...reads];
  }

  /** Looks at a batch's records for the fields not seen yet. */
  scan(batch: ChannelBatch): void {
    if (this.#pending.length === 0) return;
    if (batch.end > batch.start && !this.#sawRecords) {
      this.#sawRecords = true;
      this.#sample = batch.channels.slice(batch.start, Math.min(batch.end, batch.start + SAMPLED_RECORDS));
    }
    this.#pending = this.#pending.filter((read) => {
      for (let i = batch.start; i < batch.end; i++) if (has(read, batch.channels[i]!)) return false;
      return true;
    });
  }

  /**
   * Channels rendered elsewhere (`countRenderedElsewhere`): what their runs
   * found missing from all of them, or `undefined` when unknown, which
   * counts as every field seen.
   */
  noteElsewhere(absent: readonly AbsentField[] | undefined): void {
    const missing = new Map((absent ?? []).map((field) => [field.field, field]));
    for (const read of this.#pending) {
      const earlier = this.#elsewhere.get(read.field);
      if (earlier === false) continue;
      const here = missing.get(read.field);
      this.#elsewhere.set(read.field, here === undefined ? false : (earlier ?? here));
    }
  }

  /** The declared fields that no record of the run had, in the order they were declared. */
  absent(): AbsentField[] {
    const absent: AbsentField[] = [];
    let names: string[] | undefined;
    for (const read of this.#pending) {
      // A field pending now was pending at every noteElsewhere, so it has an entry if anything was rendered elsewhere.
      const elsewhere = this.#elsewhere.get(read.field);
      if (elsewhere === false) continue;
      // Parts of the input rendered elsewhere and none had it: its first part's suggestion is from the run's first records.
      if (elsewhere !== undefined && !this.#sawRecords) {
        absent.push(elsewhere);
        continue;
      }
      names ??= fieldNamesOf(this.#sample);
      const meant = closestName(read.field, names);
      absent.push({ field: read.field, by: read.by, meant: meant === read.field ? undefined : meant });
    }
    return absent;
  }
}

function has(read: FieldRead, record: NumberedChannel): boolean {
  try {
    return read.has(record);
  } catch {
    // A record the plugin cannot read is the run's to report when it renders it, not this look's.
    return true;
  }
}
