import { describe, expect, it } from 'vitest';
import { RegistryError } from '../errors.js';
import { Registry } from './registry.js';

describe('Registry', () => {
  it('registers, lists in order and looks up by name', () => {
    const registry = new Registry<{ name: string; n: number }>('strategy');
    registry.register({ name: 'b', n: 1 }).register({ name: 'a', n: 2 });
    expect(registry.list().map((s) => s.name)).toEqual(['b', 'a']);
    expect(registry.get('a')?.n).toBe(2);
    expect(registry.has('c')).toBe(false);
  });

  it('refuses a taken name unless asked to replace it', () => {
    const registry = new Registry<{ name: string; n: number }>('strategy');
    registry.register({ name: 'a', n: 1 });
    expect(() => registry.register({ name: 'a', n: 2 })).toThrow('strategy "a" is already registered');
    registry.register({ name: 'a', n: 3 }, { replace: true });
    expect(registry.require('a').n).toBe(3);
  });

  it('accepts the same item twice (a plugin listed in a config and in a preset)', () => {
    const registry = new Registry<{ name: string }>('strategy');
    const item = { name: 'a' };
    registry.register(item).register(item);
    expect(registry.list()).toEqual([item]);
  });

  it('names the registered items when a lookup fails', () => {
    const registry = new Registry<{ name: string }>('URL scheme');
    registry.register({ name: 'proxy' });
    expect(() => registry.require('cdn')).toThrow(new RegistryError('unknown URL scheme "cdn"; registered: "proxy"'));
    expect(() => registry.require('prxy')).toThrow(new RegistryError('unknown URL scheme "prxy" (did you mean "proxy"?); registered: "proxy"'));
  });

  it('refuses what is not an item, and says so when it is the name of a registered one', () => {
    const registry = new Registry<{ name: string }>('URL scheme');
    registry.register({ name: 'pattern' });
    const register = (item: unknown) => () => registry.register(item as { name: string });
    expect(register('patern')).toThrow(new RegistryError('expected a URL scheme (an object with its name), got "patern": "pattern" is a registered URL scheme already, chosen by its name, not registered again'));
    expect(register('cdn')).toThrow(new RegistryError('expected a URL scheme (an object with its name), got "cdn"'));
    expect(register(undefined)).toThrow(new RegistryError('expected a URL scheme (an object with its name), got nothing'));
    expect(register({ name: '' })).toThrow(new RegistryError('a URL scheme needs a non-empty name'));
  });
});
