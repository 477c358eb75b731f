import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.js';
import { parsePersonasConfig } from './personas-config.js';

describe('personas config', () => {
  it('has defaults', () => {
    expect(parsePersonasConfig(undefined)).toEqual({ language: 'en', min_group_size: 10, out: 'personas', names: [] });
  });
  it('accepts naming rules and rejects bad ones with their path', () => {
    expect(parsePersonasConfig({ language: 'zh', names: [{ name: 'Beauty loyalists', when: { top_category: 'beauty' } }] }).names).toHaveLength(1);
    expect(() => parsePersonasConfig({ language: 'fr' })).toThrow(ConfigError);
    try {
      parsePersonasConfig({ names: [{ name: 'x', when: { colour: 'red' } }] });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems[0]?.path.slice(0, 2)).toEqual(['personas', 'names']);
    }
  });
});
