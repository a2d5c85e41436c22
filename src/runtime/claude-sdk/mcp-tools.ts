/**
 * Turns plain tool definitions into the SDK's in-process MCP servers, one per `server` name. The model sees
 * each tool as `mcp__<server>__<name>`. Servers are built per run: an MCP server instance holds one
 * transport, so concurrent runs cannot share one.
 */
import type { McpSdkServerConfigWithInstance } from '@anthropic-ai/claude-agent-sdk';
import type { z } from 'zod';
import { loadedSdk } from './sdk-module.js';

/**
 * A tool the agent's model may call, run in this process.
 *
 * @example
 * const lookupOrder: McpToolDefinition = {
 *   server: 'shop',
 *   name: 'lookup_order',
 *   description: 'Looks up an order by its number',
 *   inputSchema: { orderNumber: z.string() },
 *   handler: async ({ orderNumber }) => ({ orderNumber, status: 'shipped' }),
 * };
 */
export interface McpToolDefinition {
  server: string;
  name: string;
  description: string;
  /** A zod raw shape (the object passed to `z.object`), e.g. `{ orderNumber: z.string() }`. */
  inputSchema: Record<string, z.ZodType>;
  /** Returns the text (or a JSON-serializable object) the model receives; a throw becomes an error result. */
  handler: (input: Record<string, unknown>) => Promise<string | Record<string, unknown>>;
}

/** The name the model uses for a tool: `mcp__<server>__<name>`. */
export function mcpToolName(definition: Pick<McpToolDefinition, 'server' | 'name'>): string {
  return `mcp__${definition.server}__${definition.name}`;
}

/**
 * Builds one in-process MCP server per distinct `server` of the given tools.
 * `selected` (full `mcp__…` names) limits which tools are offered; undefined offers all.
 */
export function buildMcpServers(
  definitions: ReadonlyArray<McpToolDefinition>,
  selected?: ReadonlySet<string>,
): Record<string, McpSdkServerConfigWithInstance> {
  const byServer = new Map<string, McpToolDefinition[]>();
  for (const definition of definitions) {
    if (selected && !selected.has(mcpToolName(definition))) continue;
    const list = byServer.get(definition.server);
    if (list) list.push(definition);
    else byServer.set(definition.server, [definition]);
  }
  const servers: Record<string, McpSdkServerConfigWithInstance> = {};
  if (byServer.size === 0) return servers;
  // Runs build their options after awaiting loadSdk(), so the SDK is here.
  const { createSdkMcpServer, tool } = loadedSdk();
  for (const [server, list] of byServer) {
    servers[server] = createSdkMcpServer({
      name: server,
      version: '1.0.0',
      // Without this the CLI defers MCP tools behind its ToolSearch tool and the model does not see their schemas.
      alwaysLoad: true,
      tools: list.map((definition) =>
        tool(definition.name, definition.description, definition.inputSchema, async (args) => {
          try {
            const output = await definition.handler(args as Record<string, unknown>);
            const text = typeof output === 'string' ? output : JSON.stringify(output);
            return { content: [{ type: 'text' as const, text }] };
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            return { content: [{ type: 'text' as const, text: message }], isError: true };
          }
        }),
      ),
    });
  }
  return servers;
}
