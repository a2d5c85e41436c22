import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConfigError } from '../errors/index.js';
import { validateConfig } from './validate.js';

describe('validateConfig', () => {
  it('reports each unknown option at its own path', () => {
    const schema = z.object({ budget: z.object({ daily: z.number() }).strict().optional() }).strict();
    let thrown: unknown;
    try {
      validateConfig(schema, { budget: { daily: 5, dialy: 6, weekly: 7 }, budjet: {} }, 'agent config');
    } catch (error) {
      thrown = error;
    }
    expect(InvalidConfigError.isInstance(thrown)).toBe(true);
    const { issues } = thrown as InvalidConfigError;
    expect(issues.map((issue) => [issue.path, issue.received])).toEqual([
      ['budget.dialy', 'unknown option "dialy"'],
      ['budget.weekly', 'unknown option "weekly"'],
      ['budjet', 'unknown option "budjet"'],
    ]);
  });
});
