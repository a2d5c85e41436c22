import { describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import {
  type Action,
  actions,
  authorize,
  type Caller,
  permissionTable,
  type Role,
  roleAllows,
  roles,
  tenantNotFound,
} from './permissions.js';

const caller = (role: Role, tenants: Caller['tenants'] = '*'): Caller => ({
  keyId: 'k1',
  keyName: 'test key',
  role,
  tenants,
});

/** The table written out by hand: a change to permissions.ts must change this too. */
const expected: Record<Action, Role[]> = {
  'agents:read': ['admin', 'operator', 'approver', 'viewer'],
  'agents:write': ['admin', 'operator'],
  'messages:send': ['admin', 'operator', 'chat'],
  'feedback:give': ['admin', 'operator', 'chat'],
  'interactions:read': ['admin', 'operator', 'viewer'],
  // A tenant's customers (personal data): viewers list them, operators change them, chat keys neither.
  'contacts:read': ['admin', 'operator', 'viewer'],
  'contacts:write': ['admin', 'operator'],
  'trust:read': ['admin', 'operator', 'viewer'],
  'trust:act': ['admin', 'operator'],
  'approvals:read': ['admin', 'operator', 'approver', 'viewer'],
  'approvals:decide': ['admin', 'operator', 'approver'],
  'cache:act': ['admin', 'operator'],
  'patterns:read': ['admin', 'operator', 'viewer'],
  'patterns:act': ['admin', 'operator'],
  'learning:read': ['admin', 'operator', 'approver', 'viewer'],
  'capabilities:decide': ['admin', 'operator', 'approver'],
  'budget:read': ['admin', 'operator', 'viewer'],
  'costs:read': ['admin', 'operator', 'viewer'],
  'audit:read': ['admin', 'operator', 'viewer'],
  // Operators only when the policy allows (see below).
  'audit:decrypt': ['admin'],
  'keys:manage': ['admin'],
  'tenants:manage': ['admin'],
  'templates:manage': ['admin'],
};

function outcome(run: () => void): 'allowed' | string {
  try {
    run();
    return 'allowed';
  } catch (error) {
    if (!StewardError.isInstance(error)) throw error;
    return `${error.status} ${error.code}`;
  }
}

describe('the permission table', () => {
  it('names every action once, and gives each role exactly the actions written out here', () => {
    expect(Object.keys(expected).sort()).toEqual([...actions].sort());
    for (const action of actions) {
      for (const role of roles) {
        const allowed = outcome(() => authorize(caller(role), { action, tenantId: 'acme' }));
        expect(allowed, `${role} × ${action}`).toBe(
          expected[action].includes(role) ? 'allowed' : '403 permission-denied',
        );
      }
    }
  });

  it('lets operators decrypt audit records only when the policy says so', () => {
    const operator = caller('operator');
    expect(roleAllows('operator', 'audit:decrypt')).toBe(false);
    expect(outcome(() => authorize(operator, { action: 'audit:decrypt', tenantId: 'acme' }))).toBe(
      '403 permission-denied',
    );
    const policy = { operatorsMayDecryptAudit: true };
    expect(outcome(() => authorize(operator, { action: 'audit:decrypt', tenantId: 'acme' }, policy))).toBe(
      'allowed',
    );
    // The policy opens nothing else.
    for (const role of ['approver', 'viewer', 'chat'] as const) {
      expect(roleAllows(role, 'audit:decrypt', policy)).toBe(false);
    }
    expect(permissionTable.operator.has('keys:manage')).toBe(false);
  });

  it('says which roles may, when a role may not', () => {
    try {
      authorize(caller('viewer'), { action: 'trust:act', tenantId: 'acme' });
      expect.unreachable();
    } catch (error) {
      expect((error as StewardError).message).toContain('has the role viewer, which may not trust:act');
      expect((error as StewardError).message).toContain('roles that may: admin, operator');
    }
  });
});

describe('tenant scope', () => {
  it('answers a tenant outside the scope exactly like a tenant that does not exist', () => {
    const scoped = caller('operator', ['acme', 'globex']);
    expect(outcome(() => authorize(scoped, { action: 'trust:act', tenantId: 'acme' }))).toBe('allowed');
    let outOfScope: StewardError | undefined;
    try {
      authorize(scoped, { action: 'trust:act', tenantId: 'initech' });
    } catch (error) {
      outOfScope = error as StewardError;
    }
    const missing = tenantNotFound('initech');
    expect(outOfScope?.status).toBe(404);
    expect(JSON.stringify(outOfScope?.toJSON())).toBe(JSON.stringify(missing.toJSON()));
  });

  it('checks the role before the scope, so a refused role says nothing about the tenant', () => {
    const chat = caller('chat', ['acme']);
    const inScope = outcome(() => authorize(chat, { action: 'trust:act', tenantId: 'acme' }));
    const outOfScope = outcome(() => authorize(chat, { action: 'trust:act', tenantId: 'initech' }));
    expect(inScope).toBe('403 permission-denied');
    expect(outOfScope).toBe(inScope);
  });

  it('lets a key act on every tenant with "*", and a chat key only on its own', () => {
    expect(outcome(() => authorize(caller('viewer'), { action: 'costs:read', tenantId: 'anyone' }))).toBe(
      'allowed',
    );
    const chat = caller('chat', ['acme']);
    expect(outcome(() => authorize(chat, { action: 'messages:send', tenantId: 'acme' }))).toBe('allowed');
    expect(outcome(() => authorize(chat, { action: 'messages:send', tenantId: 'globex' }))).toBe(
      '404 not-found',
    );
  });

  it('keeps platform actions (keys, tenants, templates) to admins whose scope is every tenant', () => {
    const scopedAdmin = caller('admin', ['acme']);
    expect(outcome(() => authorize(scopedAdmin, { action: 'trust:act', tenantId: 'acme' }))).toBe('allowed');
    for (const action of ['keys:manage', 'tenants:manage', 'templates:manage'] as const) {
      expect(outcome(() => authorize(scopedAdmin, { action }))).toBe('403 permission-denied');
      expect(outcome(() => authorize(caller('admin'), { action }))).toBe('allowed');
    }
  });
});
