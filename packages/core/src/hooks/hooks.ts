import { AsyncSeriesHook, SyncBailHook, SyncHook, SyncWaterfallHook } from 'tapable';
import { modelFieldName, type NumberedChannel } from '../channel/model.js';
import { checkRequired } from '../channel/required.js';
import { describeValue, InputError, PluginError } from '../errors.js';
import { closestName } from '../run/options.js';
import { attributeProblem, type ExtinfAttribute } from '../render/attributes.js';
import type { RunInfo } from '../run/run-info.js';
import type { RunMetrics } from '../run/metrics.js';
import type { GenerationWarning } from '../run/warnings.js';
import type { ProgressInfo, StrategyChoice, StrategySelectionRequest, StrategySwitch } from '../strategy/strategy.js';

/**
 * What a tap of a per-channel hook (`channel`, `dropChannel`,
 * `entryAttributes`, `streamUrl`, `extinfLine`) may say besides its name.
 *
 * @example
 * ```ts
 * // The attribute depends on the record alone, not on where the channel is in the input.
 * generator.hooks.entryAttributes.tap({ name: 'catchup', readsIndex: false }, (attributes) => [...attributes, { name: 'catchup', value: 'default' }]);
 * ```
 */
export interface ChannelTapOptions {
  /**
   * `false` when the tap's result does not depend on the channel's index
   * (only on the record and the run). An `EntryCache` may then reuse an entry
   * for a channel that moved (a channel inserted or removed before it),
   * where any tap that may read the index keeps entries to their position.
   * Warnings the tap raises are replayed with the entry, so they should not
   * name the index either. Default: the tap may read it.
   */
  readonly readsIndex?: boolean | undefined;
}

/**
 * The moments of a generation run a plugin can tap, in the order they fire.
 * Per-channel hooks get the channel, its zero-based input index and the run.
 * Hooks nobody tapped cost nothing: the default writer checks for taps once
 * per run and skips untapped hooks entirely. Hooks whose result is used are
 * synchronous (an async tap there fails the run); an async tap of a
 * notification hook (`warning`, `progress`, …) is waited for before the run
 * publishes, and its rejection fails the run.
 *
 * @example
 * ```ts
 * generator.hooks.entryAttributes.tap('catchup', (attributes, nc) => {
 *   attributes.push({ name: 'catchup', value: 'default' });
 *   return attributes;
 * });
 * ```
 */
