import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { runCli } from './run-cli.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'steward-cli-args-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), error: (line) => err.push(line), env, cwd: dir };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function writeConfig(name: string, body: string): string {
  const entry = pathToFileURL(join(repoRoot, 'src', 'index.ts')).href;
  writeFileSync(join(dir, name), `import { defineConfig } from '${entry}';\n${body}\n`);
  return name;
}

describe('steward arguments', () => {
  it('prints the usage with --help and the version with --version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: steward <command> \[options\]/);
    expect(help.out).toContain('--config <file>');
    expect(help.err).toBe('');
    expect(await run(['serve', '-h'])).toMatchObject({ code: 0 });
    const version = await run(['--version']);
    expect(version).toMatchObject({ code: 0, out: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('exits 2 with the usage on stderr for an unknown command, flag or bad port', async () => {
    for (const argv of [
      [],
      ['start'],
      ['serve', '--verbose'],
      ['serve', '--port', 'eighty'],
      ['serve', 'extra'],
    ]) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err, argv.join(' ')).toContain('Usage: steward');
      expect(result.out).toBe('');
    }
    expect((await run(['serve'], { STEWARD_PORT: '70000' })).err).toContain(
      'STEWARD_PORT must be a whole number',
    );
  });
});

describe('steward serve config errors (exit 1, a clear message, no stack trace)', () => {
  it('reports a missing config file', async () => {
    const result = await run(['serve']);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`config file not found: ${join(dir, 'steward.config.ts')}`);
    expect(result.err).toContain('--config');
  });

  it('reports an invalid agent config with the option path', async () => {
    const file = writeConfig(
      'invalid.config.ts',
      "export default defineConfig({ agentId: 'front desk', tools: 'Read' });",
    );
    const result = await run(['serve', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('agentId');
    expect(result.err).toContain('tools');
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it('rejects a body limit that is not a whole number of bytes', async () => {
    const file = writeConfig('limit.config.ts', "export default defineConfig({ agentId: 'desk' });");
    const result = await run(['serve', '--config', file], { STEWARD_BODY_LIMIT_BYTES: '1.5mb' });
    expect(result.code).toBe(1);
    expect(result.err).toContain('STEWARD_BODY_LIMIT_BYTES must be a whole number of bytes');
  });

  it('reports agents that share an agentId', async () => {
    const file = writeConfig(
      'duplicate.config.ts',
      "export default defineConfig([{ agentId: 'desk' }, { tenantId: 'other', agentId: 'desk' }]);",
    );
    const result = await run(['serve', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('agents 1 and 2 both have agentId "desk"');
  });

  it('reports a config without a default export, and one that does not compile', async () => {
    writeFileSync(join(dir, 'no-default.config.ts'), 'export const config = { agentId: "desk" };\n');
    const missing = await run(['serve', '--config', 'no-default.config.ts']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('has no default export');

    writeFileSync(join(dir, 'broken.config.ts'), 'export default {{ agentId: \n');
    const broken = await run(['serve', '--config', 'broken.config.ts']);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('could not load broken.config.ts');
  });
});
