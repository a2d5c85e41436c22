import { describe, expect, it } from 'vitest';
import { emptyUsage, type RuntimeRequest } from '../runtime/index.js';
import { composeModelRun, type ModelRun, type Primitive } from './primitive.js';
import type { TierAnswer } from './tier.js';

const answer = (text: string): TierAnswer => ({
  text,
  costUsd: 0,
  usage: emptyUsage(),
  toolCalls: [],
  outcome: 'success',
  queueWaitMs: 0,
  simulatedModel: true,
});

const request: RuntimeRequest = { tenantId: 't', agentId: 'a', interactionId: 'i', prompt: 'hello' };

describe('composeModelRun', () => {
  it('nests the wrappers with the first primitive outermost, each seeing the request the outer one passed', async () => {
    const calls: string[] = [];
    const wrapping = (name: string): Primitive => ({
      name,
      wrapModel:
        (run: ModelRun): ModelRun =>
        async (inner) => {
          calls.push(`${name} before ${inner.prompt}`);
          const result = await run({ ...inner, prompt: `${inner.prompt}+${name}` });
          calls.push(`${name} after`);
          return { ...result, text: `${result.text}<${name}` };
        },
    });
    const run = composeModelRun([wrapping('outer'), { name: 'plain' }, wrapping('inner')], async (inner) =>
      answer(inner.prompt),
    );
    const result = await run(request);
    expect(calls).toEqual(['outer before hello', 'inner before hello+outer', 'inner after', 'outer after']);
    expect(result.text).toBe('hello+outer+inner<inner<outer');
  });

  it('lets a wrapper stop the run by throwing, and returns the model run itself without wrappers', async () => {
    let ran = false;
    const model: ModelRun = async () => {
      ran = true;
      return answer('ran');
    };
    const refusing: Primitive = {
      name: 'refusing',
      wrapModel: () => async () => {
        throw new Error('no budget');
      },
    };
    await expect(composeModelRun([refusing], model)(request)).rejects.toThrow('no budget');
    expect(ran).toBe(false);
    expect(composeModelRun([{ name: 'plain' }], model)).toBe(model);
  });
});
