/**
 * Loads `steward.config.ts` with tsx, so TypeScript configs work without a build step, and a
 * JavaScript config (.mjs, .cjs, .js) with Node's own import: tsx's loader keeps a thread of its own
 * alive for the life of the process (~28 MiB), which a server loading plain JavaScript need not pay.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AgentConfig } from '../agent/index.js';
import { openStore, type StewardStore } from '../store/index.js';
import { CliError } from './cli-io.js';
import { configSearchOrder, defaultConfigFile } from './config-file.js';

/**
 * Imports the config file and returns its default export as a list of agent configs (a single
 * config becomes a list of one). The configs are not validated here; constructing ClaudeAgent does that.
 *
 * @example
 * const configs = await loadAgentConfigs('./steward.config.ts', process.cwd());
 */
export async function loadAgentConfigs(configPath: string, cwd: string): Promise<AgentConfig[]> {
  const absolutePath = resolve(cwd, configPath);
  const shown = relative(cwd, absolutePath) || absolutePath;
  if (!existsSync(absolutePath) || !statSync(absolutePath).isFile()) {
    throw new CliError(
      `config file not found: ${absolutePath}\n` +
        `  Create ${defaultConfigFile} in this directory (export default defineConfig({ tenantId, agentId, systemPrompt })),\n` +
        `  or point to one with --config <file> or STEWARD_CONFIG (searched without them: ${configSearchOrder.join(', ')});\n` +
        '  examples/steward.config.ts in the claude-steward repository is a start.',
    );
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = await importConfigModule(absolutePath);
  } catch (error) {
    throw new CliError(`could not load ${shown}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Outside a `"type": "module"` package tsx compiles the file to CommonJS; ESM interop then puts
  // `module.exports` (marked `__esModule`) at `default`, and the real default export one level deeper.
  let exported = loaded.default;
  if (isRecord(exported) && exported.__esModule === true) exported = exported.default;
  if (exported === undefined) {
    throw new CliError(
      `${shown} has no default export; end it with \`export default defineConfig({ ... })\` (one agent) or an array of configs`,
    );
  }
  const configs = Array.isArray(exported) ? exported : [exported];
  if (configs.length === 0)
    throw new CliError(`${shown} exports an empty array; give at least one agent config`);
  configs.forEach((config, index) => {
    if (!isRecord(config)) {
      const where = Array.isArray(exported) ? `element ${index} of the default export` : 'the default export';
      throw new CliError(
        `${shown}: ${where} must be an agent config object, received ${describeValue(config)}`,
      );
    }
  });
  return configs as AgentConfig[];
}

/** Extensions Node imports itself; a `.js` file that is ESM in a CommonJS package falls back to tsx. */
const nativeExtensions = new Set(['.mjs', '.cjs', '.js']);

async function importConfigModule(absolutePath: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(absolutePath).href;
  if (nativeExtensions.has(extname(absolutePath))) {
    try {
      return (await import(url)) as Record<string, unknown>;
    } catch (error) {
      // `import` syntax in a .js file of a package without `"type": "module"`: tsx compiles it.
      if (!(error instanceof SyntaxError) || extname(absolutePath) !== '.js') throw error;
    }
  }
  // tsx only here, to load a TypeScript config: the command itself runs compiled JavaScript when built.
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/**
 * The store a config names: a store object the config built is used as is (the caller must not close
 * it); store settings, or none, open one from them and the environment (the caller closes it).
 *
 * @example
 * const { store, owned } = await storeOfConfig(configs[0]?.store, io.env);
 * try { … } finally { if (owned) await store.close(); }
 */
export async function storeOfConfig(
  configured: AgentConfig['store'],
  env: NodeJS.ProcessEnv,
): Promise<{ store: StewardStore; owned: boolean }> {
  if (configured && 'interactions' in configured) return { store: configured, owned: false };
  return { store: await openStore(configured ?? {}, env), owned: true };
}
