import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../pipeline/index.js';
import { openStore } from '../store/index.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(repoRoot, 'bin', 'steward.js');

describe('steward serve (the real CLI, SDK and simulated model)', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'steward-cli-'));
    const entry = pathToFileURL(join(repoRoot, 'src', 'index.ts')).href;
    writeFileSync(
      join(dir, 'steward.config.ts'),
      [
        `import { defineConfig } from '${entry}';`,
        "const agentId: string = 'front-desk';",
        'export default defineConfig([',
        "  { tenantId: 'acme-bakery', agentId, systemPrompt: 'You answer customers of Acme Bakery.' },",
        "  { tenantId: 'acme-bakery', agentId: 'back-office' },",
        ']);',
        '',
      ].join('\n'),
    );
  });

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a message from the intelligent tier, then shuts down on SIGTERM with exit code 0', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      STEWARD_DATABASE_URL: `sqlite://${join(dir, 'steward.db')}`,
    };
    delete env.ANTHROPIC_API_KEY;
    delete env.STEWARD_API_TOKEN;
    delete env.STEWARD_ADMIN_TOKEN;
    delete env.STEWARD_PORT;
    delete env.STEWARD_HOST;
    const started = spawn(
      process.execPath,
      [bin, 'serve', '--config', join(dir, 'steward.config.ts'), '--port', '0'],
      {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = started;
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    started.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    started.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });

    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no listening line in 30 s\n${stdout}\n${stderr}`)),
        30_000,
      );
      const check = () => {
        const match = /^steward listening on (http:\/\/127\.0\.0\.1:(\d+))$/m.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      started.stdout!.on('data', check);
      void exited.then((code) => reject(new Error(`steward exited early (${code})\n${stdout}\n${stderr}`)));
    });
    expect(stderr).toContain('LOCAL SIMULATED MODEL');
    expect(stderr).toContain('ANTHROPIC_API_KEY');
    const response = await fetch(`${url}/api/agents/front-desk/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'When do you open?' }),
      signal: AbortSignal.timeout(30_000),
    });
    expect(response.status, `${stdout}\n${stderr}`).toBe(200);
    const reply = (await response.json()) as Reply;
    expect(reply).toMatchObject({ tier: 'intelligent', outcome: 'success', simulatedModel: true });
    expect(reply.text.length).toBeGreaterThan(0);
    // No key anywhere, on 127.0.0.1: the local demo serves without a token, and the banner says so.
    expect(stdout).toContain('auth: OFF for a local demo');
    expect(stdout).toContain('implicit local admin');
    expect(stdout).toContain('agent front-desk (tenant acme-bakery)');
    expect(stdout).toContain('agent back-office (tenant acme-bakery)');

    started.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000)),
    ]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain('steward stopped');

    const store = await openStore({ path: join(dir, 'steward.db') }, {});
    try {
      const recorded = await store.interactions.get('acme-bakery', reply.interactionId);
      expect(recorded).toMatchObject({
        agentId: 'front-desk',
        channel: 'web',
        tier: 'intelligent',
        requestText: 'When do you open?',
        simulatedModel: true,
      });
    } finally {
      await store.close();
    }
  });
});