export interface GenerationHooks {
  /** Before anything is read or written. Async: a plugin may load data here. */
  readonly beforeRun: AsyncSeriesHook<[run: RunInfo]>;
  /** Strategy selection: return a registered strategy's name to override the automatic choice. */
  readonly selectStrategy: SyncBailHook<[request: StrategySelectionRequest], string | undefined>;
  /** After the first strategy is fixed. */
  readonly strategyChosen: SyncHook<[choice: StrategyChoice, run: RunInfo]>;
  /** The `#EXTM3U` line's attributes (e.g. `x-tvg-url`); empty by default. */
  readonly headerAttributes: SyncWaterfallHook<[attributes: ExtinfAttribute[], run: RunInfo]>;
  /** The finished header text, without its trailing newline (default `#EXTM3U`). May hold several lines. */
  readonly header: SyncWaterfallHook<[header: string, run: RunInfo]>;
  /** Each channel as read: return it, or a changed copy. */
  readonly channel: SyncWaterfallHook<[channel: NumberedChannel, index: number, run: RunInfo], NumberedChannel, ChannelTapOptions>;
  /** Return `true` to leave the channel out of the playlist. Per-channel hooks take {@link ChannelTapOptions}. */
  readonly dropChannel: SyncBailHook<[channel: NumberedChannel, index: number, run: RunInfo], boolean | undefined, ChannelTapOptions>;
  /** An entry's attribute list, defaults first (tvg-id, tvg-name, tvg-logo, tvg-chno, group-title). Values are sanitised after the hook. */
  readonly entryAttributes: SyncWaterfallHook<[attributes: ExtinfAttribute[], channel: NumberedChannel, index: number, run: RunInfo], ExtinfAttribute[], ChannelTapOptions>;
  /** An entry's stream URL, as built by the URL scheme. Control characters are replaced after the hook. */
  readonly streamUrl: SyncWaterfallHook<[url: string, channel: NumberedChannel, index: number, run: RunInfo], string, ChannelTapOptions>;
  /** The finished `#EXTINF:` line, without newline. Trusted: a plugin may deliberately add lines here (`#EXTGRP:`). */
  readonly extinfLine: SyncWaterfallHook<[line: string, channel: NumberedChannel, index: number, run: RunInfo], string, ChannelTapOptions>;
  /** After each batch of channels. */
  readonly progress: SyncHook<[progress: ProgressInfo, run: RunInfo]>;
  /** Each warning (missing field, non-UUID id, missing proxy id, …). */
  readonly warning: SyncHook<[warning: GenerationWarning, run: RunInfo]>;
  /** A strategy handed the rest of the run to another one. */
  readonly strategySwitched: SyncHook<[change: StrategySwitch, run: RunInfo]>;
  /** After the playlist is complete and the output closed. */
  readonly afterRun: AsyncSeriesHook<[metrics: RunMetrics, run: RunInfo]>;
  /** The run failed; nothing more will be written. */
  readonly runFailed: SyncHook<[error: Error, run: RunInfo]>;
}

/** Hook names in firing order. */
export type HookName = keyof GenerationHooks;

/**
 * Argument names of every hook; the position of `index` lets a plugin error
 * name the channel it failed on.
 */
const HOOK_ARGUMENTS = {
  beforeRun: ['run'],
  selectStrategy: ['request'],
  strategyChosen: ['choice', 'run'],
  headerAttributes: ['attributes', 'run'],
  header: ['header', 'run'],
  channel: ['channel', 'index', 'run'],
  dropChannel: ['channel', 'index', 'run'],
  entryAttributes: ['attributes', 'channel', 'index', 'run'],
  streamUrl: ['url', 'channel', 'index', 'run'],
  extinfLine: ['line', 'channel', 'index', 'run'],
  progress: ['progress', 'run'],
  warning: ['warning', 'run'],
  strategySwitched: ['change', 'run'],
  afterRun: ['metrics', 'run'],
  runFailed: ['error', 'run'],
} as const satisfies Record<HookName, readonly string[]>;

/** Each hook's argument names, for documentation and tooling. */
export const HOOK_SIGNATURES: Readonly<Record<HookName, readonly string[]>> = Object.freeze(HOOK_ARGUMENTS);

type AnyFn = (...args: unknown[]) => unknown;

function toPluginError(error: unknown, plugin: string, hook: string, args: readonly unknown[], indexAt: number): PluginError {
  if (error instanceof PluginError) return error;
  const index = indexAt >= 0 && typeof args[indexAt] === 'number' ? (args[indexAt] as number) : undefined;
  return new PluginError(plugin, hook, index, error);
}

/**
 * What a tap of each hook whose result is used may return besides `undefined`
 * (a waterfall passes the value on; a bail goes on), as a check that returns
 * the value or throws why it cannot be used. Plain functions: they run once
 * per channel per tap.
 */
