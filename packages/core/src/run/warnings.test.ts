import { describe, expect, it } from 'vitest';
import { WarningLog } from './warnings.js';

describe('WarningLog', () => {
  it("keeps each kind's first message, describing no later warning when nobody listens", () => {
    const warnings = new WarningLog();
    let described = 0;
    for (let index = 0; index < 5; index++) {
      warnings.add('missing-field', 'tvg_logo', index, () => `channel ${index} has no tvg_logo (${++described})`);
    }
    warnings.add('my-plugin:stale', undefined, 2, () => 'logo is a week old');
    expect(described).toBe(1);
    expect(warnings.summary()).toEqual({
      total: 6,
      counts: { 'missing-field:tvg_logo': 5, 'my-plugin:stale': 1 },
      firstMessages: { 'missing-field:tvg_logo': 'channel 0 has no tvg_logo (1)', 'my-plugin:stale': 'logo is a week old' },
    });
  });

  it('describes each warning once for a listener, the first included', () => {
    const warnings = new WarningLog();
    const heard: string[] = [];
    let described = 0;
    warnings.listen((warning) => heard.push(warning.message));
    for (let index = 0; index < 3; index++) warnings.add('blank-name', undefined, index, () => `blank ${index} (${++described})`);
    expect(heard).toEqual(['blank 0 (1)', 'blank 1 (2)', 'blank 2 (3)']);
    expect(warnings.summary().firstMessages).toEqual({ 'blank-name': 'blank 0 (1)' });
  });
});
