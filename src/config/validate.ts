/** Turns zod validation failures into InvalidConfigError with a path, what was given and what is valid. */
import type { z } from 'zod';
import { type ConfigIssue, InvalidConfigError } from '../errors/index.js';

/**
 * Validates `input` against `schema` and returns the parsed value, or throws InvalidConfigError.
 *
 * @example const config = validateConfig(agentConfigSchema, userInput, 'ClaudeAgent config');
 */
export function validateConfig<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  context = 'config',
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidConfigError(
    result.error.issues.flatMap((issue) => describeIssue(issue, input)),
    context,
  );
}

/**
 * What each zod issue says about the config. An issue naming several unknown keys becomes one
 * issue per key, each at its own path (joining the keys onto the path named an option that does not
 * exist: `a.c, d`).
 */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): ConfigIssue[] {
  const path = issue.path.map(String).join('.');
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: path ? `${path}.${key}` : key,
        received: `unknown option "${key}"`,
        expected: 'only documented options (check the spelling)',
      }));
    default:
      return [describeValueIssue(issue, path, value)];
  }
}

function describeValueIssue(issue: z.core.$ZodIssue, path: string, value: unknown): ConfigIssue {
  switch (issue.code) {
    case 'invalid_type':
      return { path, received: renderValue(value), expected: `a value of type ${issue.expected}` };
    case 'too_small':
      return {
        path,
        received: renderValue(value),
        expected:
          issue.origin === 'array'
            ? `at least ${issue.minimum} item(s)`
            : `${issue.origin === 'string' ? 'a string of length' : 'a number'} ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`,
      };
    case 'too_big':
      return {
        path,
        received: renderValue(value),
        expected: `${issue.origin === 'array' ? 'at most' : issue.inclusive ? '<=' : '<'} ${issue.maximum}${issue.origin === 'array' ? ' item(s)' : ''}`,
      };
    case 'invalid_value':
      return {
        path,
        received: renderValue(value),
        expected: `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'invalid_union':
      return {
        path,
        received: renderValue(value),
        expected: issue.message || 'one of the documented shapes',
      };
    default:
      return { path, received: renderValue(value), expected: issue.message };
  }
}

/** The value at `path` inside `input`, or undefined where the path leaves the object. */
export function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** A short, human rendering of a config value for error messages (at most 80 characters). */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing (undefined)';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'function') return 'a function';
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return String(value);
  }
}
