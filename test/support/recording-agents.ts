/**
 * Agents for channel tests: built on demand over the test's store with an in-process model that records
 * each prompt (and its tenant) and answers one fixed reply; closed together after each test.
 */
import { ClaudeAgent } from '../../src/agent/index.js';
import type { UseAgent } from '../../src/channels/index.js';
import { FunctionRuntime } from '../../src/runtime/index.js';
import type { StewardStore } from '../../src/store/index.js';

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
  const built: ClaudeAgent[] = [];
  const prompts: RecordingAgents['prompts'] = [];
  return {
    prompts,
    useAgent: async (tenantId, agentId, work) => {
      const agent = new ClaudeAgent({
        tenantId,
        agentId,
        store: store(),
        runtime: new FunctionRuntime(async ({ prompt }) => {
          prompts.push({ tenantId, prompt });
          return reply;
        }),
      });
      built.push(agent);
      return work(agent);
    },
    async reset() {
      for (const agent of built.splice(0)) await agent.close();
      prompts.splice(0);
    },
  };
}
