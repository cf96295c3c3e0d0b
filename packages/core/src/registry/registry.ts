import { describeValue, RegistryError } from '../errors.js';
import { closestName, didYouMean } from '../run/options.js';

/** Anything registered by name. */
export interface Named {
  readonly name: string;
}

/**
 * A name → item map with clear errors: registering a taken name fails unless
 * `replace` is set, and looking up an unknown name lists the known ones.
 *
 * @example
 * ```ts
 * generator.strategies.register(myStrategy);
 * generator.strategies.list().map((s) => s.name); // ['in-memory', 'streaming', 'my-strategy']
 * ```
 */
export class Registry<T extends Named> {
  readonly #kind: string;
  readonly #check: ((item: unknown) => void) | undefined;
  readonly #items = new Map<string, T>();

  /**
   * @param kind what the items are, for messages ("strategy", "URL scheme").
   * @param check throws a {@link RegistryError} for an item that is not a `T`
   *   (a plain-JavaScript one with a misspelt member), at `register`.
   */
  constructor(kind: string, check?: (item: unknown) => void) {
    this.#kind = kind;
    this.#check = check;
  }

  /** Adds `item` under `item.name`. Registering the very same item again changes nothing. */
  register(item: T, options: { replace?: boolean } = {}): this {
    if (typeof item !== 'object' || item === null) {
      // Most often the name of one (`schemes: ["pattern"]`), given where the thing itself belongs.
      const named = closestName(item, [...this.#items.keys()]);
      const hint = named === undefined ? '' : `: "${named}" is a registered ${this.#kind} already, chosen by its name, not registered again`;
      throw new RegistryError(`expected a ${this.#kind} (an object with its name), got ${describeValue(item)}${hint}`);
    }
    if (typeof item.name !== 'string' || item.name === '') throw new RegistryError(`a ${this.#kind} needs a non-empty name`);
    this.#check?.(item);
    const existing = this.#items.get(item.name);
    if (existing === item) return this;
    if (existing !== undefined && options.replace !== true) {
      throw new RegistryError(`${this.#kind} "${item.name}" is already registered (pass { replace: true } to replace it)`);
    }
    this.#items.set(item.name, item);
    return this;
  }

  has(name: string): boolean {
    return this.#items.has(name);
  }

  /** The item, or `undefined`. */
  get(name: string): T | undefined {
    return this.#items.get(name);
  }

  /** The item; throws a {@link RegistryError} listing the registered names if there is none. */
  require(name: string): T {
    const item = this.#items.get(name);
    if (item !== undefined) return item;
    const known = [...this.#items.keys()];
    throw new RegistryError(
      `unknown ${this.#kind} "${name}"${didYouMean(closestName(name, known))}; registered: ${known.length === 0 ? '(none)' : known.map((n) => `"${n}"`).join(', ')}`,
    );
  }

  /** All items in registration order. */
  list(): T[] {
    return [...this.#items.values()];
  }
}
