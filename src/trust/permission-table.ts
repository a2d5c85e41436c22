/**
 * The level → allowed-tools table of the Trust primitive: the deny list, per-tool overrides and the
 * permission lists keyed by trust level, compiled once so that a decision takes microseconds.
 */
import { StewardError } from '../errors/index.js';
import type { ResolvedTrustConfig } from './config.js';
import {
  BashMatcher,
  type CompiledPermissionRule,
  compilePermissionRule,
  covers,
  type PermissionMatchContext,
  PermissionSubject,
  matchRuleSubject,
  mcpServerOf,
  ruleServer,
} from './permission-rule.js';

/** Levels are compared with this tolerance so that float drift (0.7 - 0.4) never drops a threshold. */
const EPSILON = 1e-9;

/** Why a call was allowed or denied, in the order the table checks. */
export type PermissionReason =
  | 'deny-list'
  | 'override-deny'
  | 'override-allow'
  | 'override-level'
  | 'level'
  | 'no-match';

export interface PermissionTableDecision {
  allowed: boolean;
  reason: PermissionReason;
  /** The pattern that decided (patterns joined by ", " when several Bash rules allow one chained command). */
  matchedPattern?: string;
  /** The permissions key (as a number) whose list was in force at this level. */
  levelThreshold?: number;
  /** The lowest level at which this call would be allowed, if any. */
  requiredLevel?: number;
}

export interface PermissionTable {
  /**
   * Decides one tool call at a trust level: deny list, then the first matching override, then the
   * list of the highest threshold <= level; deny by default.
   */
  decide(
    level: number,
    toolName: string,
    input: Record<string, unknown>,
    context: PermissionMatchContext,
  ): PermissionTableDecision;
  /** The patterns in force at `level` (empty below the lowest threshold). */
  allowedPatterns(level: number): readonly string[];
  /** The thresholds, ascending. */
  readonly thresholds: readonly number[];
}

export type PermissionTableConfig = Pick<ResolvedTrustConfig, 'permissions' | 'deny' | 'toolOverrides'>;

/**
 * A list of compiled rules indexed for the call at hand: exact tool names and MCP servers in maps,
 * specifier rules grouped by tool, so a decision never scans rules for other tools.
 */
class RuleIndex {
  readonly #anyTool: string | undefined;
  readonly #anyMcpTool: string | undefined;
  readonly #bare = new Map<string, string>();
  readonly #servers = new Map<string, string>();
  readonly #specifiers = new Map<string, CompiledPermissionRule[]>();
  readonly #bash: BashMatcher | undefined;

