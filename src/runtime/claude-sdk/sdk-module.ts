/**
 * The Claude Agent SDK, imported on a process's first model run rather than when the runtime module loads:
 * the module costs about 28 MB of RSS, which a server answering from its cache or patterns, or a host whose
 * agents have not reached the model yet, does not pay.
 */
type ClaudeAgentSdk = typeof import('@anthropic-ai/claude-agent-sdk');

let loaded: ClaudeAgentSdk | undefined;
let loading: Promise<ClaudeAgentSdk> | undefined;

/** Imports the SDK once; every caller awaits the same import. */
export async function loadSdk(): Promise<ClaudeAgentSdk> {
  if (loaded) return loaded;
  loading ??= import('@anthropic-ai/claude-agent-sdk').then((sdk) => {
    loaded = sdk;
    return sdk;
  });
  return loading;
}

/** The SDK for code that runs after {@link loadSdk} resolved (each run awaits it before building its options). */
export function loadedSdk(): ClaudeAgentSdk {
  if (!loaded) throw new Error('the Claude Agent SDK was used before loadSdk() resolved');
  return loaded;
}

/** Whether this process has imported the SDK (for tests and `describe()`). */
export function sdkLoaded(): boolean {
  return loaded !== undefined;
}