const RESULT_CHECKS: Partial<Record<HookName, (value: unknown) => unknown>> = {
  selectStrategy: (v) => (v === undefined || typeof v === 'string' ? v : unusable(v, 'a strategy name', 'selectStrategy')),
  headerAttributes: (v) => (v === undefined ? v : Array.isArray(v) ? checkAttributeList(v) : unusable(v, 'the attribute list', 'headerAttributes')),
  header: (v) => (v === undefined || (typeof v === 'string' && startsExtm3u(v)) ? v : typeof v === 'string' ? notExtm3u(v) : unusable(v, 'the header text', 'header')),
  channel: (v) => (v === undefined ? v : usableRecord(v)),
  dropChannel: (v) => (v === undefined || typeof v === 'boolean' ? v : unusable(v, 'true or false', 'dropChannel')),
  entryAttributes: (v) => (v === undefined ? v : Array.isArray(v) ? checkAttributeList(v) : unusable(v, 'the attribute list', 'entryAttributes')),
  // Not even empty: an entry without its URL line would leave the player its next #EXTINF line as a URL.
  streamUrl: (v) => (v === undefined || (typeof v === 'string' && v !== '') ? v : unusable(v, 'the URL text', 'streamUrl')),
  // Whether the text keeps its #EXTINF: line is not checked here: reading a template's output (a rope)
  // makes V8 flatten it, an extra copy per channel (docs/plugins.md).
  extinfLine: (v) => (v === undefined || typeof v === 'string' ? v : unusable(v, 'the line text', 'extinfLine')),
};

/**
 * An attribute list a tap returned, each item checked, so the plugin that
 * broke it is the one named: an item without a name was written as
 * `undefined="…"`, an object value as `"[object Object]"`.
 */
function checkAttributeList(list: readonly unknown[]): readonly unknown[] {
  for (let i = 0; i < list.length; i++) {
    const problem = attributeProblem(list[i]);
    if (problem !== undefined) throw new TypeError(`returned an attribute list whose item ${i} ${problem}`);
  }
  return list;
}

/** `#EXTM3U` as the whole first line, or followed by its attributes. */
function startsExtm3u(header: string): boolean {
  if (!header.startsWith('#EXTM3U')) return false;
  const next = header.charCodeAt(7);
  return Number.isNaN(next) || next === 0x20 || next === 0x0a;
}

function notExtm3u(header: string): never {
  const first = header.split('\n', 1)[0]!;
  throw new TypeError(
    `returned a header whose first line is ${JSON.stringify(first.length > 40 ? `${first.slice(0, 40)}…` : first)}, not "#EXTM3U": an extended M3U playlist starts with that line, and strict readers refuse one that does not (add lines after it)`,
  );
}

/**
 * A `channel` tap's record, checked as the input's records are: what the tap
 * made wrong is the plugin's failure, not the input's (before, a record the
 * tap broke was reported as `record 0: field "channel.id": …`).
 */
function usableRecord(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || isThenable(value)) return unusable(value, 'the channel record', 'channel');
  try {
    checkRequired(value as NumberedChannel, 0, undefined);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // Named as the plugin sees them (camelCase), not as the input spells them.
    const field = error.location.field
      ?.split('.')
      .map((part) => modelFieldName(part) ?? part)
      .join('.');
    const what = field === '(record)' ? 'a record' : `a record whose field "${field}" is wrong`;
    throw new TypeError(`returned ${what}: ${error.reason}`);
  }
  return value;
}

function unusable(value: unknown, expected: string, hookName: HookName): never {
  throw unusableResult(value, expected, `"${hookName}"`);
}

/** Whether `value` is a Promise (or another thenable): what an async function returns. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** A Promise a hook cannot use: its rejection belongs to the failure already reported, not to the process. */
export function ignoreRejection(value: unknown): void {
  if (isThenable(value)) value.then(undefined, () => undefined);
}

/**
 * Why a plugin's result cannot be used: `returned number 5, not the URL
 * text`. A Promise is the common case, from an async function where a sync
 * one is called: written out, it would be "[object Promise]", or not drop
 * what it meant to. `what` names the synchronous thing (`"streamUrl"`).
 * The Promise is marked handled: if it rejects, that belongs to the failure
 * this reports, and must not end the process as an unhandled rejection.
 *
 * @example
 * ```ts
 * unusableResult(Promise.resolve('x'), 'the URL text', '"streamUrl"').message;
 * // 'returned a Promise, not the URL text: "streamUrl" is synchronous (load what it needs in a beforeRun tap, which is async)'
 * ```
 */
