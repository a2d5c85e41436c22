import { afterEach, describe, expect, it } from 'vitest';
import {
  callToolThenReply,
  demoResponder,
  failWithHttpError,
  lastToolResults,
  lastUserText,
  playSteps,
  replyWithText,
  simulatedReplyPrefix,
} from './responders.js';
import { type SimulatedModel, startSimulatedModel } from './simulated-model.js';
import type { MessagesApiRequest, SimulatedResponder } from './types.js';

let model: SimulatedModel | undefined;
afterEach(async () => {
  await model?.close();
  model = undefined;
});

async function start(respond?: SimulatedResponder): Promise<SimulatedModel> {
  model = await startSimulatedModel(respond ? { respond } : {});
  return model;
}

function body(
  messages: MessagesApiRequest['messages'],
  extra: Partial<MessagesApiRequest> = {},
): MessagesApiRequest {
  return {
    model: 'claude-test',
    max_tokens: 100,
    stream: true,
    messages,
    tools: [{ name: 'Write' }],
    ...extra,
  };
}

/** Parses an SSE body into its events, checking that every `data:` line has an `event:` line. */
function parseEvents(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim().length > 0)
    .map((frame) => {
      const event = /^event: (.+)$/m.exec(frame)?.[1];
      const data = /^data: (.+)$/m.exec(frame)?.[1];
      if (!event || !data) throw new Error(`malformed frame: ${frame}`);
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

function deltaText(frame: { data: Record<string, unknown> } | undefined): string {
  return (frame?.data.delta as { text?: string } | undefined)?.text ?? '';
}

async function post(url: string, request: MessagesApiRequest, path = '/v1/messages?beta=true') {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
}

describe('startSimulatedModel', () => {
  it('listens on 127.0.0.1 and streams a text answer as the full Messages API event sequence', async () => {
    const simulated = await start(replyWithText('Hello from the simulator'));
    expect(simulated.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await post(simulated.url, body([{ role: 'user', content: 'hi' }]));
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = parseEvents(await response.text());
    expect(events.map((frame) => frame.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.every((frame) => frame.data.type === frame.event)).toBe(true);
    expect(events[2]?.data.delta).toEqual({ type: 'text_delta', text: 'Hello from the simulator' });
    const opening = events[0]?.data.message as { usage: Record<string, number> };
    expect(opening.usage.input_tokens).toBeGreaterThan(0);
    expect(opening.usage).toHaveProperty('cache_read_input_tokens');
    expect(opening.usage).toHaveProperty('cache_creation_input_tokens');
    expect(events[4]?.data).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 6 },
    });
    expect(simulated.requests).toHaveLength(1);
  });

  it('streams a tool call as input_json_delta pieces that join to the input, ending with stop_reason tool_use', async () => {
    const input = { file_path: 'notes.txt', content: 'x'.repeat(200) };
    const simulated = await start(
      callToolThenReply({ toolUse: { name: 'Write', input }, leadingText: 'Saving.' }),
    );
    const events = parseEvents(
      await (await post(simulated.url, body([{ role: 'user', content: 'save' }]))).text(),
    );
    const toolStart = events.find(
      (frame) =>
        frame.event === 'content_block_start' &&
        (frame.data.content_block as { type: string }).type === 'tool_use',
    );
    expect(toolStart?.data.index).toBe(1);
    const json = events
      .filter((frame) => frame.event === 'content_block_delta' && frame.data.index === 1)
      .map((frame) => (frame.data.delta as { partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual(input);
    expect(events.filter((frame) => frame.event === 'content_block_stop')).toHaveLength(2);
    expect(events.at(-2)?.data).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('shows the responder the tool result of the previous call, ignoring system reminders', async () => {
    const seen: Array<{ text: string; results: unknown }> = [];
    const simulated = await start((request, context) => {
      seen.push({ text: context.lastUserText, results: context.toolResults });
      return callToolThenReply({
        toolUse: { name: 'Write', input: {} },
        reply: (result) => `saw ${result.content}`,
      })(request, context);
    });
    const response = await post(
      simulated.url,
      body([
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>x</system-reminder>' },
            { type: 'text', text: 'save it' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Write', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              is_error: true,
              content: 'Denied: not at this trust level',
            },
          ],
        },
        { role: 'system', content: 'environment details' },
      ]),
    );
    const events = parseEvents(await response.text());
    expect(events[2]?.data.delta).toEqual({
      type: 'text_delta',
      text: 'saw Denied: not at this trust level',
    });
    expect(seen).toEqual([
      {
        text: 'save it',
        results: [{ toolUseId: 'toolu_1', content: 'Denied: not at this trust level', isError: true }],
      },
    ]);
  });

  it('answers a scripted HTTP error in the API error format', async () => {
    const simulated = await start(failWithHttpError(529, 'overloaded_error', 'Overloaded'));
    const response = await post(simulated.url, body([{ role: 'user', content: 'hi' }]));
    expect(response.status).toBe(529);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });

  it('keeps session-title side requests away from the responder', async () => {
    let calls = 0;
    const simulated = await start(() => {
      calls++;
      return { text: 'main' };
    });
    const titleRequest = body([{ role: 'user', content: 'name this' }], {
      tools: [],
      system: [{ type: 'text', text: 'You are naming a coding session so the user can pick it out.' }],
      output_config: {
        format: {
          type: 'json_schema',
          schema: { type: 'object', properties: { title: { type: 'string' } } },
        },
      },
    });
    const events = parseEvents(await (await post(simulated.url, titleRequest)).text());
    expect(JSON.parse(deltaText(events[2]))).toEqual({
      title: 'Simulated session',
    });
    expect(calls).toBe(0);
    expect(simulated.sideRequests).toHaveLength(1);
    expect(simulated.requests).toHaveLength(0);
  });

  it('answers probes, count_tokens and unknown paths sensibly', async () => {
    const simulated = await start();
    expect((await fetch(`${simulated.url}/api/hello`, { method: 'HEAD' })).status).toBe(200);
    const count = await post(
      simulated.url,
      body([{ role: 'user', content: 'hello there' }]),
      '/v1/messages/count_tokens',
    );
    expect(((await count.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0);
    const unknown = await fetch(`${simulated.url}/v1/models`);
    expect(unknown.status).toBe(404);
    expect(simulated.unexpectedRequests).toEqual(['GET /v1/models']);
    const invalid = await fetch(`${simulated.url}/v1/messages`, { method: 'POST', body: 'not json' });
    expect(invalid.status).toBe(400);
  });

  it('plays scripted steps in order and repeats the last', async () => {
    const simulated = await start(playSteps([{ text: 'one' }, { text: 'two' }]));
    const texts: unknown[] = [];
    for (let call = 0; call < 3; call++) {
      const events = parseEvents(
        await (await post(simulated.url, body([{ role: 'user', content: 'x' }]))).text(),
      );
      texts.push(deltaText(events[2]));
    }
    expect(texts).toEqual(['one', 'two', 'two']);
  });

  it('closes even while an answer is delayed', async () => {
    const simulated = await start(() => ({ text: 'late', delayMs: 60_000 }));
    const pending = post(simulated.url, body([{ role: 'user', content: 'x' }])).catch(
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await simulated.close();
    model = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('demoResponder', () => {
  const context = (text: string) => ({ callIndex: 0, lastUserText: text, toolResults: [] });
  const request = body([]);

  it('echoes the user plainly, marked as simulated, and never claims to be Claude', async () => {
    const step = await demoResponder(request, context('What are your opening hours?'));
    expect(step).toEqual({
      text: `${simulatedReplyPrefix} You said: "What are your opening hours?". (This reply comes from a local simulator, not from Claude.)`,
    });
  });

  it('greets back with a hint on how to reach a real model', async () => {
    const step = (await demoResponder(request, context('Hello!'))) as { text: string };
    expect(step.text.startsWith(simulatedReplyPrefix)).toBe(true);
    expect(step.text).toContain('Set ANTHROPIC_API_KEY');
    expect(step.text).not.toMatch(/I am Claude|I'm Claude/i);
  });
});

describe('request readers', () => {
  it('find the newest user text and tool results', () => {
    const request = body([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'done' }] }],
      },
    ]);
    expect(lastUserText(request)).toBe('first');
    expect(lastToolResults(request)).toEqual([{ toolUseId: 't', content: 'done', isError: false }]);
  });
});
