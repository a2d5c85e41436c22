/**
 * `steward audit …`: search a tenant's audit records, verify the hash chains, show records (decrypted,
 * in a read that is itself audited) and write SOC 2 / HIPAA reports, straight on the configured store.
 */
import { writeFile } from 'node:fs/promises';
import { extname, relative, resolve } from 'node:path';
import type { AgentConfig } from '../agent/index.js';
import {
  type ArchiveVerification,
  Audit,
  type AuditConfig,
  auditConfigSchema,
  createArchiveStore,
  createEnvKeyProvider,
  findAuditRecords,
  generateAuditReport,
  type KeyProvider,
  type ReportFormat,
  renderReport,
  searchAuditRecords,
  verifyArchives,
  verifyChain,
} from '../audit/index.js';
import { parseInstant } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { decryptAuditRecords } from '../server/index.js';
import type { StewardStore } from '../store/index.js';
import { type CliActorOptions, resolveCliActor } from './cli-actor.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { loadAgentConfigs, storeOfConfig } from './load-config.js';

/** `exitCode` plus `tampered` (3): `steward audit verify` found a chain that does not verify. */
export const auditExitCode = { ...exitCode, tampered: 3 } as const;

export interface AuditCommandOptions extends CliActorOptions {
  configPath: string;
  action: string | undefined;
  /** Positionals after the action (none are accepted). */
  extra?: readonly string[];
  tenant?: string | undefined;
  agent?: string | undefined;
  /** Event types (`--type`, repeatable, each may be a comma list). */
  types?: readonly string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: string | undefined;
  /** `--seq 3,4,10-12`. */
  seq?: string | undefined;
  decrypt?: boolean | undefined;
  standard?: string | undefined;
  format?: string | undefined;
  out?: string | undefined;
  json?: boolean | undefined;
}

const actions = ['search', 'verify', 'show', 'report'] as const;
type Action = (typeof actions)[number];

/**
 * Runs one `steward audit` subcommand; returns the exit code (3 when `verify` finds tampering).
 *
 * @example
 * const code = await auditCommand({ configPath: 'steward.config.ts', action: 'verify' }, processIo());
 */
