import { describe, expect, it } from 'vitest';
import { RegistryError } from '../errors.js';
import { M3uGenerator } from '../run/generator.js';
import type { M3uStrategy } from '../strategy/strategy.js';

/** A strategy as a plain-JavaScript author writes one; each case below gets one member wrong. */
const good = {
  name: 'mine',
  description: 'renders everything, then writes once',
  contract: { estimateMemoryBytes: () => 0, supportedPressure: ['optimal', 'moderate'], canTakeOverMidStage: false, boundedMemory: true, preference: 0, automatic: true },
  async generate() {},
};
const contract = (change: Record<string, unknown>, without?: string) => ({ ...good, contract: Object.fromEntries(Object.entries({ ...good.contract, ...change }).filter(([key]) => key !== without)) });
const { contract: _dropped, ...withoutContract } = good;
const { generate: _gone, ...withoutGenerate } = good;

// Before, each registered without a word and failed later, in selection, with a bare TypeError
// ("Cannot read properties of undefined (reading 'includes')"), or not at all until chosen.
describe('registering a strategy or URL scheme that is not one', () => {
  it.each([
    [withoutContract, 'strategy "mine": contract: missing'],
    [contract({ supportedPressures: ['optimal'] }, 'supportedPressure'), 'strategy "mine": contract.supportedPressures: unknown (did you mean "supportedPressure"?)'],
    [contract({ supportedPressure: ['low'] }), 'strategy "mine": contract.supportedPressure: "low" is not a pressure level; they are "optimal", "moderate", "high", "critical", "emergency"'],
    [contract({ selectablePressure: 'optimal' }), 'strategy "mine": contract.selectablePressure: expected a list of pressure levels'],
    [contract({ writesElsewhere: 'yes' }), 'strategy "mine": contract.writesElsewhere: expected true or false, got "yes"'],
    [contract({ automatic: 'yes' }), 'strategy "mine": contract.automatic: expected true or false, got "yes"'],
    [contract({ preference: Number.NaN }), 'strategy "mine": contract.preference: expected a number, got number NaN'],
    [contract({ estimateMemoryBytes: 300 }), 'strategy "mine": contract.estimateMemoryBytes: expected a function, got number 300'],
    [withoutGenerate, 'strategy "mine": generate: missing'],
    [{ ...withoutGenerate, generator: good.generate }, 'strategy "mine": generator: unknown (did you mean "generate"?)'],
  ])('%#: is refused at register, naming the member', (strategy, message) => {
    const generator = new M3uGenerator();
    expect(() => generator.strategies.register(strategy as unknown as M3uStrategy)).toThrow(RegistryError);
    expect(() => generator.strategies.register(strategy as unknown as M3uStrategy)).toThrow(message);
  });

  it('accepts a well-formed one, members of the author\'s own included', () => {
    const generator = new M3uGenerator();
    generator.strategies.register({ ...good, cache: new Map() } as unknown as M3uStrategy);
    expect(generator.strategies.require('mine').description).toBe(good.description);
  });

  it('names a URL scheme\'s missing or misspelt member', () => {
    const generator = new M3uGenerator();
    expect(() => generator.urlSchemes.register({ name: 'cdn', description: 'x', build: () => () => 'http://x' } as never)).toThrow('URL scheme "cdn": create: missing');
    expect(() => generator.urlSchemes.register({ name: 'cdn', description: 'x', create: () => () => 'http://x', optionName: ['a'] } as never)).toThrow(
      'URL scheme "cdn": optionName: unknown (did you mean "optionNames"?)',
    );
    expect(() => generator.urlSchemes.register({ name: 'cdn', description: 'x', create: () => () => 'http://x', optionNames: 'a' } as never)).toThrow(
      'URL scheme "cdn": optionNames: expected a list of names, got "a"',
    );
  });
});
