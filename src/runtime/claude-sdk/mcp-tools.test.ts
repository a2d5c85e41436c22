/** In-process MCP tools, through the real SDK and CLI. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  closeAfterEach,
  quoteResult,
  runRequest,
  startSimulatedRuntime,
} from '../../../test/support/simulated-sdk-runtime.js';
import { callToolThenReply } from '../../simulator/index.js';
import { mcpToolName } from './mcp-tools.js';

closeAfterEach();

describe('mcpTools', () => {
  it('runs an in-process MCP tool: the handler gets the input, the model gets its output', async () => {
    const received: unknown[] = [];
    const { runtime } = await startSimulatedRuntime(
      callToolThenReply({
        toolUse: { name: 'mcp__shop__lookup_order', input: { orderNumber: 'A-1001' } },
        reply: quoteResult,
      }),
      {
        mcpTools: [
          {
            server: 'shop',
            name: 'lookup_order',
            description: 'Looks up an order by its number',
            inputSchema: { orderNumber: z.string() },
            handler: async (input) => {
              received.push(input);
              return { orderNumber: input.orderNumber, status: 'shipped' };
            },
          },
        ],
      },
    );
    const run = runRequest();
    const result = await runtime.run(run);

    expect(received).toEqual([{ orderNumber: 'A-1001' }]);
    expect(result.text).toBe('Tool said: {"orderNumber":"A-1001","status":"shipped"}');
    expect(result.toolCalls).toEqual([
      expect.objectContaining({ toolName: 'mcp__shop__lookup_order', status: 'succeeded' }),
    ]);
    expect(run.events).toContainEqual(
      expect.objectContaining({ type: 'tool-call-completed', toolName: 'mcp__shop__lookup_order' }),
    );
  });

  it('names tools the way the model sees them', () => {
    expect(mcpToolName({ server: 'shop', name: 'lookup_order' })).toBe('mcp__shop__lookup_order');
  });
});
