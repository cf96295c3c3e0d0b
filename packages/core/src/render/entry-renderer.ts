/*
 * Where a channel becomes bytes. Every strategy calls the renderer made here,
 * which is why all strategies, and every mid-run switch, write the same bytes.
 */
import { isMissing, writtenText, type NumberedChannel } from '../channel/model.js';
import { checkRequired, fail, locate } from '../channel/required.js';
import { describeProblem } from '../channel/schema.js';
import { unreadableRecordError } from '../channel/unreadable.js';
import { DuplicateError, InputError, M3ugenError, PluginError, formatLocation, withoutStackTrace, type Duplicated } from '../errors.js';
import { isTapped, tapsMayReadIndex, unusableResult, type GenerationHooks } from '../hooks/hooks.js';
import type { RunInfo } from '../run/run-info.js';
import { FingerprintSet, NumberSet, type DuplicateIdIndex } from '../run/duplicates.js';
import type { ChannelBatch } from '../run/channel-source.js';
import { NO_NUMBER, type BatchEntries, type BatchText, type CapturedWarning, type EntryCache } from '../run/entry-cache.js';
import { WarningLog } from '../run/warnings.js';
import { formatAttributes, type ExtinfAttribute } from './attributes.js';
import { BEFORE_GROUP_TITLE, BEFORE_NAME, BEFORE_TVG_CHNO, BEFORE_TVG_LOGO, BEFORE_TVG_NAME, LINE_START, extinfWrittenAs, urlLineIs } from './default-entry.js';
import { displayName, sanitizeAttributeValue, sanitizeName, sanitizeText } from './sanitize.js';
import type { StreamUrlBuilder } from './url-scheme.js';

/** Renders one channel: its `#EXTINF` line and its URL line, each ending in `\n`; `""` when dropped. */
export type EntryRenderer = (channel: NumberedChannel, index: number) => string;

/** Renders a whole batch: the same text as its entries' {@link EntryRenderer} results, concatenated. */
export type BatchRenderer = (batch: ChannelBatch) => BatchText;

/** The renderers of one run. */
export interface Renderers {
  readonly entry: EntryRenderer;
  readonly batch: BatchRenderer;
  /** Whether a channel's index may change its entry's text: a per-channel tap that may read it, or a URL scheme that does not say what it reads. */
  readonly indexShapesEntries: boolean;
  /**
   * Lets go of the run (its records, its cache, its duplicate check, the URL
   * builder and the warning log) once it has ended; the renderers then fail
   * if called. The functions themselves may be kept: V8 keeps optimized
   * code only while a function using it lives, so a generator holds its
   * latest run's renderers, and its next run starts from their compiled
   * code instead of compiling its hot path again.
   *
   * @example
   * ```ts
   * const renderers = createRenderers(context);
   * try { … } finally { renderers.release(); }
   * ```
   */
  release(): void;
}

