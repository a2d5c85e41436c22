import { describe, expect, it } from 'vitest';
import { trustConfigSchema } from './config.js';
import { createPermissionComparison } from './permission-change.js';

const compare = createPermissionComparison(
  trustConfigSchema.parse({
    permissions: {
      0.1: ['Read'],
      0.3: ['Read', 'mcp__slack__*'],
      0.5: ['Read', 'Write', 'mcp__*', 'Bash(rm:*)'],
      0.7: ['Read', 'Write', 'mcp__*', 'Bash(rm:*)'],
      0.9: ['*'],
    },
    deny: ['Bash(rm:*)'],
    toolOverrides: { 'WebFetch(domain:example.com)': { minLevel: 0.4 }, WebFetch: { minLevel: 0.6 } },
  }),
);

describe('createPermissionComparison', () => {
  it('lists what a promotion to a higher band adds', () => {
    // mcp__slack__* is covered by mcp__*, which is new; Bash(rm:*) is denied at every level; the
    // example.com override (minLevel 0.4) is crossed.
    expect(compare(0.3, 0.5)).toEqual({
      fromBand: '0.3',
      toBand: '0.5',
      added: ['Write', 'mcp__*', 'WebFetch(domain:example.com)'],
    });
    expect(compare(0.05, 0.1)).toEqual({ fromBand: 'none', toBand: '0.1', added: ['Read'] });
    expect(compare(0.5, 0.9)).toMatchObject({ toBand: '0.9', added: ['*', 'WebFetch'] });
  });

  it('counts an override whose minLevel the move crosses, even when the level lists stay the same', () => {
    expect(compare(0.5, 0.65)).toEqual({ fromBand: '0.5', toBand: '0.6', added: ['WebFetch'] });
    expect(compare(0.3, 0.45)).toEqual({
      fromBand: '0.3',
      toBand: '0.4',
      added: ['WebFetch(domain:example.com)'],
    });
  });

  it('skips an override that an earlier one or the deny list always decides first', () => {
    const shadowed = createPermissionComparison(
      trustConfigSchema.parse({
        permissions: { 0.3: ['Read'] },
        deny: ['mcp__billing'],
        toolOverrides: {
          WebFetch: { minLevel: 0.6 },
          'WebFetch(domain:example.com)': { minLevel: 0.4 },
          mcp__billing__refund: { minLevel: 0.5 },
        },
      }),
    );
    expect(shadowed(0.3, 0.55)).toEqual({ fromBand: '0.3', toBand: '0.5', added: [] });
    expect(shadowed(0.3, 0.6).added).toEqual(['WebFetch']);
  });

  it('adds nothing on a demotion, within a band, or between bands that allow the same', () => {
    expect(compare(0.9, 0.3)).toEqual({ fromBand: '0.9', toBand: '0.3', added: [] });
    expect(compare(0.3, 0.35)).toEqual({ fromBand: '0.3', toBand: '0.3', added: [] });
    expect(compare(0.65, 0.75).added).toEqual([]);
    // Float drift does not cross a threshold: 0.7 - 0.4 is 0.29999999999999993.
    expect(compare(0.7 - 0.4, 0.3).added).toEqual([]);
  });
});
