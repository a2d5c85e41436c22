/**
 * The Audit API: search a tenant's audit records, verify the hash chains, and decrypt records in a read
 * that is itself audited. Search and verify only read, so they call the log functions on the store
 * directly (what `Audit.search`/`Audit.verify` do) instead of opening an Audit, whose log writes.
 *
 * Decryption errors: a server without a usable `STEWARD_AUDIT_KEY` answers 403 `permission-denied`
 * (it holds no key, so it may not hand out plaintext); a key that does not open a record answers 500
 * `decryption-failed` naming the record (the key is wrong, or the ciphertext was altered).
 */
import { z } from 'zod';
import { idSchema } from '../agent/index.js';
import {
  Audit,
  type AuditRecord,
  auditFieldLimits,
  findAuditRecords,
  maxRecordsPerLookup,
  searchAuditRecords,
  verifyChain,
} from '../audit/index.js';
import { instantParameterSchema } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import type { StewardStore } from '../store/index.js';
import type { AgentDirectory } from './agent-directory.js';
import { actorOf } from './auth.js';
import { invalidRequestFromZod } from './http-errors.js';
import { limitBody, readJsonBody, requireJsonBody } from './json-body.js';
import { checkTenant, type RouteTable, scopeOf } from './route-scope.js';

const eventTypeSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'an event type such as tool-call-denied');

const searchQuerySchema = z
  .object({
    tenantId: idSchema,
    agentId: idSchema.optional(),
    conversationId: z.string().min(1).max(auditFieldLimits.conversationId).optional(),
    eventType: z.array(eventTypeSchema).min(1).max(100).optional(),
    from: instantParameterSchema.optional(),
    to: instantParameterSchema.optional(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, 'must be a whole number from 1 to 1000')
      .transform(Number)
      .pipe(z.number().int().min(1, 'must be from 1 to 1000').max(1_000, 'must be from 1 to 1000'))
      .optional(),
    cursor: z.string().min(1).max(512).optional(),
  })
  .strict();

const verifyQuerySchema = z.object({ tenantId: idSchema.optional() }).strict();

const decryptBodySchema = z
  .object({
    /** Required on the deprecated `/api/audit/decrypt`; the path gives it on the tenant route. */
    tenantId: idSchema.optional(),
    seqs: z.array(z.number().int().min(1)).min(1).max(maxRecordsPerLookup).optional(),
    ids: z.array(z.string().min(1).max(auditFieldLimits.id)).min(1).max(maxRecordsPerLookup).optional(),
  })
  .strict()
  .refine((body) => (body.seqs === undefined) !== (body.ids === undefined), {
    message: 'give either seqs (record numbers) or ids (record ids), not both and not neither',
    path: ['seqs'],
  });

export interface AuditRoutesOptions {
  routes: RouteTable;
  directory: AgentDirectory;
  store: StewardStore;
  /** Largest accepted body of `POST /api/audit/decrypt`; default 64 KiB. */
  bodyLimitBytes?: number;
}

/**
 * `GET /api/tenants/:tenantId/audit`, `…/audit/verify`, `POST …/audit/decrypt`, and their deprecated
 * aliases under `/api/audit` (which take `tenantId` from the query or the body).
 *
 * @example
 * registerAuditRoutes({ routes, directory, store });
 * // GET /api/tenants/acme/audit?eventType=tool-call-denied,tool-call-approved&from=2024-05-01&limit=50
 */
export function registerAuditRoutes(options: AuditRoutesOptions): void {
  const { routes, directory, store } = options;
  const json = [requireJsonBody(), limitBody(options.bodyLimitBytes ?? 64 * 1024)] as const;

  routes.tenantRoute('GET', '/audit', 'audit:read', async (c) => {
    const query = parseSearchQuery(new URL(c.req.url).searchParams, scopeOf(c).tenantId);
    checkTenant(c, 'audit:read', query.tenantId);
    const page = await searchAuditRecords(store, query);
    return c.json({ records: page.records, nextCursor: page.nextCursor }, 200);
  });

  routes.tenantRoute('GET', '/audit/verify', 'audit:read', async (c) => {
    const raw = singleValues(new URL(c.req.url).searchParams);
    const parsed = verifyQuerySchema.safeParse(raw);
    if (!parsed.success) throw invalidRequestFromZod(parsed.error, raw, 'query');
    const tenantId = parsed.data.tenantId ?? scopeOf(c).tenantId;
    if (tenantId !== undefined) checkTenant(c, 'audit:read', tenantId);
    const report = await verifyChain(store, tenantId === undefined ? {} : { tenantId });
    return c.json(report, 200);
  });

  routes.tenantRoute('POST', '/audit/decrypt', 'audit:decrypt', ...json, async (c) => {
    // The read is audited with the key that reads (X-Steward-Actor only adds an "on behalf of" note).
    const actor = actorOf(c);
    const body = await readJsonBody(c, decryptBodySchema);
    const tenantId = body.tenantId ?? scopeOf(c).tenantId;
    if (tenantId === undefined) {
      throw new StewardError(
        'invalid-request',
        'body.tenantId is required: the tenant whose records to decrypt',
        {
          details: { field: 'tenantId' },
        },
      );
    }
    checkTenant(c, 'audit:decrypt', tenantId);
    const selector = body.seqs ? { seqs: body.seqs } : { ids: body.ids ?? [] };
    const { records, missing } = await findAuditRecords(store, tenantId, selector);
    if (missing.length > 0) {
      throw new StewardError(
        'not-found',
        `tenant "${tenantId}" has no audit record with ${body.seqs ? 'seq' : 'id'} ${missing.join(', ')}`,
        { details: { tenantId, missing } },
      );
    }
    const { audit, owned } = await auditForTenant(directory, store, tenantId);
    try {
      return c.json({ records: await decryptAuditRecords(audit, records, actor) }, 200);
    } finally {
      if (owned) await audit.close();
    }
  });
}