/** What the renderer needs from the run. */
export interface RenderContext {
  readonly hooks: GenerationHooks;
  readonly run: RunInfo;
  readonly warnings: WarningLog;
  readonly buildUrl: StreamUrlBuilder;
  /** Channels rendered (dropped ones included) and dropped by a plugin, counted for the metrics. */
  readonly counts: { rendered: number; dropped: number };
  /** The input's name, for error messages. */
  readonly sourceName?: string | undefined;
  /** Entries of earlier runs to reuse when a channel is unchanged (batch rendering only). */
  readonly cache?: EntryCache | undefined;
  /** Where ids are kept for the duplicate check (default: a FingerprintSet). */
  readonly idIndex?: DuplicateIdIndex | undefined;
  /** Told of each duplicate id or number instead of failing the run (the run option of that name). */
  readonly onDuplicate?: ((error: DuplicateError) => void) | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** No batch: what the renderers read before their first batch and after their run let go of its records. */
const NO_BATCH: ChannelBatch = Object.freeze({ channels: Object.freeze([]), start: 0, end: 0, firstIndex: 0 });

/** What a renderer called after {@link Renderers.release} does. */
function released(): never {
  throw new M3ugenError('E_STRATEGY', 'a renderer was called after its run ended: a strategy renders only during the run it was given');
}

/** What a plain entry (no per-channel plugin) is made of, kept by an EntryCache. */
interface PlainKey {
  readonly index: number;
  readonly number: number;
  readonly id: string;
  readonly name: string;
  readonly tvgId: unknown;
  readonly tvgName: unknown;
  readonly tvgLogo: unknown;
  readonly groupTitle: unknown;
  /** Values of the fields the URL scheme reads, when it says which. */
  readonly reads: readonly unknown[] | undefined;
  /** The URL, when the scheme does not say what it reads. */
  readonly url: string | undefined;
}

/** The id of a record that has a string id, else `undefined`. */
function recordId(nc: unknown): string | undefined {
  if (typeof nc !== 'object' || nc === null) return undefined;
  const channel: unknown = (nc as { channel?: unknown }).channel;
  if (typeof channel !== 'object' || channel === null) return undefined;
  const id: unknown = (channel as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

/** `urlOrReads`: the fields the URL reads, or else the URL. */
function plainKey(nc: NumberedChannel, index: number, urlOrReads: string | readonly string[]): PlainKey {
  const ch = nc.channel;
  const url = typeof urlOrReads === 'string' ? urlOrReads : undefined;
  const reads = typeof urlOrReads === 'string' || urlOrReads.length === 0 ? undefined : urlOrReads.map((field) => kept(ch[field]));
  return { index, number: nc.assignedNumber, id: ch.id, name: ch.channelName, tvgId: ch.tvgId, tvgName: ch.tvgName, tvgLogo: ch.tvgLogo, groupTitle: ch.groupTitle, reads, url };
}

/** The channel fields {@link samePlainFields} compares. */
const PLAIN_FIELDS: ReadonlySet<string> = new Set(['id', 'channelName', 'tvgId', 'tvgName', 'tvgLogo', 'groupTitle']);

function samePlainFields(key: PlainKey, nc: NumberedChannel): boolean {
  const ch = nc.channel;
  return (
    key.number === nc.assignedNumber &&
    key.id === ch.id &&
    key.name === ch.channelName &&
    key.tvgId === ch.tvgId &&
    key.tvgName === ch.tvgName &&
    key.tvgLogo === ch.tvgLogo &&
    key.groupTitle === ch.groupTitle
  );
}

function sameReads(values: readonly unknown[] | undefined, channel: Readonly<Record<string, unknown>>, fields: readonly string[]): boolean {
  if (values === undefined) return false;
  for (let i = 0; i < fields.length; i++) if (!sameAsKept(values[i], channel[fields[i]!])) return false;
  return true;
}

function sameObject(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>, skip?: string): boolean {
  let count = 0;
  for (const key in a) {
    if (key === skip) continue;
    if (!sameAsKept(a[key], b[key])) return false;
    count++;
  }
  for (const key in b) if (key !== skip) count--;
  return count === 0;
}

/**
 * An object or array field of a snapshot, kept as its JSON text: the caller
 * may change the object in place between runs, and the same reference would
 * then compare equal to its changed self. A value JSON cannot hold whole (a
 * cycle, a BigInt, a Map, a function) never matches, so its entry is
 * rendered again every run.
 */
class NestedValue {
  readonly #json: string | undefined;

  constructor(value: object) {
    this.#json = jsonOf(value);
  }

  matches(value: unknown): boolean {
    return this.#json !== undefined && typeof value === 'object' && value !== null && jsonOf(value) === this.#json;
  }
}

/** A field's value as a key keeps it: an object or array as its JSON, anything else as it is. */
function kept(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? new NestedValue(value) : value;
}

/** Whether a field's value now is the one {@link kept} kept. */
function sameAsKept(keptValue: unknown, value: unknown): boolean {
  return keptValue === value || (keptValue instanceof NestedValue && keptValue.matches(value));
}

function jsonOf(value: object): string | undefined {
  try {
    return JSON.stringify(value, plainOnly);
  } catch {
    return undefined;
  }
}

/**
 * JSON is the object's content only for plain data: a Map, a Set or a class
 * instance would all read `{}`, and a function would be left out. Such a
 * value throws here, so it never matches and its entry is rendered again.
 */
function plainOnly(_key: string, value: unknown): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') throw new TypeError('not plain data');
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) throw new TypeError('not plain data');
  }
  return value;
}

