import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAuditRecords } from '../audit/index.js';
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
        // A path rule that looks absolute but is relative under the grammar, and a daily budget below one
        // model run's reservation (every message would be refused): both are startup warnings.
        "  { tenantId: 'acme-bakery', agentId: 'back-office', trust: { deny: ['Read(/etc/shadow)'] }, optimization: { budget: { daily: 0.01 } } },",
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
    expect(stderr).toContain(
      'steward: warning: agent back-office: trust.deny.0: "Read(/etc/shadow)" means <working directory>/etc/shadow',
    );
    expect(stderr).toMatch(
      /steward: warning: optimization\.budget\.daily \(\$0\.01\) of acme-bakery\/back-office is below what one model run reserves/,
    );
    expect(stderr).not.toContain('acme-bakery/front-desk is below');
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
    // The runs live beside the store, private, and the finished run left nothing.
    expect(statSync(join(dir, 'runs')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, 'runs'))).toEqual([]);
    expect(existsSync(join(dir, '.steward'))).toBe(false);
    // Each agent works in its own private folder beside the store, and the startup lines say how.
    expect(statSync(join(dir, 'workspaces', 'acme-bakery', 'front-desk')).mode & 0o777).toBe(0o700);
    expect(stdout).toMatch(
      /^ {2}tools: each agent in its own workspace folder; (shell sandboxed|no shell tools)/m,
    );
    for (const file of ['steward.db', 'steward.db-wal', 'steward.db-shm', 'secret.key']) {
      expect([file, statSync(join(dir, file)).mode & 0o777]).toEqual([file, 0o600]);
    }
    // The file's agents are in the registry, served by the registry API.
    expect(stdout).toContain('registry: 2 agents from the config, 2 changed');
    const listed = (await (await fetch(`${url}/api/tenants/acme-bakery/agents`)).json()) as {
      items: Array<{ agentId: string; version: number; createdBy: string }>;
    };
    expect(listed.items.map((agent) => [agent.agentId, agent.version])).toEqual([
      ['back-office', 1],
      ['front-desk', 1],
    ]);
    expect(listed.items[0]!.createdBy).toBe(`serve:${join(dir, 'steward.config.ts')}`);

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

  it('applies the file to the registry again on the next start without new versions', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      STEWARD_DATABASE_URL: `sqlite://${join(dir, 'steward.db')}`,
    };
    delete env.ANTHROPIC_API_KEY;
    delete env.STEWARD_API_TOKEN;
    const started = spawn(
      process.execPath,
      [bin, 'serve', '--config', join(dir, 'steward.config.ts'), '--port', '0'],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    let output = '';
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    started.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 30 s\n${output}`)), 30_000);
      started.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (/^ {2}registry: /m.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => reject(new Error(`steward exited early (${code})\n${output}`)));
    });
    expect(output).toContain('registry: 2 agents from the config, 0 changed');
    started.kill('SIGTERM');
    expect(await exited).toBe(0);

    const store = await openStore({ path: join(dir, 'steward.db') }, {});
    try {
      const records = await searchAuditRecords(store, { tenantId: 'acme-bakery', limit: 50 });
      const registryRecords = records.records
        .filter((record) => record.eventType.startsWith('agent-') || record.eventType.startsWith('tenant-'))
        .map((record) => `${record.eventType} ${record.agentId}`)
        .sort();
      expect(registryRecords).toEqual([
        'agent-created back-office',
        'agent-created front-desk',
        'tenant-created steward-registry',
      ]);
    } finally {
      await store.close();
    }
  });
});
