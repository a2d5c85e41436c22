import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StewardError } from '../errors/index.js';
import { invalidRequestFromZod, toHttpError } from './http-errors.js';

function errorFor(schema: z.ZodType, input: unknown, what = 'body') {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected a validation failure');
  return invalidRequestFromZod(result.error, input, what);
}

describe('invalidRequestFromZod', () => {
  it('names each unknown field by its own path, not all of them joined into one', () => {
    const schema = z
      .object({ text: z.string(), options: z.object({ urgent: z.boolean() }).strict() })
      .strict();
    const error = errorFor(schema, {
      text: 'hi',
      decision: 'approve',
      actor: 'me',
      options: { urgent: true, colour: 'red', size: 2 },
    });
    // In zod's order: the nested object's issue comes first.
    expect(error.details.issues).toEqual([
      { field: 'options.colour', message: 'is not an accepted field' },
      { field: 'options.size', message: 'is not an accepted field' },
      { field: 'decision', message: 'is not an accepted field' },
      { field: 'actor', message: 'is not an accepted field' },
    ]);
    expect(error.details.field).toBe('options.colour');
    expect(error.message).toBe(
      'body.options.colour: is not an accepted field; body.options.size: is not an accepted field; ' +
        'body.decision: is not an accepted field; body.actor: is not an accepted field',
    );
  });

  it('names a wrong field inside an array by its index', () => {
    const error = errorFor(z.object({ seqs: z.array(z.number()) }).strict(), { seqs: [1, 'two'] });
    expect(error.details.field).toBe('seqs.1');
    expect(error.message).toBe('body.seqs.1: must be number, received string');
  });
});

describe('toHttpError', () => {
  it('answers store-unavailable plainly, whatever its message quoted, and logs the original', () => {
    const driver = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' });
    const original = new StewardError(
      'store-unavailable',
      'could not open the postgres store at postgres://steward@10.1.2.3:5432/tenants: connect ECONNREFUSED 10.1.2.3:5432',
      { cause: driver, details: { interactionId: 'i-1', host: '10.1.2.3', reason: 'store-unavailable' } },
    );
    const logged: Array<{ line: string; error: unknown }> = [];
    const answered = toHttpError(original, 'POST /api/agents/:agentId/messages', (line, error) =>
      logged.push({ line, error }),
    );
    expect(answered.status).toBe(503);
    expect(answered.toJSON()).toEqual({
      error: {
        code: 'store-unavailable',
        message: 'the store is unavailable; retry shortly',
        details: { interactionId: 'i-1' },
      },
    });
    expect(logged).toEqual([
      { line: '[steward] POST /api/agents/:agentId/messages failed: store-unavailable', error: original },
    ]);
  });

  it('keeps other typed errors as they are', () => {
    const queueFull = new StewardError('queue-full', 'the queue is full');
    const logged: string[] = [];
    expect(toHttpError(queueFull, 'x', (line) => logged.push(line))).toBe(queueFull);
    expect(logged).toEqual([]);
  });
});