/**
 * `audit.decrypt(records, actor)` with key problems made clear: no usable `STEWARD_AUDIT_KEY` becomes a
 * 403 `permission-denied`; a key that does not open a record keeps `decryption-failed`, naming the record.
 *
 * @example
 * const plain = await decryptAuditRecords(audit, records, 'alice@example.com');
 */
export async function decryptAuditRecords(
  audit: Audit,
  records: readonly AuditRecord[],
  actor: string,
): Promise<AuditRecord[]> {
  try {
    return await audit.decrypt(records, actor);
  } catch (error) {
    if (isMissingAuditKey(error)) {
      throw new StewardError(
        'permission-denied',
        'this server holds no usable audit key, so it cannot decrypt audit records: set STEWARD_AUDIT_KEY ' +
          'to the key (or keyring "k2:<key>,k1:<older key>") the records were encrypted with, and restart. ' +
          `(${(error as Error).message.replace(/\s+/g, ' ')})`,
        { cause: error, details: { reason: 'no-key' } },
      );
    }
    if (StewardError.isInstance(error) && error.code === 'decryption-failed') {
      throw new StewardError(
        'decryption-failed',
        `${error.message} Check that STEWARD_AUDIT_KEY holds the key the records were encrypted with (and every older key after a rotation); if it does, the stored ciphertext was altered.`,
        { cause: error, details: { ...error.details, seqs: records.map((record) => record.seq) } },
      );
    }
    throw error;
  }
}

/** The Audit of an agent of the tenant, else a read-only one on the store that the caller closes. */
async function auditForTenant(
  directory: AgentDirectory,
  store: StewardStore,
  tenantId: string,
): Promise<{ audit: Audit; owned: boolean }> {
  for (const agent of directory.live()) {
    if (agent.tenantId !== tenantId) continue;
    const audit = await agent.audit();
    if (audit) return { audit, owned: false };
  }
  return { audit: new Audit(store, {}), owned: true };
}

/** True for the config error of a missing or malformed `STEWARD_AUDIT_KEY` (createEnvKeyProvider). */
function isMissingAuditKey(error: unknown): boolean {
  if (!StewardError.isInstance(error) || error.code !== 'invalid-config') return false;
  const issues = error.details.issues;
  return (
    Array.isArray(issues) &&
    issues.some((issue) => String((issue as { path?: unknown }).path).startsWith('STEWARD_AUDIT_KEY'))
  );
}

/** A stored payload that is not JSON (edited by hand: verify reports it) is returned as its text. */
/** `eventType` may repeat and hold comma lists; every other parameter must be given once. */
function parseSearchQuery(params: URLSearchParams, scopeTenant: string | undefined) {
  const raw: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of params) {
    if (key === 'eventType') {
      const types = value
        .split(',')
        .map((type) => type.trim())
        .filter((type) => type !== '');
      raw.eventType = [...((raw.eventType as string[] | undefined) ?? []), ...types];
    } else if (Object.hasOwn(raw, key)) {
      throw repeated(key);
    } else {
      raw[key] = value;
    }
  }
  if (params.has('eventType') && (raw.eventType?.length ?? 0) === 0) {
    throw new StewardError('invalid-request', 'query.eventType: give at least one event type', {
      details: { field: 'eventType' },
    });
  }
  if (!Object.hasOwn(raw, 'tenantId') && scopeTenant !== undefined) raw.tenantId = scopeTenant;
  if (!Object.hasOwn(raw, 'tenantId')) {
    throw new StewardError(
      'invalid-request',
      'query.tenantId is required: audit searches never cross tenants (e.g. /api/audit?tenantId=acme)',
      { details: { field: 'tenantId' } },
    );
  }
  const parsed = searchQuerySchema.safeParse(raw);
  if (!parsed.success) throw invalidRequestFromZod(parsed.error, raw, 'query');
  const { eventType, ...rest } = parsed.data;
  if (rest.from !== undefined && rest.to !== undefined && rest.from > rest.to) {
    throw new StewardError('invalid-request', 'query: "from" must not be later than "to"', {
      details: { field: 'from' },
    });
  }
  const query: Parameters<typeof searchAuditRecords>[1] = { tenantId: rest.tenantId };
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) (query as unknown as Record<string, unknown>)[key] = value;
  }
  if (eventType) query.eventTypes = [...new Set(eventType)];
  return query;
}

function singleValues(params: URLSearchParams): Record<string, string> {
  const raw: Record<string, string> = Object.create(null);
  for (const [key, value] of params) {
    if (Object.hasOwn(raw, key)) throw repeated(key);
    raw[key] = value;
  }
  return raw;
}

function repeated(key: string): StewardError {
  return new StewardError(
    'invalid-request',
    `query parameter "${key}" is given more than once; give it once`,
    {
      details: { field: key },
    },
  );
}
