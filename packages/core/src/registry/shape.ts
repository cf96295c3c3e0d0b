import { describeValue, RegistryError } from '../errors.js';
import { PRESSURE_LEVELS } from '../memory/pressure.js';
import { closestName, didYouMean } from '../run/options.js';

/** What one member of a registered item must be: a check that says why a value is not it, or nothing. */
type MemberCheck = (value: unknown) => string | undefined;

const fn: MemberCheck = (v) => (typeof v === 'function' ? undefined : `expected a function, got ${describeValue(v)}`);
const text: MemberCheck = (v) => (typeof v === 'string' ? undefined : `expected text, got ${describeValue(v)}`);
const flag: MemberCheck = (v) => (typeof v === 'boolean' ? undefined : `expected true or false, got ${describeValue(v)}`);
const finite: MemberCheck = (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `expected a number, got ${describeValue(v)}`);
const optional =
  (check: MemberCheck): MemberCheck =>
  (v) =>
    v === undefined ? undefined : check(v);
const levels: MemberCheck = (v) => {
  const known = PRESSURE_LEVELS.map((level) => `"${level}"`).join(', ');
  if (!Array.isArray(v)) return `expected a list of pressure levels (${known}), got ${describeValue(v)}`;
  const wrong = v.find((level) => !(PRESSURE_LEVELS as readonly unknown[]).includes(level));
  return wrong === undefined ? undefined : `${describeValue(wrong)} is not a pressure level; they are ${known}`;
};
const names: MemberCheck = (v) => (Array.isArray(v) && v.every((name) => typeof name === 'string') ? undefined : `expected a list of names, got ${describeValue(v)}`);

/** Members by name: each one's check, or the shape of a nested object. */
interface Shape {
  readonly [member: string]: MemberCheck | Shape;
}

const STRATEGY_SHAPE: Shape = {
  name: text,
  description: text,
  generate: fn,
  contract: {
    estimateMemoryBytes: fn,
    supportedPressure: levels,
    selectablePressure: optional(levels),
    canTakeOverMidStage: flag,
    boundedMemory: flag,
    preference: finite,
    automatic: flag,
    writesElsewhere: optional(flag),
  },
};

const URL_SCHEME_SHAPE: Shape = { name: text, description: text, create: fn, optionNames: optional(names) };

/** The first member of `value` that is missing, unknown or of the wrong kind, as `path: why`. */
function misfit(value: unknown, shape: Shape, path: string): string | undefined {
  if (typeof value !== 'object' || value === null) {
    const where = path === '' ? '' : `${path.slice(0, -1)}: `;
    return `${where}${value === undefined && path !== '' ? 'missing' : `expected an object, got ${describeValue(value)}`}`;
  }
  const members = Object.keys(shape);
  for (const key of Object.keys(value)) {
    if (members.includes(key)) continue;
    const meant = closestName(key, members);
    // Members of its own (helpers, state) are the author's business; a misspelt one would leave the real one missing.
    if (meant !== undefined && !(meant in value)) return `${path}${key}: unknown${didYouMean(meant)}`;
  }
  for (const key of members) {
    const check = shape[key]!;
    const member = (value as Record<string, unknown>)[key];
    const why = typeof check === 'function' ? check(member) : misfit(member, check, `${path}${key}.`);
    if (why !== undefined) return typeof check === 'function' ? `${path}${key}: ${member === undefined ? 'missing' : why}` : why;
  }
  return undefined;
}

/**
 * Refuses a strategy that is not one, naming the member (`contract.supportedPressure`):
 * a plain-JavaScript strategy with a misspelt or missing member otherwise
 * failed later, inside selection, with a bare `TypeError`.
 *
 * @example
 * ```ts
 * checkStrategyShape({ name: 'mine', description: 'x', generate: async () => {}, contract: { supportedPressures: ['optimal'] } });
 * // throws: strategy "mine": contract.supportedPressures: unknown (did you mean "supportedPressure"?)
 * ```
 */
export function checkStrategyShape(item: unknown): void {
  checkShape(item, STRATEGY_SHAPE, 'strategy');
}

/**
 * Refuses a URL scheme that is not one, naming the member (`create`).
 *
 * @example
 * ```ts
 * checkUrlSchemeShape({ name: 'cdn', description: 'x', build: () => 'http://x' });
 * // throws: URL scheme "cdn": create: missing
 * ```
 */
export function checkUrlSchemeShape(item: unknown): void {
  checkShape(item, URL_SCHEME_SHAPE, 'URL scheme');
}

function checkShape(item: unknown, shape: Shape, kind: string): void {
  const why = misfit(item, shape, '');
  if (why === undefined) return;
  const name = typeof (item as { name?: unknown } | null)?.name === 'string' ? ` "${(item as { name: string }).name}"` : '';
  throw new RegistryError(`${kind}${name}: ${why}`);
}
