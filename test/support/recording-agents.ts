/**
 * Agents for channel tests: built on demand over the test's store with an in-process model, and closed
 * together after each test. `channelAgents` takes the model's answer and the agents' config; `recordingAgents`
 * records each prompt (and its tenant) and answers one fixed reply.
 */
import { type AgentConfig, ClaudeAgent } from '../../src/agent/index.js';
import type { UseAgent } from '../../src/channels/index.js';
import { FunctionRuntime, type RuntimeFunction } from '../../src/runtime/index.js';
import type { StewardStore } from '../../src/store/index.js';

export interface ChannelAgents {
  useAgent: UseAgent;
  /** The agents built so far, in order (until `reset`). */
  built: ClaudeAgent[];
  /** Closes every agent built. */
  reset(): Promise<void>;
}

export interface ChannelAgentsOptions {
  /** The test's store (read when an agent is built: the test opens a new one per test). */
  store: () => StewardStore;
  /** The in-process model of an agent of `tenantId`. */
  answer: (request: Parameters<RuntimeFunction>[0], tenantId: string) => ReturnType<RuntimeFunction>;
  /** More of each agent's config (its clock, audit level, messageHandling …). */
  config?: Omit<AgentConfig, 'tenantId' | 'agentId' | 'store' | 'runtime'>;
  /** Started before use, as the fleet's host does (its audit then records every event). */
  start?: boolean;
  /** Called with each agent built (e.g. to listen to its events). */
  onBuilt?: (agent: ClaudeAgent) => void;
}

/**
 * @example
 * const agents = channelAgents({ store: () => opened.store, answer: async () => 'On our way.' });
 * afterEach(() => agents.reset());
 * const core = new ChannelCore({ store: opened.store, adapters: [sms], useAgent: agents.useAgent });
 */
export function channelAgents(options: ChannelAgentsOptions): ChannelAgents {
  const built: ClaudeAgent[] = [];
  return {
    built,
    useAgent: async (tenantId, agentId, work) => {
      const agent = new ClaudeAgent({
        ...options.config,
        tenantId,
        agentId,
        store: options.store(),
        runtime: new FunctionRuntime((request) => options.answer(request, tenantId)),
      });
      built.push(agent);
      options.onBuilt?.(agent);
      if (options.start) await agent.start();
      return work(agent);
    },
    async reset() {
      for (const agent of built.splice(0)) await agent.close();
    },
  };
}

export interface RecordingAgents {
  useAgent: UseAgent;
  /** Every prompt an agent was given, in order. */
  prompts: Array<{ tenantId: string; prompt: string }>;
  /** Closes every agent built and forgets the prompts. */
  reset(): Promise<void>;
}

/**
 * @example
 * const agents = recordingAgents(() => opened.store);
 * afterEach(() => agents.reset());
 * const core = new ChannelCore({ store: opened.store, adapters: [sms], useAgent: agents.useAgent });
 */
export function recordingAgents(store: () => StewardStore, reply = 'Happy to help.'): RecordingAgents {
  const prompts: RecordingAgents['prompts'] = [];
  const agents = channelAgents({
    store,
    answer: async ({ prompt }, tenantId) => {
      prompts.push({ tenantId, prompt });
      return reply;
    },
  });
  return {
    prompts,
    useAgent: agents.useAgent,
    async reset() {
      await agents.reset();
      prompts.splice(0);
    },
  };
}