/** Same content: every field of the record and of its channel equal (`===`, or by JSON for objects), unknown fields included. */
function sameRecord(a: NumberedChannel, b: NumberedChannel): boolean {
  return a.assignedNumber === b.assignedNumber && sameObject(a.channel, b.channel) && sameObject(a, b, 'channel');
}

/**
 * A copy of a record and its channel: a key that a caller changing the
 * record in place cannot change, nested objects included (kept as JSON).
 */
function recordSnapshot(nc: NumberedChannel): NumberedChannel {
  return { ...snapshotFields(nc, 'channel'), channel: snapshotFields(nc.channel) } as NumberedChannel;
}

function snapshotFields<T extends object>(fields: T, skip?: string): T {
  const copy = { ...fields } as Record<string, unknown>;
  for (const key in copy) if (key !== skip) copy[key] = kept(copy[key]);
  return copy as T;
}

/**
 * Builds the renderer of one run. Decides once which hooks are tapped: with
 * none, each channel is one string concatenation and nothing else is
 * allocated; with taps, the general path runs them in order: channel →
 * dropChannel → entryAttributes → streamUrl → extinfLine.
 *
 * @example
 * ```ts
 * const render = createEntryRenderer({ hooks, run, warnings, buildUrl, counts: { rendered: 0, dropped: 0 } });
 * render({ assignedNumber: 1, channel: { id: 'a', channelName: 'A' } }, 0); // '#EXTINF:-1 tvg-id="" …,A\n…/a\n'
 * ```
 */
export function createEntryRenderer(context: RenderContext): EntryRenderer {
  return createRenderers(context).entry;
}

/**
 * The entry and batch renderers of one run. The batch renderer uses the
 * context's {@link EntryCache}, if any, to reuse unchanged entries.
 *
 * @example
 * ```ts
 * const { entry, batch } = createRenderers({ hooks, run, warnings, buildUrl, counts });
 * const text = entry(channels[0], 0); // one entry
 * const { text: all, bytes } = batch({ channels, start: 0, end: channels.length, firstIndex: 0 });
 * ```
 */
