/**
 * A child process for the audit crash tests: opens the store at argv[2] (a SQLite file path or a
 * postgres:// URL) and an AuditLog, then appends forever from many concurrent appenders. Each record is
 * printed as `tenantId:seq:id` on stdout only after its `append` resolved, i.e. once it is committed.
 * The parent kills it with SIGKILL at some point and checks that every printed record survived.
 *
 *   node --import tsx test/support/audit-writer-child.ts <sqlite path | postgres url> [run label] [appenders]
 *
 * Stdout writes to a pipe are synchronous on Linux, so a printed line is in the pipe before the next
 * append starts. The child exits by itself after a minute, should its parent be gone.
 */
import { AuditLog } from '../../src/audit/index.js';
import { openStore } from '../../src/store/index.js';

const [target, run = 'run', appenderArgument = '24'] = process.argv.slice(2);
if (!target) {
  process.stderr.write('usage: audit-writer-child.ts <sqlite path | postgres url> [run label] [appenders]\n');
  process.exit(2);
}
const appenders = Number(appenderArgument);
const tenants = ['tenant-a', 'tenant-b', 'tenant-c'];

setTimeout(() => process.exit(3), 60_000).unref();

const store = await openStore(
  target.startsWith('postgres://') || target.startsWith('postgresql://') ? { url: target } : { path: target },
  {},
);
// Checkpoints every few records, so kills also land in the middle of checkpoint writes.
const log = new AuditLog(store, { checkpointEveryRecords: 25, maxBatchRecords: 64 });

let sequence = 0;

async function appender(index: number): Promise<never> {
  for (;;) {
    const tenantId = tenants[(index + sequence) % tenants.length]!;
    const count = index % 4 === 0 ? 3 : 1; // some callers append several records atomically
    const inputs = Array.from({ length: count }, () => ({
      tenantId,
      agentId: 'crash-test',
      eventType: 'crash-test-appended',
      at: Date.now(),
      level: 'standard',
      payload: { run, appender: index, n: ++sequence, text: `record ${sequence} of ${run}` },
    }));
    const records = await log.append(inputs);
    process.stdout.write(records.map((record) => `${record.tenantId}:${record.seq}:${record.id}\n`).join(''));
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: appenders }, (_, index) => appender(index)));
