/**
 * `permission_escalation`: a trust change that lets the agent use tools it could not before (by a rule or
 * an operator), an operator granting a tool, a trust config change, and repeated attempts at tools above
 * the agent's level.
 */
import type { AuditRecord } from '../../log/index.js';
import type { AgentState } from '../agent-state.js';
import type { ResolvedAlertEngineOptions } from '../options.js';
import { type AlertCandidate, type Detector, dedupKey } from './detector.js';

/** Trust changes that are a person's decision rather than a rule's or decay's. */
const OVERRIDE_KINDS = new Set(['set', 'freeze', 'unfreeze', 'reset']);
/** Top-level config sections that decide permissions. */
const PERMISSION_SECTIONS = new Set(['trust', 'permissions', 'toolOverrides']);

const numberOrNull = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const stringOrNull = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

function evidenceOf(record: AuditRecord, measurements: AlertCandidate['evidence']['measurements']) {
  return { recordIds: [record.id], seqs: [record.seq], measurements };
}

/** An override that allows more: `'allow'` or `{ minLevel }` (a tool allowed from a level of its own). */
function raisingOverride(value: unknown): boolean {
  return value === 'allow' || (typeof value === 'object' && value !== null && 'minLevel' in value);
}

/**
 * Whether an operator or config record grants more: `permissionsRaised: true`, an `override`
 * that allows, or `toolOverrides` with an allowing entry.
 *
 * @example
 * raisesPermissions({ toolOverrides: { 'Bash(npm test)': { minLevel: 0.4 } } }) // true
 * raisesPermissions({ override: 'deny' }) // false
 */
export function raisesPermissions(payload: Record<string, unknown>): boolean {
  if (payload.permissionsRaised === true) return true;
  if (raisingOverride(payload.override)) return true;
  const overrides = payload.toolOverrides;
  return (
    typeof overrides === 'object' &&
    overrides !== null &&
    Object.values(overrides as Record<string, unknown>).some(raisingOverride)
  );
}

/**
 * Whether a trust change lets the agent use tools it could not before. The trust service says so in
 * `permissionsRaised` (it knows the permission table); records written before it did fall back to the
 * level going up. A demotion, a move within a band, a freeze or an unfreeze never widens.
 */
function widensPermissions(
  payload: Record<string, unknown>,
  from: number | null,
  to: number | null,
): boolean {
  if (typeof payload.permissionsRaised === 'boolean') return payload.permissionsRaised;
  return from !== null && to !== null && to > from;
}

const PAST_TENSE: Record<string, string> = {
  set: 'set',
  reset: 'reset',
  unfreeze: 'unfroze',
  freeze: 'froze',
};

function trustChange(record: AuditRecord, state: AgentState): AlertCandidate[] {
  const from = numberOrNull(record.payload.from);
  const to = numberOrNull(record.payload.to);
  if (!widensPermissions(record.payload, from, to)) return [];
  const kind = stringOrNull(record.payload.kind) ?? 'unknown';
  const actor = record.actor ?? stringOrNull(record.payload.actor);
  const added = Array.isArray(record.payload.permissionsAdded)
    ? record.payload.permissionsAdded.filter((pattern): pattern is string => typeof pattern === 'string')
    : null;
  const allows = added && added.length > 0 ? `: now allows ${added.join(', ')}` : '';
  const measurements = {
    from,
    to,
    kind,
    actor,
    fromBand: stringOrNull(record.payload.fromBand),
    toBand: stringOrNull(record.payload.toBand),
    permissionsAdded: added ? added.join(', ') : null,
  };
  if (OVERRIDE_KINDS.has(kind) && actor !== null) {
    return [
      {
        reason: 'operator-override',
        severity: 'high',
        summary: `${actor} ${PAST_TENSE[kind] ?? kind} the trust of ${state.agentId} from ${from ?? '?'} to ${to ?? '?'}${allows}`,
        evidence: evidenceOf(record, measurements),
        dedupKey: dedupKey(
          'permission_escalation',
          'operator-override',
          state.tenantId,
          state.agentId,
          kind,
          to ?? '',
        ),
      },
    ];
  }
  return [
    {
      reason: 'trust-raised',
      severity: 'low',
      summary: `trust of ${state.agentId} raised from ${from ?? '?'} to ${to ?? '?'} (${kind})${allows}`,
      evidence: evidenceOf(record, measurements),
      dedupKey: dedupKey(
        'permission_escalation',
        'trust-raised',
        state.tenantId,
        state.agentId,
        from ?? '',
        to ?? '',
      ),
    },
  ];
}

