/**
 * The files beside a SQLite store hold every tenant's data and the keys: the folder we create is 0700,
 * the database, its -wal and -shm files and the key files 0600 whatever the umask, and files left wider
 * by an earlier version are narrowed with a warning.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/index.js';
import { openStore } from './open-store.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'steward-modes-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Runs `work` with the process umask set to `mask` (no other test in this file runs meanwhile). */
async function withUmask<T>(mask: number, work: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await work();
  } finally {
    process.umask(previous);
  }
}

describe('a SQLite store’s files', () => {
  it('are created 0600 in a folder created 0700, -wal and -shm too, under a umask of 022', async () => {
    const data = join(temporaryFolder(), 'data');
    const path = join(data, 'steward.db');
    const store = await withUmask(0o022, () => openStore({ path }, {}));
    cleanups.push(() => store.close());
    const log = new AuditLog(store, {}, {});
    cleanups.push(() => log.close());
    await log.append([
      { tenantId: 'acme', agentId: 'desk', eventType: 'mode-checked', at: 1, level: 'standard', payload: {} },
    ]);

    expect(modeOf(data)).toBe(0o700);
    for (const file of [
      'steward.db',
      'steward.db-wal',
      'steward.db-shm',
      'secret.key',
      'audit-signing.key',
    ]) {
      expect([file, modeOf(join(data, file))]).toEqual([file, 0o600]);
    }
    expect(store.warnings).toEqual([]);
    expect(log.warnings).toEqual([]);
  });

  it('are 0600 even under a umask that would let the group read and write', async () => {
    const path = join(temporaryFolder(), 'steward.db');
    const store = await withUmask(0o002, () => openStore({ path }, {}));
    cleanups.push(() => store.close());
    await store.interactions.list({ tenantId: 'acme' });
    expect(modeOf(path)).toBe(0o600);
    expect(modeOf(`${path}-shm`)).toBe(0o600);
  });

  it('are narrowed to 0600 with a warning when an earlier version left them open to others', async () => {
    const folder = temporaryFolder();
    const path = join(folder, 'steward.db');
    const first = await openStore({ path }, {});
    const firstLog = new AuditLog(first, {}, {});
    await firstLog.close();
    await first.close();
    for (const file of ['steward.db', 'secret.key', 'audit-signing.key']) {
      chmodSync(join(folder, file), 0o644);
    }
    // A crash leaves the -wal and -shm files (a clean close removes them).
    for (const file of ['steward.db-wal', 'steward.db-shm']) {
      writeFileSync(join(folder, file), '');
      chmodSync(join(folder, file), 0o664);
    }
    chmodSync(folder, 0o755);

    const store = await openStore({ path }, {});
    cleanups.push(() => store.close());
    const log = new AuditLog(store, {}, {});
    cleanups.push(() => log.close());
    const files = ['steward.db', 'steward.db-wal', 'steward.db-shm', 'secret.key', 'audit-signing.key'];
    for (const file of files) expect([file, modeOf(join(folder, file))]).toEqual([file, 0o600]);
    expect(store.warnings).toEqual([
      `${path} was accessible to other users (mode 0644); it is now 0600`,
      `${path}-wal was accessible to other users (mode 0664); it is now 0600`,
      `${path}-shm was accessible to other users (mode 0664); it is now 0600`,
      `${join(folder, 'secret.key')} was accessible to other users (mode 0644); it is now 0600`,
    ]);
    expect(log.warnings).toEqual([
      `${join(folder, 'audit-signing.key')} was accessible to other users (mode 0644); it is now 0600`,
    ]);
    // A folder the operator made is theirs to set.
    expect(modeOf(folder)).toBe(0o755);
  });

  it('leave an existing folder as it is', async () => {
    const folder = join(temporaryFolder(), 'chosen');
    mkdirSync(folder, { mode: 0o750 });
    chmodSync(folder, 0o750);
    writeFileSync(join(folder, 'notes.txt'), 'operator notes', { mode: 0o644 });
    const store = await openStore({ path: join(folder, 'steward.db') }, {});
    cleanups.push(() => store.close());
    expect(modeOf(folder)).toBe(0o750);
    expect(modeOf(join(folder, 'notes.txt'))).toBe(0o644);
    expect(modeOf(join(folder, 'steward.db'))).toBe(0o600);
  });
});