  constructor(readonly rules: readonly CompiledPermissionRule[]) {
    let anyTool: string | undefined;
    let anyMcpTool: string | undefined;
    for (const rule of rules) {
      switch (rule.kind) {
        case 'any-tool':
          anyTool ??= rule.pattern;
          break;
        case 'any-mcp-tool':
          anyMcpTool ??= rule.pattern;
          break;
        case 'mcp-server':
          if (!this.#bare.has(rule.tool)) this.#bare.set(rule.tool, rule.pattern);
          if (!this.#servers.has(ruleServer(rule)!)) this.#servers.set(ruleServer(rule)!, rule.pattern);
          break;
        case 'mcp-server-tools':
          if (!this.#servers.has(ruleServer(rule)!)) this.#servers.set(ruleServer(rule)!, rule.pattern);
          break;
        case 'tool':
          if (!this.#bare.has(rule.tool)) this.#bare.set(rule.tool, rule.pattern);
          break;
        case 'tool-specifier': {
          const list = this.#specifiers.get(rule.tool) ?? [];
          list.push(rule);
          this.#specifiers.set(rule.tool, list);
          break;
        }
      }
    }
    this.#anyTool = anyTool;
    this.#anyMcpTool = anyMcpTool;
    const bashRules = this.#specifiers.get('Bash');
    this.#bash = bashRules ? new BashMatcher(bashRules) : undefined;
  }

  /** The pattern(s) that match the call, most specific first, or undefined. */
  match(subject: PermissionSubject, mode: 'allow' | 'deny'): string | undefined {
    const { toolName } = subject;
    const bare = this.#bare.get(toolName);
    if (bare !== undefined) return bare;
    const specifiers = this.#specifiers.get(toolName);
    if (specifiers) {
      if (mode === 'allow' && this.#bash && toolName === 'Bash') {
        // Different rules may allow different parts of one chained command.
        const command = subject.command();
        const patterns = command ? this.#bash.allow(command) : undefined;
        if (patterns) return patterns.length === 1 ? patterns[0] : patterns.join(', ');
      } else {
        for (const rule of specifiers) if (matchRuleSubject(rule, subject, mode)) return rule.pattern;
      }
    }
    if (toolName.startsWith('mcp__')) {
      const server = mcpServerOf(toolName);
      const byServer = server === null ? undefined : this.#servers.get(server);
      if (byServer !== undefined) return byServer;
      if (this.#anyMcpTool !== undefined) return this.#anyMcpTool;
    }
    return this.#anyTool;
  }
}

interface CompiledOverride {
  rule: CompiledPermissionRule;
  index: RuleIndex;
  action: 'allow' | 'deny' | { minLevel: number };
}

/** Compiles each distinct pattern once, however many lists repeat it. */
function compiler(): (patterns: readonly string[]) => CompiledPermissionRule[] {
  const compiled = new Map<string, CompiledPermissionRule>();
  return (patterns) =>
    patterns.map((pattern) => {
      let rule = compiled.get(pattern);
      if (!rule) {
        rule = compilePermissionRule(pattern);
        compiled.set(pattern, rule);
      }
      return rule;
    });
}

/** Thresholds ascending with their keys; throws `invalid-config` for a key that is not a level. */
function parseThresholds(permissions: Record<string, string[]>): Array<{ key: string; level: number }> {
  const entries = Object.keys(permissions).map((key) => {
    const level = Number(key);
    if (key.trim() === '' || !Number.isFinite(level) || level < 0 || level > 1) {
      throw new StewardError('invalid-config', `Invalid permissions key "${key}": use a trust level between 0 and 1, e.g. 0.3.`);
    }
    return { key, level };
  });
  return entries.sort((a, b) => a.level - b.level);
}

/**
 * Compiles the permission part of a trust config. Patterns are compiled once here; a malformed one
 * throws StewardError `invalid-config` naming it. Monotonicity is checked by `trustConfigSchema`.
 *
 * @example
 * const table = createPermissionTable({
 *   permissions: { 0.1: ['Read'], 0.3: ['Read', 'mcp__slack__*'], 0.5: ['Read', 'Write', 'mcp__*'], 0.9: ['*'] },
 *   deny: ['Bash(rm:*)'],
 *   toolOverrides: { WebFetch: { minLevel: 0.7 } },
 * });
 * table.decide(0.3, 'Write', { file_path: '/repo/a.md' }, { cwd: '/repo' });
 * // { allowed: false, reason: 'no-match', levelThreshold: 0.3, requiredLevel: 0.5 }
 */
export function createPermissionTable(config: PermissionTableConfig): PermissionTable {
  const thresholds = parseThresholds(config.permissions);
  const levels = thresholds.map((threshold) => threshold.level);
  const lists = thresholds.map((threshold) => Object.freeze([...(config.permissions[threshold.key] ?? [])]));
  const compileAll = compiler();
  const indexes = lists.map((patterns) => new RuleIndex(compileAll(patterns)));
  const deny = new RuleIndex(compileAll(config.deny));
  const overrides: CompiledOverride[] = Object.entries(config.toolOverrides).map(([pattern, action]) => {
    const rule = compilePermissionRule(pattern);
    return { rule, index: new RuleIndex([rule]), action };
  });

  /** Index of the highest threshold <= level, or -1. */
  const thresholdIndex = (level: number): number => {
    for (let index = levels.length - 1; index >= 0; index--) if (levels[index]! <= level + EPSILON) return index;
    return -1;
  };

  const decide = (
    level: number,
    toolName: string,
    input: Record<string, unknown>,
    context: PermissionMatchContext,
  ): PermissionTableDecision => {
    const subject = new PermissionSubject(toolName, input, context);
    const denied = deny.match(subject, 'deny');
    if (denied !== undefined) return { allowed: false, reason: 'deny-list', matchedPattern: denied };

    for (const override of overrides) {
      const matched = override.index.match(subject, override.action === 'deny' ? 'deny' : 'allow');
      if (matched === undefined) continue;
      if (override.action === 'deny') return { allowed: false, reason: 'override-deny', matchedPattern: matched };
      if (override.action === 'allow') return { allowed: true, reason: 'override-allow', matchedPattern: matched };
      const { minLevel } = override.action;
      return {
        allowed: level + EPSILON >= minLevel,
        reason: 'override-level',
        matchedPattern: matched,
        requiredLevel: minLevel,
      };
    }

    const current = thresholdIndex(level);
    const currentMatch = current >= 0 ? indexes[current]!.match(subject, 'allow') : undefined;
    // The lowest list that allows the call. Lists are monotone (trustConfigSchema checks it), so an
    // allowed call needs a look only below the current list, and a denied one only above it.
    let requiredLevel: number | undefined;
    const [from, to] = currentMatch !== undefined ? [0, current] : [current + 1, indexes.length - 1];
    for (let index = from; index <= to; index++) {
      const matched = index === current ? currentMatch : indexes[index]!.match(subject, 'allow');
      if (matched !== undefined) {
        requiredLevel = levels[index]!;
        break;
      }
    }
    const decision: PermissionTableDecision = {
      allowed: currentMatch !== undefined,
      reason: currentMatch !== undefined ? 'level' : 'no-match',
    };
    if (currentMatch !== undefined) decision.matchedPattern = currentMatch;
    if (current >= 0) decision.levelThreshold = levels[current]!;
    if (requiredLevel !== undefined) decision.requiredLevel = requiredLevel;
    return decision;
  };

  return {
    decide,
    allowedPatterns: (level) => {
      const index = thresholdIndex(level);
      return index < 0 ? [] : lists[index]!;
    },
    thresholds: Object.freeze(levels),
  };
}

/** One problem in the permission part of a trust config, for `trustConfigSchema` to report. */
export interface PermissionConfigIssue {
  path: Array<string | number>;
  message: string;
}

function tryCompile(pattern: string): CompiledPermissionRule | string {
  try {
    return compilePermissionRule(pattern);
  } catch (error) {
    if (StewardError.isInstance(error) && typeof error.details.reason === 'string') return error.details.reason;
    throw error;
  }
}

/**
 * Checks what the schema's shape cannot: every pattern parses, no two keys are the same level, and
 * each higher level's list covers every pattern of each lower one (the allowed set only grows).
 */
export function checkPermissionConfig(config: Partial<PermissionTableConfig>): PermissionConfigIssue[] {
  const issues: PermissionConfigIssue[] = [];
  const invalid = (path: Array<string | number>, pattern: string, reason: string) =>
    issues.push({ path, message: `a pattern in Claude Code's permission-rule grammar ("${pattern}": ${reason})` });

  (config.deny ?? []).forEach((pattern, index) => {
    const compiled = tryCompile(pattern);
    if (typeof compiled === 'string') invalid(['deny', index], pattern, compiled);
  });
  for (const pattern of Object.keys(config.toolOverrides ?? {})) {
    const compiled = tryCompile(pattern);
    if (typeof compiled === 'string') invalid(['toolOverrides', pattern], pattern, compiled);
  }

  const levels: Array<{ key: string; level: number; rules: CompiledPermissionRule[] }> = [];
  for (const [key, patterns] of Object.entries(config.permissions ?? {})) {
    const level = Number(key);
    if (key.trim() === '' || !Number.isFinite(level)) continue; // the key check reports it
    const rules: CompiledPermissionRule[] = [];
    patterns.forEach((pattern, index) => {
      const compiled = tryCompile(pattern);
      if (typeof compiled === 'string') invalid(['permissions', key, index], pattern, compiled);
      else rules.push(compiled);
    });
    const twin = levels.find((other) => other.level === level);
    if (twin) {
      issues.push({
        path: ['permissions', key],
        message: `one key per level ("${twin.key}" and "${key}" are both level ${level}); merge the two lists`,
      });
    }
    levels.push({ key, level, rules });
  }

  levels.sort((a, b) => a.level - b.level);
  for (let higher = 1; higher < levels.length; higher++) {
    const upper = levels[higher]!;
    for (let lower = 0; lower < higher; lower++) {
      const below = levels[lower]!;
      if (below.level === upper.level) continue;
      const missing = below.rules
        .filter((rule) => !upper.rules.some((candidate) => covers(candidate, rule)))
        .map((rule) => `"${rule.pattern}"`);
      if (missing.length === 0) continue;
      issues.push({
        path: ['permissions', upper.key],
        message: `a list that includes every pattern of level ${below.key} (missing ${missing.join(', ')}); a higher trust level must not allow less`,
      });
    }
  }
  return issues;
}
