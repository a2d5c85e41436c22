import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../fleet/index.js';
import { openStore, type StewardStore } from '../store/index.js';
import type { CliIo } from './cli-io.js';
import { runCli } from './run-cli.js';
import { openServeAuth } from './serve-auth.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function tempStore(): Promise<{ dir: string; store: StewardStore }> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-serve-auth-'));
  const store = await openStore({ path: join(dir, 'steward.db') }, {});
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => store.close());
  return { dir, store };
}

function io(env: NodeJS.ProcessEnv, cwd = process.cwd()): CliIo & { errors: string[] } {
  const errors: string[] = [];
  return { out: () => {}, error: (line) => errors.push(line), env, cwd, errors };
}

describe('who may call steward serve', () => {
  it('runs keyless on 127.0.0.1 as an implicit local admin, and says so', async () => {
    const { store } = await tempStore();
    const auth = await openServeAuth(store, '127.0.0.1', io({}));
    cleanups.push(() => auth.close());
    expect(auth.banner).toContain('OFF for a local demo');
    expect(auth.banner).toContain('implicit local admin');
    expect(await auth.authenticator.authenticate(undefined)).toMatchObject({ keyId: 'local', role: 'admin' });
  });

  it('refuses any other address without a key, and accepts it with STEWARD_ADMIN_TOKEN or a key in the store', async () => {
    const { store } = await tempStore();
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      await expect(openServeAuth(store, host, io({}))).rejects.toThrow(
        `refusing to listen on ${host} without any API key`,
      );
    }
    const withToken = await openServeAuth(store, '0.0.0.0', io({ STEWARD_ADMIN_TOKEN: 'x'.repeat(32) }));
    expect(withToken.banner).toContain('required on /api/*');
    expect(withToken.banner).toContain('STEWARD_ADMIN_TOKEN');
    await expect(withToken.authenticator.authenticate(undefined)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await withToken.keys.create({ name: 'admin', role: 'admin', tenants: '*' }, 'cli:test');
    await withToken.close();
    const withKey = await openServeAuth(store, '0.0.0.0', io({}));
    cleanups.push(() => withKey.close());
    expect(withKey.banner).toContain('1 active API key in the store');
  });

  it('refuses a short STEWARD_ADMIN_TOKEN, and warns that STEWARD_API_TOKEN is deprecated but keeps it', async () => {
    const { store } = await tempStore();
    await expect(openServeAuth(store, '127.0.0.1', io({ STEWARD_ADMIN_TOKEN: 'short' }))).rejects.toThrow(
      'STEWARD_ADMIN_TOKEN must be at least 16 characters',
    );
    const legacy = io({ STEWARD_API_TOKEN: 'old-token' });
    const auth = await openServeAuth(store, '127.0.0.1', legacy);
    cleanups.push(() => auth.close());
    expect(legacy.errors.join('\n')).toContain('STEWARD_API_TOKEN is deprecated');
    expect(auth.banner).toContain('STEWARD_API_TOKEN');
    expect(await auth.authenticator.authenticate('Bearer old-token')).toMatchObject({ role: 'admin' });
    await expect(auth.authenticator.authenticate(undefined)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('makes `steward serve --host 0.0.0.0` exit 1 with the reason when no key exists', async () => {
    const { dir } = await tempStore();
    const entry = pathToFileURL(join(repoRoot, 'src', 'index.ts')).href;
    writeFileSync(
      join(dir, 'steward.config.ts'),
      `import { defineConfig } from '${entry}';\nexport default defineConfig({ agentId: 'desk', store: { path: ${JSON.stringify(join(dir, 'serve.db'))} } });\n`,
    );
    const cli = io({});
    const out: string[] = [];
    const code = await runCli(
      ['serve', '--host', '0.0.0.0', '--port', '0', '--config', 'steward.config.ts'],
      {
        ...cli,
        out: (line) => out.push(line),
        cwd: dir,
      },
    );
    expect(code).toBe(1);
    expect(cli.errors.join('\n')).toContain('refusing to listen on 0.0.0.0 without any API key');
    expect(out.join('\n')).not.toContain('listening');
  });

  it('knows which addresses only this machine reaches', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1', '::ffff:10.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