export function unusableResult(value: unknown, expected: string, what: string): TypeError {
  if (isThenable(value)) {
    ignoreRejection(value);
    return new TypeError(`returned a Promise, not ${expected}: ${what} is synchronous (load what it needs in a beforeRun tap, which is async)`);
  }
  return new TypeError(`returned ${describeValue(value)}, not ${expected}`);
}

/** Hooks that are awaited: a tap added with `tap()` whose function is async is awaited too. */
const ASYNC_HOOKS: ReadonlySet<HookName> = new Set(['beforeRun', 'afterRun']);

/**
 * Async taps of the notification hooks (`warning`, `progress`, …) still
 * running, per run. The run waits for them before it publishes and fails with
 * the first one's rejection; without this, a rejection was unhandled and ended
 * the process after the run had reported success.
 */
class PendingTaps {
  #count = 0;
  #failure: PluginError | undefined;
  #idle: (() => void) | undefined;

  add(promise: PromiseLike<unknown>, fail: (error: unknown) => PluginError): void {
    this.#count += 1;
    promise.then(
      () => this.#done(),
      (error: unknown) => {
        this.#failure ??= fail(error);
        this.#done();
      },
    );
  }

  #done(): void {
    this.#count -= 1;
    if (this.#count === 0) this.#idle?.();
  }

