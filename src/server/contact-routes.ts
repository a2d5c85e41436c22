/**
 * The contacts API of a tenant (`/api/tenants/:tenantId/contacts…`): an operator links a customer's
 * identities (email, phone, Slack user) into one contact, so the customer's context follows them across
 * channels. Tenant-scoped like every tenant route; every change an audit record naming the caller's key,
 * identities masked. Reads need `contacts:read` (contacts are customers' personal data), changes `contacts:write`.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { Audit } from '../audit/index.js';
import {
  type ContactAuditSink,
  type ContactLink,
  Contacts,
  identityKinds,
  normalizeIdentity,
} from '../channels/index.js';
import type { StewardStore } from '../store/index.js';
import { actorOf as keyActorOf } from './auth.js';
import { invalidRequestFromZod } from './http-errors.js';
import { limitBody, readJsonBody, requireJsonBody } from './json-body.js';
import { type RouteTable, scopeOf } from './route-scope.js';

export interface ContactRoutesOptions {
  store: StewardStore;
  bodyLimitBytes: number;
  /** Where changes are recorded; default the store's audit log (masked like every record). */
  audit?: ContactAuditSink;
  /** Who makes a change; default the caller's key. */
  actorOf?: (c: Context) => string;
  now?: () => number;
  /** Sends one-time link codes (`ChannelCore.contactLink`); without it `…/identities/verify-start` is not served. */
  contactLink?: ContactLink;
}

const identitySchema = z.object({ kind: z.enum(identityKinds), value: z.string().min(1).max(320) }).strict();
const verifyStartSchema = identitySchema.extend({ agentId: z.string().min(1).max(128) }).strict();
const displayNameSchema = z.string().trim().min(1).max(256).nullable();
const newContactSchema = z
  .object({
    displayName: displayNameSchema.optional(),
    identities: z.array(identitySchema).max(20).optional(),
  })
  .strict();
const contactPatchSchema = z.object({ displayName: displayNameSchema }).strict();
const pageQuerySchema = z
  .object({
    cursor: z.string().min(1).max(512).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 500')
      .transform(Number)
      .refine((limit) => limit >= 1 && limit <= 500, 'must be a whole number from 1 to 500')
      .optional(),
  })
  .strict();

/**
 * @example
 * registerContactRoutes(routes, { store, bodyLimitBytes: 1024 * 1024 });
 */
export function registerContactRoutes(routes: RouteTable, options: ContactRoutesOptions): Contacts {
  const contacts = new Contacts(options.store, {
    audit: options.audit ?? storeAuditSink(options.store),
    ...(options.now ? { now: options.now } : {}),
  });
  const actorOf = options.actorOf ?? ((c: Context) => keyActorOf(c));
  const json = [requireJsonBody(), limitBody(options.bodyLimitBytes)] as const;
  const base = '/api/tenants/:tenantId/contacts';
  const tenantOf = (c: Context) => scopeOf(c).tenantId!;
  const contactIdOf = (c: Context) => c.req.param('contactId')!;

  routes.declare('POST', base, 'contacts:write', 'tenant', ...json, async (c) => {
    const body = await readJsonBody(c, newContactSchema);
    const identities = (body.identities ?? []).map((identity) =>
      normalizeIdentity(identity.kind, identity.value),
    );
    const contact = await contacts.create(
      tenantOf(c),
      { displayName: body.displayName ?? null, identities },
      actorOf(c),
    );
    return c.json(contact, 201);
  });

  routes.declare('GET', base, 'contacts:read', 'tenant', async (c) => {
    const result = pageQuerySchema.safeParse(c.req.query());
    if (!result.success) throw invalidRequestFromZod(result.error, c.req.query(), 'query');
    const page = await contacts.list(tenantOf(c), {
      ...(result.data.limit === undefined ? {} : { limit: result.data.limit }),
      ...(result.data.cursor === undefined ? {} : { cursor: result.data.cursor }),
    });
    return c.json(page, 200);
  });

  routes.declare('GET', `${base}/:contactId`, 'contacts:read', 'tenant', async (c) =>
    c.json(await contacts.require(tenantOf(c), contactIdOf(c)), 200),
  );

  routes.declare('PATCH', `${base}/:contactId`, 'contacts:write', 'tenant', ...json, async (c) => {
    const body = await readJsonBody(c, contactPatchSchema);
    return c.json(await contacts.rename(tenantOf(c), contactIdOf(c), body.displayName, actorOf(c)), 200);
  });

  routes.declare('DELETE', `${base}/:contactId`, 'contacts:write', 'tenant', async (c) => {
    await contacts.delete(tenantOf(c), contactIdOf(c), actorOf(c));
    return c.body(null, 204);
  });

  routes.declare('POST', `${base}/:contactId/identities`, 'contacts:write', 'tenant', ...json, async (c) => {
    const body = await readJsonBody(c, identitySchema);
    const identity = normalizeIdentity(body.kind, body.value);
    return c.json(await contacts.link(tenantOf(c), contactIdOf(c), identity, actorOf(c)), 200);
  });

  // The identity goes in the body, not the URL: addresses and numbers stay out of access logs.
  routes.declare(
    'DELETE',
    `${base}/:contactId/identities`,
    'contacts:write',
    'tenant',
    ...json,
    async (c) => {
      const body = await readJsonBody(c, identitySchema);
      const identity = normalizeIdentity(body.kind, body.value);
      return c.json(await contacts.unlink(tenantOf(c), contactIdOf(c), identity, actorOf(c)), 200);
    },
  );

  // The customer confirms: a code goes to the identity from the agent's destination on its channel, and the
  // identity sending it back links it (answered by the channels core, not the agent). The code is never returned.
  const contactLink = options.contactLink;
  if (contactLink) {
    routes.declare(
      'POST',
      `${base}/:contactId/identities/verify-start`,
      'contacts:write',
      'tenant',
      ...json,
      async (c) => {
        const body = await readJsonBody(c, verifyStartSchema);
        const target = normalizeIdentity(body.kind, body.value);
        const started = await contactLink.start({
          tenantId: tenantOf(c),
          agentId: body.agentId,
          contactId: contactIdOf(c),
          target,
          actor: actorOf(c),
        });
        return c.json(started, 202);
      },
    );
  }

  return contacts;
}

/**
 * Appends through an Audit on the store (masking on), opened for the record and closed after it: the
 * contacts API's records and, passed to ChannelCore as `contactAudit`, the links customers make by code.
 */
export function storeAuditSink(store: StewardStore): ContactAuditSink {
  return {
    async append(input) {
      const audit = new Audit(store, {});
      try {
        return await audit.append(input);
      } finally {
        await audit.close();
      }
    },
  };
}
