/**
 * Parses the `steward` command line and runs the command; returns the exit code instead of exiting.
 * Each command's module is imported only when that command runs, so `steward --help` loads none of them.
 */
import { parseArgs } from 'node:util';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { findConfigFile, requireConfigFile } from './config-file.js';
import { packageVersion, usage } from './usage.js';

const options = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  config: { type: 'string', short: 'c' },
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  agent: { type: 'string' },
  level: { type: 'string' },
  unfreeze: { type: 'boolean' },
  actor: { type: 'string' },
  token: { type: 'string' },
  id: { type: 'string' },
  reason: { type: 'string' },
  note: { type: 'string' },
  limit: { type: 'string' },
  status: { type: 'string' },
  json: { type: 'boolean' },
  tenant: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  type: { type: 'string', multiple: true },
  seq: { type: 'string' },
  decrypt: { type: 'boolean' },
  standard: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  file: { type: 'string', short: 'f' },
  'if-match': { type: 'string' },
  cursor: { type: 'string' },
  effective: { type: 'boolean' },
  name: { type: 'string' },
  role: { type: 'string' },
  expires: { type: 'string' },
} as const;

/**
 * @example
 * process.exit(await runCli(process.argv.slice(2), processIo()));
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.error(`steward: ${error.message}`);
      if (error.exitCode === exitCode.usage) io.error(`\n${usage.trimEnd()}`);
      return error.exitCode;
    }
    throw error;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs explains unknown options and missing values well; drop its hint about `--` positionals.
    const message =
      error instanceof Error ? error.message.split('\n')[0]!.replace(/\. To specify .*$/, '') : String(error);
    throw new CliError(message, exitCode.usage);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;

  if (values.version) {
    io.out(packageVersion());
    return exitCode.ok;
  }
  if (values.help || command === 'help') {
    io.out(usage.trimEnd());
    return exitCode.ok;
  }
  if (command === undefined) throw new CliError('no command given', exitCode.usage);
  if (command === 'trust') {
    const { trustCommand } = await import('./trust-command.js');
    return trustCommand(
      {
        configPath: requireConfigFile(values.config, io),
        action: rest[0],
        target: rest[1],
        agent: values.agent,
        tenant: values.tenant,
        token: values.token,
        level: values.level,
        unfreeze: values.unfreeze,
        actor: values.actor,
        reason: values.reason,
        note: values.note,
        limit: values.limit,
        status: values.status,
        json: values.json,
      },
      io,
    );
  }
  if (command === 'learn') {
    const { learnCommand } = await import('./learn-command.js');
    return learnCommand(
      {
        configPath: requireConfigFile(values.config, io),
        action: rest[0],
        target: rest[1],
        agent: values.agent,
        tenant: values.tenant,
        token: values.token,
        actor: values.actor,
        reason: values.reason,
        json: values.json,
      },
      io,
    );
  }
  if (command === 'cache' || command === 'patterns') {
    if (rest.length > 2) throw new CliError(`unexpected argument "${rest[2]}"`, exitCode.usage);
    const { optimizeCommand } = await import('./optimize-command.js');
    return optimizeCommand(
      {
        kind: command,
        configPath: requireConfigFile(values.config, io),
        action: rest[0],
        target: rest[1],
        agent: values.agent,
        tenant: values.tenant,
        id: values.id,
        status: values.status,
        token: values.token,
        actor: values.actor,
        json: values.json,
      },
      io,
    );
  }
  if (command === 'channels') {
    const { channelsCommand } = await import('./channels-command.js');
    return channelsCommand(
      {
        configPath: requireConfigFile(values.config, io),
        action: rest[0],
        tenant: values.tenant,
        from: values.from,
        json: values.json,
      },
      io,
    );
  }
  if (command === 'costs') {
    const { costsCommand } = await import('./costs-command.js');
    return costsCommand(
      {
        configPath: requireConfigFile(values.config, io),
        tenant: values.tenant,
        agent: values.agent,
        from: values.from,
        to: values.to,
        json: values.json,
      },
      io,
    );
  }
  if (command === 'audit') {
    const { auditCommand } = await import('./audit-command.js');
    return auditCommand(
      {
        configPath: requireConfigFile(values.config, io),
        action: rest[0],
        extra: rest.slice(1),
        tenant: values.tenant,
        agent: values.agent,
        types: values.type,
        from: values.from,
        to: values.to,
        limit: values.limit,
        seq: values.seq,
        decrypt: values.decrypt,
        actor: values.actor,
        token: values.token,
        standard: values.standard,
        format: values.format,
        out: values.out,
        json: values.json,
      },
      io,
    );
  }
  if (command === 'tenants' || command === 'agents' || command === 'templates') {
    if (rest.length > 2) throw new CliError(`unexpected argument "${rest[2]}"`, exitCode.usage);
    const { registryCommand } = await import('./registry-command.js');
    return registryCommand(
      {
        kind: command,
        action: rest[0],
        target: rest[1],
        configPath: findConfigFile(values.config, io),
        token: values.token,
        file: values.file,
        tenant: values.tenant,
        actor: values.actor,
        ifMatch: values['if-match'],
        status: values.status,
        limit: values.limit,
        cursor: values.cursor,
        effective: values.effective,
        json: values.json,
      },
      io,
    );
  }
  if (command === 'keys') {
    const { keysCommand } = await import('./keys-command.js');
    return keysCommand(
      {
        configPath: findConfigFile(values.config, io),
        token: values.token,
        action: rest[0],
        target: rest[1],
        name: values.name,
        role: values.role,
        tenant: values.tenant,
        expires: values.expires,
        actor: values.actor,
        json: values.json,
      },
      io,
    );
  }
  if (command !== 'serve') throw new CliError(`unknown command "${command}"`, exitCode.usage);
  if (rest.length > 0) throw new CliError(`unexpected argument "${rest[0]}" after serve`, exitCode.usage);

  const { serveCommand } = await import('./serve-command.js');
  return serveCommand(
    {
      configPath: requireConfigFile(values.config, io),
      host: values.host ?? nonEmpty(io.env.STEWARD_HOST) ?? '127.0.0.1',
      port: parsePort(values.port, io.env.STEWARD_PORT),
    },
    io,
  );
}

function parsePort(flag: string | undefined, fromEnv: string | undefined): number {
  const [text, source] = flag !== undefined ? [flag, '--port'] : [nonEmpty(fromEnv), 'STEWARD_PORT'];
  if (text === undefined) return 8787;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new CliError(
      `${source} must be a whole number from 0 to 65535, received "${text}"`,
      exitCode.usage,
    );
  }
  return port;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
