/** The one migration set both engines run, in order. Add a file, then list it here. */
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { StoreEngine } from '../types.js';
import * as foundation from './0001-foundation.js';
import * as trust from './0002-trust.js';
import * as budget from './0003-budget.js';
import * as costs from './0004-costs.js';
import * as cache from './0005-cache.js';
import * as patterns from './0006-patterns.js';
import * as audit from './0007-audit.js';
import * as auditRetention from './0008-audit-retention.js';
import * as auditConversationIndex from './0009-audit-conversation-index.js';
import * as budgetLeases from './0010-budget-leases.js';
import * as registry from './0011-registry.js';
import * as apiKeys from './0012-api-keys.js';
import * as conversationOwners from './0013-conversation-owners.js';
import * as capabilities from './0014-capabilities.js';
import * as channels from './0015-channels.js';
import * as smsOptOuts from './0016-sms-opt-outs.js';
import * as contacts from './0017-contacts.js';
import * as capabilityArms from './0019-capability-arms.js';
import * as channelInboundFiles from './0021-channel-inbound-files.js';
import * as channelInboundSender from './0022-channel-inbound-sender.js';
import * as contactLinkCodeTargets from './0023-contact-link-code-targets.js';

interface EngineMigration {
  up(db: Kysely<unknown>, engine: StoreEngine): Promise<void>;
  down(db: Kysely<unknown>, engine: StoreEngine): Promise<void>;
}

const migrations: Record<string, EngineMigration> = {
  '0001-foundation': foundation,
  '0002-trust': trust,
  '0003-budget': budget,
  '0004-costs': costs,
  '0005-cache': cache,
  '0006-patterns': patterns,
  '0007-audit': audit,
  '0008-audit-retention': auditRetention,
  '0009-audit-conversation-index': auditConversationIndex,
  '0010-budget-leases': budgetLeases,
  '0011-registry': registry,
  '0012-api-keys': apiKeys,
  '0013-conversation-owners': conversationOwners,
  '0014-capabilities': capabilities,
  '0015-channels': channels,
  '0016-sms-opt-outs': smsOptOuts,
  '0017-contacts': contacts,
  '0019-capability-arms': capabilityArms,
  '0021-channel-inbound-files': channelInboundFiles,
  '0022-channel-inbound-sender': channelInboundSender,
  '0023-contact-link-code-targets': contactLinkCodeTargets,
};

/** Migrations bound to an engine, for the few column types that differ (identity columns). */
export function createMigrationProvider(engine: StoreEngine): MigrationProvider {
  const bound: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(migrations)) {
    bound[name] = { up: (db) => migration.up(db, engine), down: (db) => migration.down(db, engine) };
  }
  return { getMigrations: async () => bound };
}
