/**
 * Bulk-generates the fleet the fleet benchmark runs on: one template through the registry, then N
 * tenants with one agent each, written straight into the registry's tables by multi-row INSERT … SELECT
 * (PostgreSQL `generate_series`, SQLite a recursive CTE), so a million rows take seconds, not one API
 * call each. Rows look exactly as the registry writes them: small own configs that extend the template.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { AgentConfig } from '../src/agent/index.js';
import { discardChanges, Registry } from '../src/fleet/index.js';
import type { StewardStore } from '../src/store/index.js';

export const FLEET_TEMPLATE_ID = 'bench-front-desk';
export const FLEET_AGENT_ID = 'front-desk';
/** The message a template cache rule answers (the warm path that never reaches the model). */
export const GREETING = 'hello';

/** The platform template every generated agent extends: every built primitive on, as an operator would. */
export const fleetTemplate: AgentConfig = {
  tools: ['Read'],
  trust: {
    initial: 0.3,
    rules: [
      { metric: 'success_rate', threshold: 0.95, action: 'increment', amount: 0.1 },
      { metric: 'error_rate', threshold: 0.1, action: 'decrement', amount: 0.2 },
    ],
    permissions: { 0.1: ['Read'], 0.5: ['Read', 'Write'], 0.9: ['*'] },
  },
  messageHandling: { normalizeInput: true, detectUrgency: true, maintainContext: false },
  optimization: {
    enableCache: true,
    cacheRules: [{ pattern: 'greeting', ttl: 86_400, response: 'Hello! How can I help?' }],
    patterns: { autoDetect: true, minFrequency: 10, confidence: 0.9 },
    budget: { daily: 1_000_000, perRequest: 1 },
    fallback: ['cache', 'pattern', 'intelligent'],
  },
  audit: { enabled: true, level: 'standard', compliance: { piiDetection: true } },
};

/** Tenant ids `bench-1` … `bench-N`. */
export const fleetTenantId = (index: number) => `bench-${index}`;

export interface GenerationFigures {
  engine: string;
  tenants: number;
  agents: number;
  seconds: number;
  rowsPerSecond: number;
}

/** Rows per INSERT … SELECT statement. */
const CHUNK = 50_000;
/** Generation gives up past this bound rather than run on. */
const MAX_MS = 20 * 60_000;

/**
 * Writes the template and `count` tenants `bench-1…count`, each with agent `front-desk` extending it.
 * Expects a migrated, empty registry.
 */
export async function generateFleet(store: StewardStore, count: number): Promise<GenerationFigures> {
  const registry = new Registry(store, { changes: discardChanges });
  const started = performance.now();
  await registry.templates.put(FLEET_TEMPLATE_ID, fleetTemplate, { actor: 'bench' });
  const at = Date.now();
  for (let first = 1; first <= count; first += CHUNK) {
    if (performance.now() - started > MAX_MS) {
      throw new Error(`fleet generation passed ${MAX_MS / 60_000} minutes at tenant ${first}; stopped`);
    }
    const last = Math.min(count, first + CHUNK - 1);
    await store.writeTransaction(async (db) => {
      const series = seriesOf(store.engine, first, last);
      await sql`${series}
        insert into tenants (tenant_id, display_name, status, limits, version, created_at, updated_at, created_by, updated_by)
        select 'bench-' || n, 'Bench business ' || n, 'active', '{}', 1, ${at}, ${at}, 'bench', 'bench' from series`.execute(
        db,
      );
      await sql`${series}
        insert into agents (tenant_id, agent_id, config, extends, version, status, created_at, updated_at, created_by, updated_by)
        select 'bench-' || n, ${FLEET_AGENT_ID}, '{"systemPrompt":"You answer customers of Bench business ' || n || '."}',
          ${FLEET_TEMPLATE_ID}, 1, 'active', ${at}, ${at}, 'bench', 'bench' from series`.execute(db);
    });
  }
  if (store.engine === 'postgres') await sql`analyze tenants, agents`.execute(store.db);
  const seconds = (performance.now() - started) / 1000;
  const counted = await countRows(store);
  return {
    engine: store.engine,
    ...counted,
    seconds,
    rowsPerSecond: (counted.tenants + counted.agents) / seconds,
  };
}

/** The integers first…last as a CTE named `series(n)`, in each engine's dialect. */
function seriesOf(engine: StewardStore['engine'], first: number, last: number) {
  return engine === 'postgres'
    ? sql`with series(n) as (select generate_series(${first}::int, ${last}::int))`
    : sql`with recursive series(n) as (select cast(${first} as integer) union all select n + 1 from series where n < ${last})`;
}

async function countRows(store: StewardStore): Promise<{ tenants: number; agents: number }> {
  const count = async (table: 'tenants' | 'agents') => {
    const { rows } = await sql<{
      count: number | string;
    }>`select count(*) as count from ${sql.table(table)}`.execute(store.db);
    return Number(rows[0]?.count ?? 0);
  };
  return { tenants: await count('tenants'), agents: await count('agents') };
}