export async function auditCommand(options: AuditCommandOptions, io: CliIo): Promise<number> {
  const action = options.action as Action | undefined;
  if (!action || !actions.includes(action)) {
    throw new CliError(`steward audit needs one of: ${actions.join(', ')}`, exitCode.usage);
  }
  if (options.extra && options.extra.length > 0) {
    throw new CliError(`unexpected argument "${options.extra[0]}" after audit ${action}`, exitCode.usage);
  }
  const configs = await loadAgentConfigs(options.configPath, io.cwd);
  const tenantConfig = options.tenant
    ? configs.find((config) => (config.tenantId ?? 'default') === options.tenant)
    : undefined;
  const { store, owned } = await storeOfConfig((tenantConfig ?? configs[0])?.store, io.env);
  try {
    switch (action) {
      case 'search':
        return await search(store, options, io);
      case 'verify':
        return await verify(store, options, configs, io);
      case 'show':
        return await show(store, options, configs, io);
      default:
        return await report(store, options, configs, io);
    }
  } catch (error) {
    if (StewardError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    if (owned) await store.close();
  }
}

async function search(store: StewardStore, options: AuditCommandOptions, io: CliIo): Promise<number> {
  const tenantId = required(options.tenant, '--tenant (audit records are searched one tenant at a time)');
  const types = options.types
    ?.flatMap((type) => type.split(','))
    .map((type) => type.trim())
    .filter((type) => type !== '');
  if (types?.length === 0)
    throw new CliError('--type needs an event type, e.g. --type tool-call-denied', exitCode.usage);
  const from = instant(options.from, 'from');
  const to = instant(options.to, 'to');
  const page = await searchAuditRecords(store, {
    tenantId,
    ...(options.agent ? { agentId: options.agent } : {}),
    ...(types ? { eventTypes: types } : {}),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    limit: wholeNumber(options.limit, 'limit', 1_000) ?? 100,
  });
  if (options.json) {
    io.out(JSON.stringify(page, null, 2));
    return exitCode.ok;
  }
  if (page.records.length === 0) io.out(`no audit records of tenant "${tenantId}" match`);
  for (const record of page.records) {
    io.out(
      `${String(record.seq).padStart(6)}  ${new Date(record.at).toISOString()}  ${record.agentId}  ${record.eventType}` +
        `${record.actor ? ` by ${record.actor}` : ''}  ${summarise(record.payload)}`,
    );
  }
  if (page.nextCursor) io.out('… more records: raise --limit (up to 1000) or narrow --from/--to');
  return exitCode.ok;
}

async function verify(
  store: StewardStore,
  options: AuditCommandOptions,
  configs: AgentConfig[],
  io: CliIo,
): Promise<number> {
  const result = await verifyChain(store, options.tenant ? { tenantId: options.tenant } : {});
  // Archived segments too, where the config names the archive storage.
  const storage = configs.find((config) => config.audit?.retention?.storage)?.audit?.retention?.storage;
  const archive = storage ? createArchiveStore(storage, { cwd: io.cwd }) : undefined;
  const archives: ArchiveVerification[] = [];
  for (const tenant of result.tenants) archives.push(await verifyArchives(store, archive, tenant.tenantId));
  const archivesOk = archives.every((entry) => entry.ok);
  const code = result.ok && archivesOk ? exitCode.ok : auditExitCode.tampered;
  if (options.json) {
    io.out(JSON.stringify({ ...result, ok: result.ok && archivesOk, archives }, null, 2));
    return code;
  }
  for (const entry of archives) {
    if (entry.segments === 0) continue;
    const [problem] = entry.problems;
    io.out(
      `${entry.tenantId}: ${entry.segments} archived segments, ${problem ? `TAMPERED: ${problem.segment}: ${problem.detail}` : 'ok'}`,
    );
  }
  if (result.tenants.length === 0) io.out('no audit records to verify');
  for (const tenant of result.tenants) {
    const counts = `${tenant.records} records, ${tenant.checkpointsVerified} checkpoints verified`;
    const [problem, ...more] = tenant.problems;
    if (!problem) {
      io.out(`${tenant.tenantId}: ${counts}, ok`);
      continue;
    }
    io.out(
      `${tenant.tenantId}: ${counts}, TAMPERED: ${problem.kind} at seq ${problem.seq}` +
        `${problem.recordId ? ` (record ${problem.recordId})` : ''}: ${problem.detail}` +
        `${more.length > 0 ? ` (+${more.length} more problem${more.length === 1 ? '' : 's'})` : ''}`,
    );
  }
  const failed = result.tenants.filter(
    (tenant, index) => tenant.problems.length > 0 || archives[index]?.ok === false,
  ).length;
  if (failed > 0) io.error(`tampering found in ${failed} of ${result.tenants.length} tenants`);
  return code;
}

async function show(
  store: StewardStore,
  options: AuditCommandOptions,
  configs: AgentConfig[],
  io: CliIo,
): Promise<number> {
  const tenantId = required(options.tenant, '--tenant');
  const seqs = seqList(required(options.seq, '--seq (record numbers, e.g. --seq 3,4,10-12)'));
  if (!options.decrypt && (options.actor !== undefined || options.token !== undefined)) {
    throw new CliError('--actor and --token are only used with --decrypt', exitCode.usage);
  }
  const { records, missing } = await findAuditRecords(store, tenantId, { seqs });
  if (missing.length > 0) {
    throw new CliError(`tenant "${tenantId}" has no audit record with seq ${missing.join(', ')}`);
  }
  let shown = records;
  if (options.decrypt) {
    const audit = decryptingAudit(store, auditConfigOf(configs, tenantId), io);
    try {
      // The read is audited with who reads, named as for every CLI change (a key, cli:<name>, os-user:<login>).
      const actor = await resolveCliActor(store, io, options, { action: 'audit:decrypt', tenantId });
      shown = await decryptAuditRecords(audit, records, actor);
    } finally {
      await audit.close();
    }
  }
  if (options.json) {
    io.out(JSON.stringify(shown, null, 2));
    return exitCode.ok;
  }
  for (const record of shown) {
    io.out(`#${record.seq}  ${new Date(record.at).toISOString()}  ${record.agentId}  ${record.eventType}`);
    const fields = ['id', 'conversationId', 'interactionId', 'channel', 'actor', 'level', 'keyId'] as const;
    for (const field of fields) {
      if (record[field] !== null) io.out(`  ${field}: ${record[field]}`);
    }
    io.out(`  payload: ${JSON.stringify(record.payload, null, 2).replace(/\n/g, '\n  ')}`);
  }
  return exitCode.ok;
}

async function report(
  store: StewardStore,
  options: AuditCommandOptions,
  configs: AgentConfig[],
  io: CliIo,
): Promise<number> {
  const standard = required(options.standard, '--standard SOC2|HIPAA').toUpperCase();
  if (standard !== 'SOC2' && standard !== 'HIPAA') {
    throw new CliError(`--standard must be SOC2 or HIPAA, received "${options.standard}"`, exitCode.usage);
  }
  const from = instant(required(options.from, '--from (start of the period)'), 'from')!;
  const to = instant(required(options.to, '--to (end of the period, exclusive)'), 'to')!;
  const format = reportFormat(options);
  const auditConfig = auditConfigOf(configs, options.tenant);
  const duration = auditConfig?.retention
    ? auditConfigSchema.parse(auditConfig).retention?.duration
    : undefined;
  const generated = await generateAuditReport(store, {
    standard,
    from,
    to,
    ...(options.tenant ? { tenantId: options.tenant } : {}),
    verify: (tenantId) => verifyChain(store, { tenantId }),
    ...(duration ? { retention: { policyDuration: duration } } : {}),
  });
  const text = renderReport(generated, format);
  if (!options.out) {
    io.out(text.trimEnd());
    return exitCode.ok;
  }
  const path = resolve(io.cwd, options.out);
  await writeFile(path, text);
  io.out(`wrote the ${standard} ${format} report to ${relative(io.cwd, path) || path}`);
  return exitCode.ok;
}

/** `--format`, else `--json`, else the extension of `--out` (.json, .md, .html), else Markdown. */
function reportFormat(options: AuditCommandOptions): ReportFormat {
  const formats: readonly string[] = ['json', 'md', 'html'];
  if (options.format !== undefined) {
    if (!formats.includes(options.format)) {
      throw new CliError(`--format must be json, md or html, received "${options.format}"`, exitCode.usage);
    }
    return options.format as ReportFormat;
  }
  if (options.json) return 'json';
  const extension = options.out ? extname(options.out).slice(1).toLowerCase() : '';
  if (extension === 'htm') return 'html';
  if (extension === 'markdown') return 'md';
  return formats.includes(extension) ? (extension as ReportFormat) : 'md';
}

/** The audit config of an agent of the tenant (else of any agent), for masking and retention. */
function auditConfigOf(configs: AgentConfig[], tenantId: string | undefined): AuditConfig | undefined {
  const audited = configs.filter((config) => config.audit);
  const match = audited.find((config) => (config.tenantId ?? 'default') === tenantId) ?? audited[0];
  return match?.audit;
}

/**
 * An Audit that decrypts with the key from `io.env` and records the read. Encryption is switched on so
 * Audit uses the injected key provider rather than reading `process.env` itself.
 */
function decryptingAudit(store: StewardStore, config: AuditConfig | undefined, io: CliIo): Audit {
  // A plain copy: zod does not take process.env (its prototype is not Object.prototype) as a record.
  const environment = { ...io.env };
  let keyProvider: KeyProvider;
  try {
    keyProvider = createEnvKeyProvider({ environment });
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error);
    throw new CliError(
      'steward audit show --decrypt needs the audit key: set STEWARD_AUDIT_KEY to the key the records were ' +
        `encrypted with (or a keyring "k2:<key>,k1:<older key>"). ${detail}`,
    );
  }
  return new Audit(
    store,
    { ...config, compliance: { ...config?.compliance, encryption: true } },
    { environment, keyProvider },
  );
}