export function createRenderers(context: RenderContext): Renderers {
  const { hooks, counts, sourceName } = context;
  // What ties the functions below to their run: `release` replaces it, so functions kept after the run keep none of it.
  let { run, warnings, buildUrl, onDuplicate, cache } = context;
  const strict = run.options.strict;
  // With an EntryCache, ids are claimed in the cache, which knows the ids of the entries it will reuse.
  // Through the variable, not the cache itself: `release` keeps this one (the code compiled for it stays), holding nothing.
  const claimedInCache: DuplicateIdIndex | undefined = cache === undefined ? undefined : { add: (id, index) => cache === undefined || cache.claimId(id, index) };
  let ids: DuplicateIdIndex | undefined = !run.options.checkDuplicates ? undefined : (claimedInCache ?? context.idIndex ?? new FingerprintSet(run.knownChannelCount));
  let numbers = run.options.checkDuplicates ? new NumberSet(run.knownChannelCount) : undefined;
  /** The URL builder guarantees single safe lines: no check per URL. */
  const lineSafe = buildUrl.lineSafe === true;
  /** An entry's text depends on its position only through a per-channel tap that may read the index, or a URL scheme that does not say what it reads. */
  const indexShapesEntries = buildUrl.reads === undefined || tapsMayReadIndex(hooks);

  const missing = (index: number, field: string): string => {
    warnings.addForChannel('missing-field', field, index, () => `${field} is missing; written as ""`);
    return '';
  };
  /** The record's fault when an optional field holds an object, list, function or symbol (the reader's words for a file's record). */
  const notText = (value: unknown, nc: NumberedChannel, index: number, field: string): never =>
    fail(nc, index, `channel.${field}`, describeProblem('expected a string or null', value), sourceName);
  /** An optional field's text, `""` when it is missing (`undefined`, `null` or `""`). */
  const fieldText = (value: unknown, nc: NumberedChannel, index: number, field: string): string =>
    typeof value === 'string' ? value : (writtenText(value) ?? notText(value, nc, index, field));
  /** An optional field's text as is, or `""` with a missing-field warning. */
  const present = (value: unknown, nc: NumberedChannel, index: number, field: string): string =>
    isMissing(value) ? missing(index, field) : fieldText(value, nc, index, field);
  const attribute = (value: unknown, nc: NumberedChannel, index: number, field: string): string => sanitizeAttributeValue(present(value, nc, index, field));
  /** A channel whose id or number an earlier one had: the run's error, or, told to `onDuplicate`, rendered all the same. */
  const duplicated = (duplicate: Duplicated, nc: NumberedChannel, index: number): void => {
    const error = (): DuplicateError => new DuplicateError(duplicate, locate(nc, index, sourceName));
    if (onDuplicate === undefined) throw error();
    // Told, not thrown: a file whose ids all repeat tells a million of them.
    onDuplicate(withoutStackTrace(error));
  };
  const duplicateId = (nc: NumberedChannel, index: number): void => duplicated({ id: nc.channel.id }, nc, index);
  const duplicateNumber = (nc: NumberedChannel, index: number, n: number): void => duplicated({ number: n }, nc, index);
  /** A reused entry's warning, raised again for the index the entry has now. */
  const replayWarning = (w: CapturedWarning, index: number): void => {
    const reason = w.reason;
    if (reason === undefined) warnings.add(w.code, w.field, index, () => w.message, w.value, undefined, w);
    else warnings.addForChannel(w.code, w.field, index, () => reason, w.value);
  };
  /** The number the latest checkUnique claimed, kept by an EntryCache. */
  let claimedNumber = NO_NUMBER;
  /** Uniqueness of id and number across the run. */
  const checkUnique = (nc: NumberedChannel, index: number): void => {
    if (ids === undefined || numbers === undefined) return;
    const id = nc.channel.id;
    if (!ids.add(id, index)) duplicateId(nc, index);
    if (!numbers.add(nc.assignedNumber)) duplicateNumber(nc, index, nc.assignedNumber);
    claimedNumber = nc.assignedNumber;
  };
  /** Required fields, UUID-ness of the id, and uniqueness of id and number. */
  const check = (nc: NumberedChannel, index: number): void => {
    checkRequired(nc, index, sourceName);
    const id = nc.channel.id;
    if (!UUID.test(id)) {
      if (strict) fail(nc, index, 'channel.id', `expected a UUID (strict mode), got ${JSON.stringify(id)}`, sourceName);
      warnings.addForChannel('non-uuid-id', 'id', index, () => `id ${JSON.stringify(id)} is not a UUID`, id);
    }
    checkUnique(nc, index);
  };
  const name = (nc: NumberedChannel, index: number): string => {
    const clean = sanitizeName(nc.channel.channelName);
    if (clean !== '') return clean;
    warnings.addForChannel('blank-name', 'channel_name', index, () => `channel_name is blank; written as its tvg-name, its id or "Channel ${nc.assignedNumber}"`);
    return displayName(nc.channel, nc.assignedNumber);
  };
  /**
   * What a channel's rendering threw, said with the record: an error of a
   * record's getter names its field; ours and plugins' already say where.
   */
  const failure = (error: unknown, nc: unknown, index: number): unknown => {
    if (error instanceof PluginError) return placed(error, nc, index);
    return error instanceof M3ugenError ? error : (unreadableRecordError(error, nc, locate(nc, index, sourceName), 'camel', 'interchange') ?? error);
  };
  /** A plugin's failure on this channel with its record's place, when the input has places (a file): its line is what an operator looks up. */
  const placed = (error: PluginError, nc: unknown, index: number): PluginError => {
    if (error.location !== undefined || error.channelIndex !== index) return error;
    const { file, line, index: at } = locate(nc, index, sourceName);
    return file === undefined && line === undefined ? error : error.at({ file, line, index: at });
  };
  const urlSchemeFailure = (error: unknown, nc: unknown, index: number): unknown => {
    // A scheme knows the channel's index, not where its record stands in the input: the writer does.
    if (error instanceof InputError && error.location.file === undefined && error.location.line === undefined) {
      return new InputError(error.reason, locate(nc, index, sourceName, error.location.field), { cause: error });
    }
    if (error instanceof M3ugenError) return error;
    // A getter the scheme read is the record's fault, not the scheme's.
    const unreadable = unreadableRecordError(error, nc, locate(nc, index, sourceName), 'camel', 'interchange');
    if (unreadable !== undefined) return unreadable;
    const why = error instanceof Error ? error.message : String(error);
    return new M3ugenError('E_PLUGIN', `${formatLocation(locate(nc, index, sourceName))}URL scheme "${run.options.urlScheme}" failed: ${why}`, { cause: error });
  };
  const url = (nc: NumberedChannel, index: number): string => {
    let built: string;
    try {
      built = buildUrl(nc, index);
    } catch (error) {
      throw urlSchemeFailure(error, nc, index);
    }
    if (typeof built !== 'string') throw urlSchemeFailure(unusableResult(built, 'the URL text', 'a URL builder'), nc, index);
    const line = lineSafe ? built : sanitizeText(built);
    if (line === '') fail(nc, index, 'channel.id', 'the URL scheme built an empty stream URL', sourceName);
    return line;
  };

  const tapped = {
    channel: isTapped(hooks.channel),
    drop: isTapped(hooks.dropChannel),
    attributes: isTapped(hooks.entryAttributes),
    url: isTapped(hooks.streamUrl),
    extinf: isTapped(hooks.extinfLine),
  };

  /** The contract's default `#EXTINF` line, without newline. */
  const defaultLine = (nc: NumberedChannel, index: number): string => {
    const ch = nc.channel;
    return (
      LINE_START +
      attribute(ch.tvgId, nc, index, 'tvg_id') +
      BEFORE_TVG_NAME +
      attribute(ch.tvgName, nc, index, 'tvg_name') +
      BEFORE_TVG_LOGO +
      attribute(ch.tvgLogo, nc, index, 'tvg_logo') +
      BEFORE_TVG_CHNO +
      nc.assignedNumber +
      BEFORE_GROUP_TITLE +
      attribute(ch.groupTitle, nc, index, 'group_title') +
      BEFORE_NAME +
      name(nc, index)
    );
  };

  const plain = !tapped.channel && !tapped.drop && !tapped.attributes && !tapped.url && !tapped.extinf;
  const render = plain ? renderPlain : renderWithHooks;
  /** The batch being rendered (or the latest): the cached renderer's entries are found in it, and a warning's record, for its line. */
  let rendering: ChannelBatch = NO_BATCH;
  /** The entry {@link renderEntry} renders, likewise. */
  let entryRecord: unknown;
  let entryIndex = -1;
  warnings.locateRecords((index) => {
    if (index === entryIndex) return entryRecord;
    const at = rendering.start + index - rendering.firstIndex;
    return at >= rendering.start && at < rendering.end ? rendering.channels[at] : undefined;
  });
  const release = (): void => {
    const { runId, options, knownChannelCount } = run;
    warnings = new WarningLog();
    run = Object.freeze({ runId, options, knownChannelCount, warn: released, warningsSoFar: released });
    buildUrl = released;
    onDuplicate = undefined;
    cache = undefined;
    if (ids !== claimedInCache) ids = undefined;
    numbers = undefined;
    rendering = NO_BATCH;
    entryRecord = undefined;
  };
  return { entry: renderEntry, batch: cache === undefined ? renderBatch : cachedBatchRenderer(cache), indexShapesEntries, release };

  function renderEntry(nc: NumberedChannel, index: number): string {
    entryRecord = nc;
    entryIndex = index;
    try {
      return render(nc, index);
    } catch (error) {
      throw failure(error, nc, index);
    }
  }

  /** Concatenates the batch's entries into one flat string. */
  function renderBatch(batch: ChannelBatch): BatchText {
    rendering = batch;
    const { channels, start, end } = batch;
    const offset = batch.firstIndex - start;
    let text = '';
    let i = start;
    try {
      for (; i < end; i++) text += render(channels[i]!, offset + i);
    } catch (error) {
      throw failure(error, channels[i], offset + i);
    }
    // Reading the rope's bytes also makes V8 flatten it while its pieces are young.
    return { text, bytes: Buffer.byteLength(text, 'utf8') };
  }

  /** `held`: the run's cache, read here only as the renderer is made; the renderer reads `cache`, which `release` clears. */
  function cachedBatchRenderer(held: EntryCache): BatchRenderer {
    // What an entry is keyed by. With no per-channel plugin: the values it is made of (a few
    // `===` per record), plus the URL's fields those do not cover, or the URL itself where the
    // scheme does not say what it reads; or, for a cache that prefers memory, where the scheme
    // says what its URL reads, the id, the record then compared with the entry's text, which
    // shows every other value it was made of (extinfWrittenAs), so the cache holds no second
    // copy of them (a blank name's entry shows a stand-in for the name, and keeps its values).
    // A URL built from the id alone (the proxy scheme's) needs no second look; any other is
    // built again and compared with the entry's URL line. With per-channel plugins: a shallow
    // copy of the whole record.
    const urlReads = buildUrl.reads?.filter((field) => !PLAIN_FIELDS.has(field));
    const byText = plain && held.prefer === 'memory' && buildUrl.reads !== undefined;
    const urlFromIdAlone = buildUrl.reads?.every((field) => field === 'id') === true;
    /**
     * A URL built again only to compare it with the one an entry was written with: its warnings
     * were said when the entry was written (and are replayed if it is reused), and a failure
     * means "changed", for writing the entry again to raise, after what comes before it. The
     * builder's URL as it is: one that writing would change (sanitizeText) cannot equal the
     * safe line written for it, so it is taken as changed and written again, which costs time,
     * never bytes.
     */
    const builtAgain = (nc: NumberedChannel, index: number): string | undefined => {
      warnings.mute();
      try {
        const built: unknown = buildUrl(nc, index);
        return typeof built === 'string' ? built : undefined;
      } catch {
        return undefined;
      } finally {
        warnings.unmute();
      }
    };
    // A plain entry is its #EXTINF line and its URL line: the key takes the URL written, not built again.
    const urlLineOf = (text: string): string => text.slice(text.indexOf('\n') + 1, -1);
    const keyOf = plain
      ? (nc: NumberedChannel, index: number, captured: readonly CapturedWarning[] | undefined, text: string): unknown =>
          byText && captured?.some((w) => w.code === 'blank-name') !== true ? nc.channel.id : plainKey(nc, index, urlReads ?? urlLineOf(text))
      : recordSnapshot;
    const samePlain = urlReads === undefined || urlReads.length === 0 ? samePlainFields : (key: PlainKey, nc: NumberedChannel) => samePlainFields(key, nc) && sameReads(key.reads, nc.channel, urlReads);
    const same: (key: never, nc: NumberedChannel, index: number, text: string, start: number, end: number) => boolean = !plain
      ? (key: NumberedChannel, nc: NumberedChannel) => sameRecord(key, nc)
      : urlReads === undefined
        ? (key: PlainKey, nc: NumberedChannel) => samePlainFields(key, nc) && key.url === builtAgain(nc, key.index)
        : !byText
          ? samePlain
          : (key: PlainKey | string, nc: NumberedChannel, index: number, text: string, start: number, end: number) => {
              if (typeof key !== 'string') return samePlain(key, nc);
              const lineEnd = extinfWrittenAs(key, nc, text, start, end);
              return lineEnd >= 0 && (urlFromIdAlone || urlLineIs(builtAgain(nc, index), text, lineEnd, end));
            };
    const entries: BatchEntries = {
      unchanged(j, key, text, start, end) {
        const nc = rendering.channels[rendering.start + j];
        const index = rendering.firstIndex + j;
        try {
          return typeof nc === 'object' && nc !== null && typeof nc.channel === 'object' && nc.channel !== null && same(key as never, nc, index, text, start, end);
        } catch (error) {
          throw failure(error, nc, index);
        }
      },
      reused(j, dropped, number, duplicate, replay) {
        const index = rendering.firstIndex + j;
        counts.rendered++;
        if (dropped) counts.dropped++;
        else if (numbers !== undefined) {
          const nc = rendering.channels[rendering.start + j]!;
          if (duplicate) duplicateId(nc, index);
          if (!numbers.add(number)) duplicateNumber(nc, index, number);
        }
        if (replay !== undefined) for (const w of replay) replayWarning(w, index);
      },
      idOf: !indexShapesEntries ? (j) => recordId(rendering.channels[rendering.start + j]) : undefined,
      render(j) {
        const nc = rendering.channels[rendering.start + j]!;
        const index = rendering.firstIndex + j;
        let text: string;
        claimedNumber = NO_NUMBER;
        warnings.startCapture();
        try {
          text = render(nc, index);
        } catch (error) {
          throw failure(error, nc, index);
        } finally {
          captured = warnings.stopCapture();
        }
        return { key: keyOf(nc, index, captured, text), text, warnings: captured, number: claimedNumber };
      },
    };
    let captured: ReturnType<typeof warnings.stopCapture>;
    return (next) => {
      if (cache === undefined) return released();
      rendering = next;
      return cache.renderBatch(next.firstIndex, next.end - next.start, entries);
    };
  }

  /** The hot path: no hook to consult, one string expression per channel. */
  function renderPlain(nc: NumberedChannel, index: number): string {
    counts.rendered++;
    check(nc, index);
    return defaultLine(nc, index) + '\n' + url(nc, index) + '\n';
  }

  /**
   * Whether a dropChannel tap drops the channel. Drop taps see a record
   * before it is checked (a dropped record is not the playlist's), so a tap
   * that fails on a record missing what every record has (`channel`, its id
   * or name) failed on the input's fault: that is the error.
   */
  function dropped(nc: NumberedChannel, index: number): boolean {
    try {
      return hooks.dropChannel.call(nc, index, run) === true;
    } catch (error) {
      checkRequired(nc, index, sourceName);
      throw error;
    }
  }

  function renderWithHooks(input: NumberedChannel, index: number): string {
    counts.rendered++;
    // The input is checked before the channel taps see it: its faults are the input's, theirs are theirs (hooks.ts).
    if (tapped.channel) checkRequired(input, index, sourceName);
    const nc = tapped.channel ? hooks.channel.call(input, index, run) : input;
    if (tapped.drop && dropped(nc, index)) {
      counts.dropped++;
      return '';
    }
    check(nc, index);
    const ch = nc.channel;
    let line: string;
    if (tapped.attributes) {
      // Raw: formatAttributes sanitises every value once, after the plugins.
      const tvgId = fieldText(ch.tvgId, nc, index, 'tvg_id');
      const tvgName = fieldText(ch.tvgName, nc, index, 'tvg_name');
      const tvgLogo = fieldText(ch.tvgLogo, nc, index, 'tvg_logo');
      const groupTitle = fieldText(ch.groupTitle, nc, index, 'group_title');
      // The contract's order; literals, since this runs once per channel.
      const defaults: ExtinfAttribute[] = [
        { name: 'tvg-id', value: tvgId },
        { name: 'tvg-name', value: tvgName },
        { name: 'tvg-logo', value: tvgLogo },
        { name: 'tvg-chno', value: String(nc.assignedNumber) },
        { name: 'group-title', value: groupTitle },
      ];
      const attributes = hooks.entryAttributes.call(defaults, nc, index, run);
      // A lacking field is warned about when it is written as "", not when a plugin gave it a value or left it out.
      if (tvgId === '' || tvgName === '' || tvgLogo === '' || groupTitle === '') {
        const writtenEmpty = (value: string, attribute: string): boolean => value === '' && attributes.some((a) => a.name === attribute && a.value === '');
        if (writtenEmpty(tvgId, 'tvg-id')) missing(index, 'tvg_id');
        if (writtenEmpty(tvgName, 'tvg-name')) missing(index, 'tvg_name');
        if (writtenEmpty(tvgLogo, 'tvg-logo')) missing(index, 'tvg_logo');
        if (writtenEmpty(groupTitle, 'group-title')) missing(index, 'group_title');
      }
      line = `#EXTINF:-1${formatAttributes(attributes)},${name(nc, index)}`;
    } else {
      line = defaultLine(nc, index);
    }
    let streamUrl = url(nc, index);
    if (tapped.url) {
      // Never empty: the guard refuses a tap's empty URL, naming the plugin (hooks.ts).
      streamUrl = sanitizeText(hooks.streamUrl.call(streamUrl, nc, index, run));
    }
    if (tapped.extinf) line = hooks.extinfLine.call(line, nc, index, run);
    return `${line}\n${streamUrl}\n`;
  }
}

/**
 * The header with its newline: `#EXTM3U`, any `headerAttributes`, then the `header` hook.
 *
 * @example
 * ```ts
 * renderHeader(generator.hooks, run); // '#EXTM3U\n' when no plugin adds to it
 * ```
 */
export function renderHeader(hooks: GenerationHooks, run: RunInfo): string {
  let header = '#EXTM3U';
  if (isTapped(hooks.headerAttributes)) header += formatAttributes(hooks.headerAttributes.call([], run));
  if (isTapped(hooks.header)) header = hooks.header.call(header, run);
  return `${header}\n`;
}
