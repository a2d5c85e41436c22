import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from './cli-io.js';
import { loadAgentConfigs } from './load-config.js';

describe('loadAgentConfigs', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'steward-load-config-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const config = { tenantId: 't1', agentId: 'a1', systemPrompt: 'Be brief.' };

  it('imports a .mjs config with Node itself: the very module a plain import gives, not a tsx copy', async () => {
    const file = join(directory, 'steward.config.mjs');
    writeFileSync(file, `export default ${JSON.stringify(config)};\n`);
    const native = (await import(pathToFileURL(file).href)) as { default: unknown };
    const [loaded] = await loadAgentConfigs(file, directory);
    expect(loaded).toEqual(config);
    expect(loaded).toBe(native.default);
  });

  it('imports a .cjs config through module.exports', async () => {
    const file = join(directory, 'steward.config.cjs');
    writeFileSync(
      file,
      `module.exports = [${JSON.stringify(config)}, ${JSON.stringify({ ...config, agentId: 'a2' })}];\n`,
    );
    const loaded = await loadAgentConfigs(file, directory);
    expect(loaded.map((each) => each.agentId)).toEqual(['a1', 'a2']);
  });

  it('compiles a TypeScript config with tsx', async () => {
    const file = join(directory, 'steward.config.ts');
    writeFileSync(
      file,
      `const agentId: string = 'a1';\nexport default { tenantId: 't1', agentId, systemPrompt: 'Be brief.' };\n`,
    );
    expect(await loadAgentConfigs(file, directory)).toEqual([config]);
  });

  it('loads a .js config written as ESM outside a "type": "module" package', async () => {
    const file = join(directory, 'steward.config.js');
    writeFileSync(file, `export default ${JSON.stringify(config)};\n`);
    expect(await loadAgentConfigs(file, directory)).toEqual([config]);
  });

  it('names the file when a .mjs config does not parse', async () => {
    const file = join(directory, 'broken.mjs');
    writeFileSync(file, 'export default {\n');
    const failure = await loadAgentConfigs(file, directory).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as Error).message).toMatch(/could not load broken\.mjs/);
  });
});