function configChange(record: AuditRecord, state: AgentState): AlertCandidate[] {
  // The first config recorded for an agent is where its history starts, not a change.
  if ('previousHash' in record.payload && record.payload.previousHash === null) return [];
  const changed = Array.isArray(record.payload.changedKeys)
    ? record.payload.changedKeys.filter((key): key is string => typeof key === 'string')
    : [];
  const sections = changed.filter((key) => PERMISSION_SECTIONS.has(key));
  const raising = raisesPermissions(record.payload);
  if (sections.length === 0 && !raising) return [];
  const actor = record.actor ?? 'unknown';
  return [
    {
      reason: 'permission-config-change',
      severity: raising ? 'high' : 'medium',
      summary: raising
        ? `${actor} changed the config of ${state.agentId} to allow more tools`
        : `${actor} changed the ${sections.join(', ')} config of ${state.agentId}: review its permissions`,
      evidence: evidenceOf(record, { actor, sections: sections.join(','), raisesPermissions: raising }),
      dedupKey: dedupKey(
        'permission_escalation',
        'permission-config-change',
        state.tenantId,
        state.agentId,
        stringOrNull(record.payload.configHash) ?? record.id,
      ),
    },
  ];
}

function operatorAction(record: AuditRecord, state: AgentState): AlertCandidate[] {
  if (!raisesPermissions(record.payload)) return [];
  const actor = record.actor ?? 'unknown';
  const action = stringOrNull(record.payload.action) ?? 'an override';
  return [
    {
      reason: 'operator-override',
      severity: 'high',
      summary: `${actor} granted ${state.agentId} more permissions (${action})`,
      evidence: evidenceOf(record, { actor, action }),
      dedupKey: dedupKey('permission_escalation', 'operator-override', state.tenantId, state.agentId, action),
    },
  ];
}

function denial(
  record: AuditRecord,
  state: AgentState,
  options: ResolvedAlertEngineOptions['escalation'],
  learning: boolean,
): AlertCandidate[] {
  const level = numberOrNull(record.payload.level);
  const required = numberOrNull(record.payload.requiredLevel);
  if (level === null || required === null || required <= level) return [];
  const denials = state.denials;
  denials.push({
    at: record.at,
    id: record.id,
    seq: record.seq,
    toolName: stringOrNull(record.payload.toolName) ?? 'unknown',
  });
  while (denials.length > 0 && denials[0]!.at <= record.at - options.deniedWindowMs) denials.shift();
  if (denials.length > options.deniedAttempts) denials.splice(0, denials.length - options.deniedAttempts);
  if (learning || denials.length < options.deniedAttempts) return [];
  const tools = [...new Set(denials.map((mark) => mark.toolName))];
  const minutes = Math.round(options.deniedWindowMs / 60_000);
  return [
    {
      reason: 'repeated-denials',
      severity: 'high',
      summary: `${state.agentId} tried ${denials.length} times within ${minutes} min to use tools above its trust level (${tools.join(', ')})`,
      evidence: {
        recordIds: denials.map((mark) => mark.id),
        seqs: denials.map((mark) => mark.seq),
        measurements: {
          attempts: denials.length,
          windowMs: options.deniedWindowMs,
          level,
          requiredLevel: required,
          tools: tools.join(','),
        },
      },
      dedupKey: dedupKey('permission_escalation', 'repeated-denials', state.tenantId, state.agentId),
    },
  ];
}

/**
 * The permission_escalation detector.
 *
 * @example
 * const detector = permissionEscalationDetector(alertEngineOptionsSchema.parse({ alerts: ['permission_escalation'] }));
 */
export function permissionEscalationDetector(options: ResolvedAlertEngineOptions): Detector {
  return {
    type: 'permission_escalation',
    observe(record, state, learning) {
      switch (record.eventType) {
        case 'tool-call-denied':
          return denial(record, state, options.escalation, learning);
        case 'trust-level-changed':
          return learning ? [] : trustChange(record, state);
        // An agent that opened with a new config, or a config changed in the registry (API, CLI, config file).
        case 'config-changed':
        case 'agent-config-changed':
          return learning ? [] : configChange(record, state);
        case 'operator-action':
          return learning ? [] : operatorAction(record, state);
        default:
          return [];
      }
    },
  };
}
