import { counted, RegistryError } from '../errors.js';
import type { PressureLevel } from '../memory/pressure.js';
import type { M3uStrategy, MidRunSwitch, StrategyChoice } from './strategy.js';

/** What automatic selection looks at. */
export interface SelectionFacts {
  readonly strategies: readonly M3uStrategy[];
  readonly pressure: PressureLevel;
  /** Channels in the input, if known before the run (arrays, JSON files). */
  readonly knownChannelCount: number | undefined;
  /** About how many channels, where none are known (the run option `estimatedChannelCount`, else the source's `estimatedCount`): sizes the choice as a known count would. */
  readonly estimatedChannelCount?: number | undefined;
  /** Above this many channels only bounded-memory strategies are chosen (seed: in-memory up to ~50,000). */
  readonly largeInputThreshold: number;
  /** Memory left under `max_memory_mb`; strategies whose estimate exceeds it are skipped. */
  readonly headroomBytes: number;
  /**
   * The caller takes the playlist chunk by chunk as it is made (`stream()`):
   * strategies that write as they go (`boundedMemory`) come first, since one
   * that renders everything before writing would hand over a single chunk at
   * the end.
   */
  readonly chunksWanted?: boolean | undefined;
}

function byPreference(a: M3uStrategy, b: M3uStrategy): number {
  return b.contract.preference - a.contract.preference;
}

function fitsSize(strategy: M3uStrategy, count: number | undefined, facts: SelectionFacts): boolean {
  if (strategy.contract.boundedMemory || count === undefined) return true;
  return count <= facts.largeInputThreshold && strategy.contract.estimateMemoryBytes(count) <= facts.headroomBytes;
}

/**
 * Automatic selection, generalised from the seed over the registry: among
 * `automatic` strategies selectable at the current pressure that fit the
 * input size, the one with the highest preference. With the built-ins this is the
 * seed's rule: optimal/moderate → in-memory, high and above → streaming,
 * large input → streaming. When the caller takes chunks as they are made
 * (`chunksWanted`, from `stream()`), bounded-memory strategies come first.
 *
 * @throws {RegistryError} when no registered strategy qualifies.
 * @example
 * ```ts
 * selectAutomatically({ strategies, pressure: 'high', knownChannelCount: 10, largeInputThreshold: 50_000, headroomBytes: 4e8 });
 * // { strategy: 'streaming', reason: 'pressure high: …', pressure: 'high' }
 * ```
 */
export function selectAutomatically(facts: SelectionFacts): StrategyChoice {
  const count = facts.knownChannelCount ?? facts.estimatedChannelCount;
  /** The count as the reason says it: `about N channels` for an estimate. */
  const size = count === undefined ? undefined : `${facts.knownChannelCount === undefined ? 'about ' : ''}${counted(count, 'channel')}`;
  const eligible = facts.strategies
    .filter((s) => s.contract.automatic && (s.contract.selectablePressure ?? s.contract.supportedPressure).includes(facts.pressure))
    .sort(facts.chunksWanted === true ? (a, b) => Number(b.contract.boundedMemory) - Number(a.contract.boundedMemory) || byPreference(a, b) : byPreference);
  const chosen = eligible.find((s) => fitsSize(s, count, facts));
  if (chosen === undefined) {
    const names = facts.strategies.map((s) => `"${s.name}"`).join(', ') || '(none)';
    throw new RegistryError(
      `no registered strategy can run automatically at memory pressure "${facts.pressure}"` +
        `${size === undefined ? '' : ` with ${size}`}; registered: ${names}`,
    );
  }
  const skipped = eligible.slice(0, eligible.indexOf(chosen));
  const sizeNote = size ?? 'channel count unknown';
  const reason =
    skipped.length > 0
      ? `pressure ${facts.pressure}, ${sizeNote}: too large for ${skipped.map((s) => s.name).join(', ')}`
      : facts.chunksWanted === true && chosen.contract.boundedMemory
        ? `pressure ${facts.pressure}, ${sizeNote}: chunks are read as they are made (stream()), so a strategy that writes as it goes`
        : `pressure ${facts.pressure}, ${sizeNote}: fastest eligible strategy`;
  return { strategy: chosen.name, reason, pressure: facts.pressure };
}

/**
 * Decides whether the running strategy should hand over: its contract no
 * longer supports the pressure, or (automatic runs of unknown size only) the
 * input has grown past the large-input threshold while it keeps everything in
 * memory. Returns the best strategy able to take over, or `undefined`.
 *
 * @example
 * ```ts
 * const change = proposeTakeover(inMemory, { ...facts, pressure: 'critical', channelsDone: 40_000, automatic: true });
 * change?.to; // 'streaming'
 * ```
 */
export function proposeTakeover(
  current: M3uStrategy,
  facts: SelectionFacts & { readonly channelsDone: number; readonly automatic: boolean },
): MidRunSwitch | undefined {
  let reason: string | undefined;
  let needsBounded = false;
  if (!current.contract.supportedPressure.includes(facts.pressure)) {
    reason = `memory pressure reached ${facts.pressure}`;
  } else if (
    facts.automatic &&
    !current.contract.boundedMemory &&
    facts.knownChannelCount === undefined &&
    facts.channelsDone > facts.largeInputThreshold
  ) {
    reason = `input passed ${counted(facts.largeInputThreshold, 'channel')}`;
    needsBounded = true;
  }
  if (reason === undefined) return undefined;
  const target = facts.strategies
    .filter(
      (s) =>
        s !== current &&
        s.contract.automatic &&
        s.contract.canTakeOverMidStage &&
        s.contract.supportedPressure.includes(facts.pressure) &&
        (!needsBounded || s.contract.boundedMemory),
    )
    .sort(byPreference)[0];
  return target === undefined ? undefined : { to: target.name, reason, pressure: facts.pressure };
}
