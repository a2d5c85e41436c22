/** Workspace paths stay below the workspaces folder and are private; links out of it are refused. */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import { prepareWorkspace, workspacePath } from './workspaces.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function temporaryFolder(): string {
  const folder = realpathSync(mkdtempSync(join(tmpdir(), 'steward-workspaces-test-')));
  folders.push(folder);
  return folder;
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return StewardError.isInstance(error) ? error.code : `not a StewardError: ${error}`;
  }
  return undefined;
}

describe('workspacePath', () => {
  it('is <workspaces>/<tenant>/<agent>, absolute', () => {
    expect(workspacePath('/srv/steward/workspaces', 'acme-bakery', 'front-desk')).toBe(
      '/srv/steward/workspaces/acme-bakery/front-desk',
    );
    expect(workspacePath('data/workspaces', 'tenant:1', 'agent.v2')).toBe(
      join(process.cwd(), 'data', 'workspaces', 'tenant:1', 'agent.v2'),
    );
  });

  it.each([
    ['..', 'desk'],
    ['.', 'desk'],
    ['acme', '..'],
    ['acme', '../other'],
    ['acme/../../etc', 'desk'],
    ['/etc', 'desk'],
    ['acme', 'desk/../../x'],
    ['', 'desk'],
    ['acme', ''],
    ['.hidden', 'desk'],
    ['a'.repeat(129), 'desk'],
  ])('refuses tenant %j, agent %j with invalid-request', (tenantId, agentId) => {
    expect(codeOf(() => workspacePath('/srv/workspaces', tenantId, agentId))).toBe('invalid-request');
  });
});

describe('prepareWorkspace', () => {
  it('creates the workspace and the folders above it 0700, and narrows existing ones', async () => {
    const root = join(temporaryFolder(), 'workspaces');
    mkdirSync(join(root, 'acme'), { recursive: true });
    chmodSync(root, 0o755);
    chmodSync(join(root, 'acme'), 0o755);
    const workspace = await prepareWorkspace(root, 'acme', 'desk');
    expect(workspace).toBe(join(root, 'acme', 'desk'));
    for (const folder of [root, join(root, 'acme'), workspace]) {
      expect(statSync(folder).mode & 0o777, folder).toBe(0o700);
    }
    // A second run of the same agent finds the same folder.
    expect(await prepareWorkspace(root, 'acme', 'desk')).toBe(workspace);
  });

  it('refuses a workspace that is a link, or lies below one, to another folder', async () => {
    const base = temporaryFolder();
    const root = join(base, 'workspaces');
    const elsewhere = join(base, 'elsewhere');
    mkdirSync(join(root, 'acme'), { recursive: true });
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(root, 'acme', 'desk'));
    symlinkSync(elsewhere, join(root, 'linked-tenant'));
    for (const [tenantId, agentId] of [
      ['acme', 'desk'],
      ['linked-tenant', 'desk'],
    ] as const) {
      const error = await prepareWorkspace(root, tenantId, agentId).catch((caught: unknown) => caught);
      expect(StewardError.isInstance(error) && error.code, `${tenantId}/${agentId}`).toBe('runtime-failed');
      expect((error as Error).message).toContain('is a link');
    }
    // Nothing was made where the links lead.
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('follows a link at the workspaces folder itself, which the operator chose', async () => {
    const base = temporaryFolder();
    mkdirSync(join(base, 'real'));
    symlinkSync(join(base, 'real'), join(base, 'workspaces'));
    expect(await prepareWorkspace(join(base, 'workspaces'), 'acme', 'desk')).toBe(
      join(base, 'real', 'acme', 'desk'),
    );
  });
});
