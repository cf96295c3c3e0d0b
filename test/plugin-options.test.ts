import { attributes } from '@m3ugen/attributes';
import { M3uGenerator, OptionError } from '@m3ugen/core';
import { extinfTemplate } from '@m3ugen/extinf-template';
import { createGenerator, presetDefault } from '@m3ugen/preset-default';
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

// A factory listed without being called has an `apply` of its own (Function.prototype.apply):
// it used to be "applied" by calling it and dropping the plugin it made.
describe('a plugins list holding what is not a plugin is refused, naming its place in the caller\'s list', () => {
  const nameless = { apply: () => undefined };
  it.each([
    [[attributes], 'option "plugins[0]": got the function "attributes" where a plugin belongs: call it (attributes() or attributes({ … })) to make the plugin'],
    [[attributes(), extinfTemplate], 'option "plugins[1]": got the function "extinfTemplate" where a plugin belongs'],
    [[null], 'option "plugins[0]": expected a plugin ({ name, apply }), got null'],
    [[{ name: 'x' }], 'option "plugins[0]": expected a plugin ({ name, apply }), got an object without an apply function'],
    [[nameless], 'option "plugins[0]": a plugin needs a name, which errors and the worker-thread check name it by; got none'],
    [attributes(), 'option "plugins": expected a list of plugins, got an object'],
  ])('%#: createGenerator and new M3uGenerator', (plugins, message) => {
    expect(() => createGenerator({ plugins: plugins as never })).toThrow(message);
    expect(() => new M3uGenerator({ plugins: plugins as never })).toThrow(message);
  });

  it('and by use(), which took a factory without a word too', () => {
    expect(() => createGenerator().use(attributes as never)).toThrow('option "plugin": got the function "attributes" where a plugin belongs');
    expect(createGenerator({ plugins: [attributes({ ready: ['catchup'] })] }).hooks.entryAttributes.taps.map((t) => t.name)).toEqual(['@m3ugen/attributes']);
  });
});
