/**
 * Every key path of a zod object schema, tables and lists included (a
 * list's element as `0`), optional keys unwrapped: for tests that try wrong
 * values at each key, so a key added later is tried too.
 *
 * @example
 * ```ts
 * schemaKeyPaths(z.object({ web: z.object({ base_url: z.string() }) })); // [['web'], ['web', 'base_url']]
 * ```
 */
export function schemaKeyPaths(schema: unknown): string[][] {
  type Node = { _zod: { def: { type: string; shape?: Record<string, Node>; innerType?: Node; element?: Node } } };
  const paths: string[][] = [];
  const walk = (node: Node, path: string[]): void => {
    const def = node._zod.def;
    if (def.type === 'optional' && def.innerType !== undefined) return walk(def.innerType, path);
    if (path.length > 0) paths.push(path);
    if (def.type === 'object' && def.shape !== undefined) for (const [key, child] of Object.entries(def.shape)) walk(child, [...path, key]);
    if (def.type === 'array' && def.element !== undefined) walk(def.element, [...path, '0']);
  };
  walk(schema as Node, []);
  return paths;
}

/** `value` at `path` (from {@link schemaKeyPaths}) in an object made for it. */
export function valueAt(path: readonly string[], value: unknown): unknown {
  return path.length === 0 ? value : path[0] === '0' ? [valueAt(path.slice(1), value)] : { [path[0]!]: valueAt(path.slice(1), value) };
}

/** Wrong values of every kind, to try at each key. */
export const WRONG_VALUES: readonly unknown[] = ['x', '', -1, 0, 1.5, true, [], {}, null];

/** zod's own words for a failed check, which a message of ours never uses. */
export const ZOD_DEFAULT_WORDS = /Invalid (input|option|element|key)|Too (small|big)|received /;