/** A short one-line view of a payload: `key=value` pairs, encrypted values as `[encrypted]`. */
export function summarise(payload: Record<string, unknown>, width = 100): string {
  const parts = Object.entries(payload).map(([key, value]) => `${key}=${shortValue(value)}`);
  const line = parts.join(' ');
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

function shortValue(value: unknown): string {
  if (typeof value === 'string') {
    if (value.startsWith('enc:v1:')) return '[encrypted]';
    const quoted = JSON.stringify(value);
    return quoted.length > 42 ? `${quoted.slice(0, 40)}…"` : quoted;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 42 ? `${text.slice(0, 41)}…` : text;
}

/** `3,4,10-12` → [3, 4, 10, 11, 12]. */
function seqList(text: string): number[] {
  const seqs: number[] = [];
  for (const part of text.split(',').map((piece) => piece.trim())) {
    const match = /^(\d{1,15})(?:-(\d{1,15}))?$/.exec(part);
    const low = Number(match?.[1]);
    const high = match?.[2] === undefined ? low : Number(match[2]);
    if (!match || low < 1 || high < low || seqs.length + high - low + 1 > 1_000) {
      throw new CliError(
        `--seq takes record numbers >= 1 as a list or ranges, at most 1000 (e.g. 3,4,10-12); "${part}" is not one`,
        exitCode.usage,
      );
    }
    for (let seq = low; seq <= high; seq++) seqs.push(seq);
  }
  return seqs;
}

function instant(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseInstant(value.trim());
  if (parsed === undefined) {
    throw new CliError(
      `--${name} must be an ISO 8601 date or time (2024-05-01, 2024-05-01T12:00:00Z) or epoch milliseconds, received "${value}"`,
      exitCode.usage,
    );
  }
  return parsed;
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new CliError(`missing ${what}`, exitCode.usage);
  return value.trim();
}

function wholeNumber(value: string | undefined, name: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > max) {
    throw new CliError(`--${name} must be a whole number from 1 to ${max}`, exitCode.usage);
  }
  return parsed;
}