  async settle(): Promise<void> {
    if (this.#count > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    if (this.#failure !== undefined) throw this.#failure;
  }
}

const pendingTaps = new WeakMap<RunInfo, PendingTaps>();

/**
 * Waits for the async taps of the run's notification hooks (`strategyChosen`,
 * `progress`, `warning`, `strategySwitched`) and throws the first one's
 * failure as a {@link PluginError}. The generator calls it before it
 * publishes; a strategy has no need to.
 *
 * @example
 * ```ts
 * await settleNotificationTaps(run); // throws: plugin "webhook" failed in hook "warning": fetch failed
 * ```
 */
export async function settleNotificationTaps(run: RunInfo): Promise<void> {
  await pendingTaps.get(run)?.settle();
}

/**
 * Wraps every tap so anything it throws names the plugin (tap name), the hook
 * and the channel, and so does a result the hook cannot use. An async function
 * given to `tap()` is awaited where the hook is async (`beforeRun`,
 * `afterRun`), waited for before publishing where its result is not used, and
 * refused where it is (a Promise is no URL).
 */
function guardTaps(hook: { intercept(interceptor: object): void }, hookName: HookName): void {
  const argumentNames = HOOK_ARGUMENTS[hookName] as readonly string[];
  const indexAt = argumentNames.indexOf('index');
  const runAt = argumentNames.indexOf('run');
  hook.intercept({
    register(tap: { name: string; type: 'sync' | 'async' | 'promise'; fn: AnyFn }) {
      const original = tap.fn;
      // Refused when tapped, in the plugin's apply, not at the first channel as "original is not a function".
      if (typeof original !== 'function') throw new TypeError(`tap "${tap.name}" of hook "${hookName}": expected a function, got ${describeValue(original)}`);
      const plugin = tap.name;
      let fn: AnyFn;
      let type = tap.type;
      const check = RESULT_CHECKS[hookName];
      if (tap.type === 'sync' && check !== undefined) {
        // Fixed arity (no hook has more than four arguments): per-channel taps run a million
        // times a run, and a rest parameter would allocate an array each time. What the check
        // throws is the plugin's failure too, and names it.
        fn = (a, b, c, d) => {
          try {
            return check(original(a, b, c, d));
          } catch (error) {
            throw toPluginError(error, plugin, hookName, [a, b, c, d], indexAt);
          }
        };
      } else if (tap.type === 'sync' && !ASYNC_HOOKS.has(hookName)) {
        fn = (a, b, c, d) => {
          let result: unknown;
          try {
            result = original(a, b, c, d);
          } catch (error) {
            throw toPluginError(error, plugin, hookName, [a, b, c, d], indexAt);
          }
          if (isThenable(result)) {
            const run = [a, b, c, d][runAt] as RunInfo;
            // After a failure (runFailed) nothing waits: the run's own error is the one reported.
            if (hookName === 'runFailed') ignoreRejection(result);
            else {
              let pending = pendingTaps.get(run);
              if (pending === undefined) pendingTaps.set(run, (pending = new PendingTaps()));
              pending.add(result, (error) => toPluginError(error, plugin, hookName, [a, b, c, d], indexAt));
            }
          }
          return result;
        };
      } else if (tap.type === 'promise' || tap.type === 'sync') {
        type = 'promise';
        fn = async (...args) => {
          try {
            return await original(...args);
          } catch (error) {
            throw toPluginError(error, plugin, hookName, args, indexAt);
          }
        };
      } else {
        fn = (...args) => {
          const callback = args[args.length - 1] as (error?: unknown, result?: unknown) => void;
          const rest = args.slice(0, -1);
          try {
            original(...rest, (error?: unknown, result?: unknown) =>
              error ? callback(toPluginError(error, plugin, hookName, rest, indexAt)) : callback(null, result),
            );
          } catch (error) {
            callback(toPluginError(error, plugin, hookName, rest, indexAt));
          }
        };
      }
      return { ...tap, type, fn };
    },
  });
}

/**
 * Creates the frozen hook set of one generator. Every tap is guarded so that
 * an exception becomes a {@link PluginError} naming plugin, hook and channel.
 *
 * @example
 * ```ts
 * const hooks = createGenerationHooks();
 * hooks.streamUrl.tap('token', (url) => `${url}?token=abc`);
 * ```
 */
export function createGenerationHooks(): GenerationHooks {
  const record = { missing: undefined as string | undefined };
  // Found only when a name is not a hook: own hooks never reach the prototype, so taps and calls pay nothing for it.
  const notes = new Proxy(
    {},
    {
      get(target, key, receiver) {
        if (typeof key === 'string' && !(key in target)) record.missing = key;
        return Reflect.get(target, key, receiver) as unknown;
      },
    },
  );
  const own: GenerationHooks = {
    beforeRun: new AsyncSeriesHook(['run']),
    selectStrategy: new SyncBailHook(['request']),
    strategyChosen: new SyncHook(['choice', 'run']),
    headerAttributes: new SyncWaterfallHook(['attributes', 'run']),
    header: new SyncWaterfallHook(['header', 'run']),
    channel: new SyncWaterfallHook(['channel', 'index', 'run']),
    dropChannel: new SyncBailHook(['channel', 'index', 'run']),
    entryAttributes: new SyncWaterfallHook(['attributes', 'channel', 'index', 'run']),
    streamUrl: new SyncWaterfallHook(['url', 'channel', 'index', 'run']),
    extinfLine: new SyncWaterfallHook(['line', 'channel', 'index', 'run']),
    progress: new SyncHook(['progress', 'run']),
    warning: new SyncHook(['warning', 'run']),
    strategySwitched: new SyncHook(['change', 'run']),
    afterRun: new AsyncSeriesHook(['metrics', 'run']),
    runFailed: new SyncHook(['error', 'run']),
  };
  const hooks = Object.assign(Object.create(notes) as GenerationHooks, own);
  for (const name of Object.keys(hooks) as HookName[]) guardTaps(hooks[name], name);
  missingHookReads.set(hooks, record);
  return Object.freeze(hooks);
}

/** tapable's words for a tap called wrong, and the mend (tapable names neither the call nor the hook). */
const TAP_SLIPS: readonly (readonly [RegExp, string])[] = [
  [/^(Invalid tap options|Missing name for tap)$/, "tap(name, fn) takes the tap's name first (the plugin's name, or { name, stage, before }), then the function"],
  [/^(tapAsync|tapPromise) is not supported on a SyncHook$/, 'the hook is synchronous: tap it with tap(name, fn), whose async function is waited for before the playlist is published'],
  [/^(tapAsync|tapPromise) is not supported on a Sync(Waterfall|Bail)Hook$/, 'the hook is synchronous and uses what its taps return: tap it with tap(name, fn), returning the value itself, not a Promise'],
];

/** The latest name read from each hook set that is not a hook (`hooks.extinf`), for {@link explainMissingHook}. */
const missingHookReads = new WeakMap<GenerationHooks, { missing: string | undefined }>();

/** Forgets what {@link explainMissingHook} would name: call before a plugin's `apply`. */
export function forgetMissingHook(hooks: GenerationHooks): void {
  const record = missingHookReads.get(hooks);
  if (record !== undefined) record.missing = undefined;
}

/**
 * What a plugin's `apply` threw, or, when it was a `TypeError` after reading
 * a hook the set does not have (`hooks.extinf.tap(…)`: "Cannot read
 * properties of undefined"), an error that names that hook and the one meant,
 * with the original as its `cause`; likewise tapable's words for a tap
 * called wrong (`Invalid tap options`), with the mend.
 */
export function explainMissingHook(hooks: GenerationHooks, error: unknown): unknown {
  const slip = error instanceof Error ? TAP_SLIPS.find(([words]) => words.test(error.message)) : undefined;
  if (slip !== undefined) return new TypeError(`${(error as Error).message}: ${slip[1]}`, { cause: error });
  const name = missingHookReads.get(hooks)?.missing;
  // Only an error about an undefined value: a plugin's own TypeError after it probed the set (inspect, then) is its own.
  if (name === undefined || !(error instanceof TypeError) || !/\bundefined\b/.test(error.message)) return error;
  const names = Object.keys(HOOK_ARGUMENTS);
  const meant = closestName(name, names);
  const hint = meant === undefined ? `the hooks are ${names.join(', ')}` : `did you mean "${meant}"?`;
  return new TypeError(`generator.hooks has no hook "${name}" (${hint}): ${error.message}`, { cause: error });
}

/**
 * True when a plugin tapped the hook. (tapable's own `isUsed()` also counts
 * interceptors, and every hook here has the guard interceptor.)
 *
 * @example
 * ```ts
 * isTapped(generator.hooks.extinfLine); // false until a plugin taps it
 * ```
 */
export function isTapped(hook: { readonly taps: readonly unknown[] }): boolean {
  return hook.taps.length > 0;
}

/**
 * The hooks that fire once per channel, in the order they fire: the ones
 * whose taps take {@link ChannelTapOptions}, and whose taps shape an entry.
 *
 * @example
 * ```ts
 * perChannelHooks(generator.hooks).some(isTapped); // whether any plugin shapes entries
 * ```
 */
export function perChannelHooks(hooks: GenerationHooks) {
  return [hooks.channel, hooks.dropChannel, hooks.entryAttributes, hooks.streamUrl, hooks.extinfLine] as const;
}

/**
 * Whether a tap of a per-channel hook may read the channel's index: one
 * that did not say `readsIndex: false` ({@link ChannelTapOptions}). Where
 * none may, a channel's entry does not depend on its place (unless the URL
 * scheme's builder does not say what it reads: `StrategyRun.indexShapesEntries`
 * tells both).
 *
 * @example
 * ```ts
 * tapsMayReadIndex(createGenerator().hooks); // false: the default preset's taps do not read it
 * ```
 */
export function tapsMayReadIndex(hooks: GenerationHooks): boolean {
  return perChannelHooks(hooks).some((hook) => hook.taps.some((tap) => (tap as ChannelTapOptions).readsIndex !== false));
}
