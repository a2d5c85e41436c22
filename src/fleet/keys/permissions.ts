/**
 * Who may do what: the roles, the actions of the API, the table between them, and tenant scope. A tenant
 * outside a key's scope answers exactly like a tenant that does not exist, so scope leaks no existence.
 */
import { StewardError } from '../../errors/index.js';

export const roles = ['admin', 'operator', 'approver', 'viewer', 'chat'] as const;
export type Role = (typeof roles)[number];

/**
 * Every action a route checks. Tenant actions concern one tenant's agents and data; platform actions
 * (keys, tenants, templates) concern every tenant and need an admin whose scope is `'*'`.
 */
export const actions = [
  'agents:read',
  'agents:write',
  'messages:send',
  'feedback:give',
  'interactions:read',
  'contacts:read',
  'contacts:write',
  'trust:read',
  'trust:act',
  'approvals:read',
  'approvals:decide',
  'cache:act',
  'patterns:read',
  'patterns:act',
  'learning:read',
  'capabilities:decide',
  'budget:read',
  'costs:read',
  'audit:read',
  'audit:decrypt',
  'keys:manage',
  'tenants:manage',
  'templates:manage',
] as const;
export type Action = (typeof actions)[number];

export const platformActions: ReadonlySet<Action> = new Set([
  'keys:manage',
  'tenants:manage',
  'templates:manage',
]);

const reads: Action[] = [
  'agents:read',
  'interactions:read',
  'contacts:read',
  'trust:read',
  'approvals:read',
  'patterns:read',
  'learning:read',
  'budget:read',
  'costs:read',
  'audit:read',
];

/**
 * The permission table. `audit:decrypt` is the operator's only when the policy allows it
 * (`operatorsMayDecryptAudit`); admins always may.
 */
export const permissionTable: Readonly<Record<Role, ReadonlySet<Action>>> = {
  admin: new Set(actions),
  operator: new Set<Action>([
    ...reads,
    'agents:write',
    'contacts:write',
    'messages:send',
    'feedback:give',
    'trust:act',
    'approvals:decide',
    'cache:act',
    'patterns:act',
    'capabilities:decide',
    'audit:decrypt',
  ]),
  approver: new Set<Action>([
    'agents:read',
    'approvals:read',
    'approvals:decide',
    'learning:read',
    'capabilities:decide',
  ]),
  viewer: new Set<Action>(reads),
  chat: new Set<Action>(['messages:send', 'feedback:give']),
};

/** The tenants a key may touch: every tenant, or these. */
export type TenantScope = '*' | readonly string[];

/** Who is calling: resolved from the bearer token by `authenticate`. */
export interface Caller {
  keyId: string;
  keyName: string;
  role: Role;
  tenants: TenantScope;
}

/** Settings that change the table. */
export interface PermissionPolicy {
  /** Operators may decrypt audit records (`audit:decrypt`); default false: only admins. */
  operatorsMayDecryptAudit?: boolean;
}

export interface AuthorizeRequest {
  action: Action;
  /** The tenant acted on; omit only for a list that the route then narrows with `visibleTenants`. */
  tenantId?: string;
}

/** True when `role` may take `action` under `policy` (scope aside). */
export function roleAllows(role: Role, action: Action, policy: PermissionPolicy = {}): boolean {
  if (role === 'operator' && action === 'audit:decrypt') return policy.operatorsMayDecryptAudit === true;
  return permissionTable[role].has(action);
}

/**
 * Throws unless `caller` may take the action on the tenant: 403 `permission-denied` when its role may
 * not (checked first, so it says nothing about the tenant), then 404 `not-found`, the very error of a
 * missing tenant ({@link tenantNotFound}), when the tenant is outside its scope. Call it before looking
 * the tenant up.
 *
 * @example
 * authorize(caller, { action: 'trust:act', tenantId: 'acme' });
 */
export function authorize(caller: Caller, request: AuthorizeRequest, policy: PermissionPolicy = {}): void {
  const { action, tenantId } = request;
  if (!roleAllows(caller.role, action, policy)) {
    throw new StewardError(
      'permission-denied',
      `key "${caller.keyName}" (${caller.keyId}) has the role ${caller.role}, which may not ${action}; ${rolesFor(action, policy)}`,
      { details: { action, role: caller.role } },
    );
  }
  if (platformActions.has(action) && caller.tenants !== '*') {
    throw new StewardError(
      'permission-denied',
      `${action} concerns every tenant: it needs an admin key whose tenants are "*", and key "${caller.keyName}" (${caller.keyId}) is limited to some tenants`,
      { details: { action, role: caller.role } },
    );
  }
  if (tenantId !== undefined && !inScope(caller, tenantId)) throw tenantNotFound(tenantId);
}

/** True when the caller's scope covers `tenantId`. */
export function inScope(caller: Caller, tenantId: string): boolean {
  return caller.tenants === '*' || caller.tenants.includes(tenantId);
}

/** The tenants a list may show the caller: `'*'` or its own list. */
export function visibleTenants(caller: Caller): TenantScope {
  return caller.tenants;
}

/**
 * The 404 of a tenant that does not exist, also given for a tenant outside the caller's scope: the
 * registry throws this same error for a missing tenant, so both answers are byte for byte alike.
 */
export function tenantNotFound(tenantId: string): StewardError {
  return new StewardError('not-found', `there is no tenant "${tenantId}"`, { details: { tenantId } });
}

function rolesFor(action: Action, policy: PermissionPolicy): string {
  const allowed = roles.filter((role) => roleAllows(role, action, policy));
  return `roles that may: ${allowed.join(', ')}`;
}
