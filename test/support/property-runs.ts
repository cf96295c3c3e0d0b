/**
 * How many cases a property test tries: `base` in an ordinary run, `base`
 * times `M3UGEN_PROPERTY_RUNS_SCALE` when that is set (`pnpm test:deep` sets
 * 20), so the same properties can be searched deeper before a release
 * without slowing every run of the suite. fast-check prints a failure's seed
 * and path; pass them to `fc.assert` as `{ seed, path }` to replay it.
 *
 * Properties whose cases each start processes (`parallel.random.e2e.test.ts`)
 * keep their fixed seed and count.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(channelsArb, check), { numRuns: propertyRuns(300) });
 * ```
 */
export function propertyRuns(base: number): number {
  return Math.ceil(base * runsScale());
}

function runsScale(): number {
  const text = process.env.M3UGEN_PROPERTY_RUNS_SCALE;
  if (text === undefined || text === '') return 1;
  const scale = Number(text);
  // A typo must not pass for a deep run while running the ordinary count.
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`M3UGEN_PROPERTY_RUNS_SCALE: expected a positive number, got ${JSON.stringify(text)}`);
  return scale;
}
