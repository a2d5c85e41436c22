/** The help text and version of the `steward` command. */
import { readFileSync } from 'node:fs';

export const usage = `Usage: steward <command> [options]

Commands:
  serve                 Run the HTTP server: web chat API, JSON API, /metrics and /healthz
  costs                 Requests, cost, cache hit rate and savings per day and tier
                        (--tenant, --agent, --from YYYY-MM-DD, --to YYYY-MM-DD, --json)
  channels stats        A tenant's channels: messages in, replied, failed, pending, reply latency,
                        urgency mix, and its bindings, never a secret (--tenant required; --from
                        YYYY-MM-DD, --json)
  trust show|history    Show an agent's trust level, allowed tools and window metrics, or its changes
  trust set|freeze|unfreeze|reset
                        Operator actions on an agent's trust (--reason required; set takes --level,
                        and --unfreeze to set a frozen agent; reset goes back to the initial level,
                        unfrozen)
  trust approvals       List pending approvals (--status pending|approved|denied|expired)
  trust approve|deny <approvalId>
                        Decide a pending tool-call approval (--note optional)
  learn list            An agent's learned capabilities by state: traffic, coverage, error rate with
                        its 95% interval, cost saved (--agent, --json)
  learn show <id>       A capability's validation report, examples next to the recorded answers, code
  learn approve|reject|rollback <id>
                        Decide a pending capability, or stop one in canary or promoted (--reason
                        optional; who decides: see below)
  cache clear           Drop an agent's cached answers (--id <entryId>: one entry)
  patterns list|retire|clear
                        The pattern tier: list (--status candidate|active|retired), retire <patternId>
                        (never answers again), clear (forget every pattern and observation)
  audit search          A tenant's audit records, newest first: seq, time, agent, event type, payload
                        summary (--tenant required; --agent, --type <event-type> (repeatable or
                        comma list), --from, --to, --limit 1-1000 (default 100), --json)
  audit verify          Verify the hash chains and signed checkpoints of every tenant (or --tenant):
                        records, checkpoints and the first problem per tenant (--json)
  audit show            Print records (--tenant and --seq 3,4,10-12 required, --json); with --decrypt
                        their encrypted fields are decrypted with STEWARD_AUDIT_KEY and the read is
                        itself audited, with the CLI user as actor (see Who acts)
  audit report          A SOC2 or HIPAA compliance report of [--from, --to) (--standard, --from, --to
                        required; --tenant; --format json|md|html, default from --out's extension,
                        else md; --out <file>, default stdout)
  tenants list|get|apply|delete|suspend|resume
                        The fleet registry's tenants: list (--status, --limit, --cursor), get <tenantId>,
                        apply -f <file> (create or update each { tenantId, displayName, limits, status }),
                        delete|suspend <tenantId> (suspends: records stay), resume <tenantId>
  agents list|get|apply|delete
                        A tenant's agents in the registry: list --tenant <id>, get --tenant <id> <agentId>
                        (--effective: merged over its template), apply -f <file> (agent configs, with
                        tenantId, agentId and optional "extends"; unchanged ones get no new version),
                        delete --tenant <id> <agentId> (disables it; --if-match <version>)
  templates list|get|apply|delete
                        Config templates agents extend: apply -f <file> ({ templateId, config }),
                        delete <templateId> (refused while agents extend it)
  keys create           Create an API key and print its token once (--name, --role admin|operator|
                        approver|viewer|chat, --tenant '*' or a comma list of tenant ids required;
                        --expires 90d or an ISO 8601 time; --json)
  keys list             Every key: id, status, name, role, tenants, expiry (never a token; --json)
  keys revoke <id>      Revoke a key on every running instance at once (--json)

Which config (every command):
  -c, --config <file>   Agent config whose default export is one config or an array of them. Without
                        it: STEWARD_CONFIG, else the first of ./steward.config.ts, .mts, .js, .mjs in
                        the working directory (what npm start serves in a checkout). Its first agent's
                        store is the store every command reads and writes (default: SQLite in
                        ./.steward/, or STEWARD_DATABASE_URL), so commands find what serve uses.

Who acts (trust, approvals, cache, patterns, tenants, agents, templates, keys, audit show --decrypt):
  Every change is made through the same services as the HTTP API, so it is audited, masked and
  alerted on alike. The actor recorded is:
      --token <token>   an API key (or STEWARD_TOKEN): checked like a request (role, tenant scope,
                        revocation) and recorded as the server records it, "key:<id> (<name>)";
                        --actor then adds an "on behalf of" note
      --actor <name>    without a key: recorded as "cli:<name>"
      (neither)         the OS login, recorded as "os-user:<login>"

Options for serve:
      --host <host>     Interface to listen on (default: 127.0.0.1, or STEWARD_HOST)
  -p, --port <port>     Port to listen on; 0 picks a free one (default: 8787, or STEWARD_PORT)

Options for trust, cache and patterns:
      --agent <agentId> Which agent, when the config has several (with --tenant: an agent of the
                        fleet registry that is not in the config file)
      --json            Print JSON instead of text

Options for audit:
      --from, --to      ISO 8601 (2024-05-01, 2024-05-01T12:00:00Z) or epoch milliseconds; --to is exclusive

Options for tenants, agents, templates and keys:
                        Without a config file found, the store is STEWARD_DATABASE_URL or
                        ./.steward/steward.db
  -f, --file <file>     What apply puts: JSON, or a config module (.ts, .js); one entry or an array
      --json            Print JSON instead of text

Options:
  -h, --help            Show this help
  -v, --version         Print the version

Environment:
  ANTHROPIC_API_KEY     Answer with Claude; without it, replies come from a LOCAL SIMULATED MODEL
  STEWARD_CONFIG        The config file, when --config is not given
  STEWARD_TOKEN         An API key the CLI acts with, when --token is not given
  STEWARD_DATABASE_URL  postgres://... or sqlite://<path> (default: SQLite in ./.steward/)
  STEWARD_ADMIN_TOKEN   An admin token (16+ characters) accepted as "Authorization: Bearer <token>" on
                        /api/*, beside the API keys; with no token and no key, serve runs as an open
                        local demo on 127.0.0.1 and refuses any other --host
  STEWARD_API_TOKEN     Deprecated: still accepted as an admin token; rename it to STEWARD_ADMIN_TOKEN
  STEWARD_CONCURRENCY   Model runs at once on this host (default: 4)
  STEWARD_BODY_LIMIT_BYTES  Largest request body accepted, larger gets 413 (default: 1048576)
  STEWARD_AUDIT_KEY     Audit field encryption key(s), for audit show --decrypt and POST /api/audit/decrypt

Exit codes:
  0 success, 1 failure (bad config, store unavailable, unknown record, missing key …), 2 wrong usage,
  3 audit verify found a chain that does not verify (tampering)

Examples:
  steward serve
  steward serve --config examples/steward.config.ts --port 0
  steward keys create --name ops-console --role operator --tenant acme,globex --expires 90d
  steward trust show --agent front-desk
  steward trust set --agent front-desk --level 0.5 --actor alice --reason "passed onboarding review"
  steward cache clear --token "$STEWARD_TOKEN"
  steward agents apply -f fleet.json --actor alice
  steward agents get --tenant acme-bakery front-desk --effective
  steward audit verify
  steward audit show --tenant acme --seq 42 --decrypt --actor alice
  steward audit report --standard SOC2 --from 2024-01-01 --to 2024-04-01 --out q1.html
`;

/** The package version, read from the package.json two levels up (the same from src/cli and dist/cli). */
export function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
