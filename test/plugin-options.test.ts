import { attributes } from '@m3ugen/attributes';
import { OptionError } from '@m3ugen/core';
import { extinfTemplate } from '@m3ugen/extinf-template';
import { presetDefault } from '@m3ugen/preset-default';
import { inMemoryStrategy } from '@m3ugen/strategy-in-memory';
import { streamingStrategy } from '@m3ugen/strategy-streaming';
import { urlBuilder } from '@m3ugen/url-builder';
import { describe, expect, it } from 'vitest';

// A config lists plugins with options tables: an option a plugin does not
// know, misspelt or meant for another plugin, must not be dropped without a word.
describe('every ready-made plugin refuses options it does not know', () => {
  it.each([
    ['@m3ugen/url-builder', () => urlBuilder({ schemas: [] } as never), 'option "schemas": unknown option (did you mean "schemes"?)'],
    ['@m3ugen/preset-default', () => presetDefault({ strategy: 'streaming' } as never), 'option "strategy": unknown option; none are accepted'],
    ['@m3ugen/strategy-in-memory', () => inMemoryStrategy({ chunkSize: 1 } as never), 'option "chunkSize": unknown option; none are accepted'],
    ['@m3ugen/strategy-streaming', () => streamingStrategy({ chunkSize: 1 } as never), 'option "chunkSize": unknown option; none are accepted'],
    ['@m3ugen/attributes', () => attributes({ atributes: [] } as never), 'option "atributes": unknown option (did you mean "attributes"?)'],
    ['@m3ugen/extinf-template', () => extinfTemplate({ extinfFiel: 'x.eta' } as never), 'option "extinfFiel": unknown option (did you mean "extinfFile"?)'],
  ])('%s', (_name, create, message) => {
    expect(create).toThrow(OptionError);
    expect(create).toThrow(message);
  });

  it('and takes none, or the ones it knows, as before', () => {
    for (const create of [() => urlBuilder({ schemes: [] }), () => urlBuilder(), () => presetDefault(), () => inMemoryStrategy({}), () => streamingStrategy()]) {
      expect(create().apply).toBeTypeOf('function');
    }
  });
});
