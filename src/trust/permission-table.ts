/**
 * The level → allowed-tools table of the Trust primitive: the deny list, per-tool overrides and the
 * permission lists keyed by trust level, compiled once so that a decision takes microseconds.
 */
import { StewardError } from '../errors/index.js';
import { BashMatcher, type MaskedBashRule } from './bash-rule.js';
import {
  type CompiledPermissionRule,
  compilePermissionRule,
  matchRuleSubject,
  type PermissionMatchContext,
  PermissionSubject,
  ruleBash,
  ruleServer,
} from './permission-rule.js';
import { ShellCommandCache } from './shell-command-cache.js';
import { loadShellParser } from './shell-parser.js';

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
  /**
   * Resolves once `decide` can read every call: with Bash rules, once the Bash parser is loaded (the
   * table starts loading it when built). Await it before the first decision; `decide` on a Bash call
   * before then throws StewardError `internal`.
   */
  ready(): Promise<void>;
  /**
   * The band a level falls in: the highest permission threshold or override `minLevel` <= level, as a
   * string (`'none'` below all of them). Two levels in one band allow exactly the same tool calls.
   */
  band(level: number): string;
}

/** What a tool override does: always allow, always deny, or allow from a level of its own. */
export type ToolOverride = 'allow' | 'deny' | { minLevel: number };

/** The permission part of a trust config (`trustConfigSchema` output has this shape). */
export interface PermissionTableConfig {
  /** Pattern lists keyed by the lowest trust level (0..1, as a string) at which they apply. */
  permissions: Record<string, readonly string[]>;
  /** Patterns denied at every level. */
  deny: readonly string[];
  /** Per-pattern overrides, checked in order after the deny list. */
  toolOverrides: Record<string, ToolOverride>;
}

/** At most this many permission levels: one bit of a 32-bit mask each. */
export const MAX_PERMISSION_LEVELS = 31;

interface Entry {
  pattern: string;
  mask: number;
}

function addMasked(map: Map<string, Entry[]>, key: string, entry: Entry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

/**
 * Compiled rules of one or more lists, indexed by what they name: exact tool names and MCP servers
 * in maps, specifier rules grouped by tool, Bash rules by their first word. Each distinct rule
 * carries a bit per list containing it, so one evaluation answers for every list at once and each
 * rule is checked at most once per decision.
 */
class MaskIndex {
  readonly #anyTool: Entry[] = [];
  readonly #anyMcpTool: Entry[] = [];
  readonly #bare = new Map<string, Entry[]>();
  readonly #servers = new Map<string, Entry[]>();
  readonly #specifiers = new Map<string, Array<{ rule: CompiledPermissionRule; mask: number }>>();
  readonly #bash: BashMatcher | undefined;

  constructor(lists: ReadonlyArray<ReadonlyArray<CompiledPermissionRule>>) {
    const masks = new Map<CompiledPermissionRule, number>();
    lists.forEach((rules, index) => {
      for (const rule of rules) masks.set(rule, (masks.get(rule) ?? 0) | (1 << index));
    });
    for (const [rule, mask] of masks) {
      const entry = { pattern: rule.pattern, mask };
      switch (rule.kind) {
        case 'any-tool':
          this.#anyTool.push(entry);
          break;
        case 'any-mcp-tool':
          this.#anyMcpTool.push(entry);
          break;
        case 'mcp-server':
          addMasked(this.#bare, rule.tool, entry);
          addMasked(this.#servers, ruleServer(rule)!, entry);
          break;
        case 'mcp-server-tools':
          addMasked(this.#servers, ruleServer(rule)!, entry);
          break;
        case 'tool':
          addMasked(this.#bare, rule.tool, entry);
          break;
        case 'tool-specifier': {
          const list = this.#specifiers.get(rule.tool);
          if (list) list.push({ rule, mask });
          else this.#specifiers.set(rule.tool, [{ rule, mask }]);
          break;
        }
      }
    }
    const bashRules = (this.#specifiers.get('Bash') ?? []).flatMap(({ rule, mask }): MaskedBashRule[] => {
      const bash = ruleBash(rule);
      return bash ? [{ pattern: rule.pattern, bash, mask }] : [];
    });
    this.#bash = bashRules.length > 0 ? new BashMatcher(bashRules) : undefined;
  }

  /**
   * Bit i of `mask` is set when list i matches the call; `pattern` names what matched in list `want`
   * (most specific first; several patterns when different Bash rules allow parts of one command).
   */
  evaluate(subject: PermissionSubject, mode: 'allow' | 'deny', want: number): Verdict {
    const { toolName } = subject;
    const wantBit = want >= 0 ? 1 << want : 0;
    const verdict: Verdict = { mask: 0, pattern: undefined };
    take(verdict, this.#bare.get(toolName), wantBit);
    const specifiers = this.#specifiers.get(toolName);
    if (specifiers) {
      if (mode === 'allow' && this.#bash && toolName === 'Bash') {
        // Different rules of one list may allow different parts of one chained command.
        const command = subject.command();
        if (command) {
          const bash = this.#bash.evaluate(command, want);
          verdict.mask |= bash.mask;
          if (verdict.pattern === undefined && bash.patterns) verdict.pattern = bash.patterns.join(', ');
        }
      } else {
        for (const { rule, mask } of specifiers) {
          const addsBits = (verdict.mask | mask) !== verdict.mask;
          const addsPattern = verdict.pattern === undefined && (mask & wantBit) !== 0;
          if ((!addsBits && !addsPattern) || !matchRuleSubject(rule, subject, mode)) continue;
          verdict.mask |= mask;
          if (addsPattern) verdict.pattern = rule.pattern;
        }
      }
    }
    if (toolName.startsWith('mcp__')) {
      const server = subject.mcpServer();
      if (server !== null) take(verdict, this.#servers.get(server), wantBit);
      take(verdict, this.#anyMcpTool, wantBit);
    }
    take(verdict, this.#anyTool, wantBit);
    return verdict;
  }
}

interface Verdict {
  mask: number;
  pattern: string | undefined;
}

/** Adds entries that match whatever the input (bare names, servers, wildcards) to a verdict. */
function take(verdict: Verdict, entries: Entry[] | undefined, wantBit: number): void {
  if (!entries) return;
  for (const entry of entries) {
    verdict.mask |= entry.mask;
    if (verdict.pattern === undefined && (entry.mask & wantBit) !== 0) verdict.pattern = entry.pattern;
  }
}

/** Index of the lowest set bit of a non-zero mask. */
function lowestBit(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

interface CompiledOverride {
  index: MaskIndex;
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
function parseThresholds(
  permissions: Record<string, readonly string[]>,
): Array<{ key: string; level: number }> {
  const entries = Object.keys(permissions).map((key) => {
    const level = Number(key);
    if (key.trim() === '' || !Number.isFinite(level) || level < 0 || level > 1) {
      throw new StewardError(
        'invalid-config',
        `Invalid permissions key "${key}": use a trust level between 0 and 1, e.g. 0.3.`,
      );
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
  if (thresholds.length > MAX_PERMISSION_LEVELS) {
    throw new StewardError(
      'invalid-config',
      `Too many permission levels (${thresholds.length}): use at most ${MAX_PERMISSION_LEVELS} keys in trust.permissions.`,
    );
  }
  const levels = thresholds.map((threshold) => threshold.level);
  const lists = thresholds.map((threshold) => Object.freeze([...(config.permissions[threshold.key] ?? [])]));
  const compileAll = compiler();
  const commands = new ShellCommandCache();
  const needsParser = (rules: CompiledPermissionRule[]) => rules.some((rule) => ruleBash(rule) !== undefined);
  const levelRules = lists.map((patterns) => compileAll(patterns));
  const denyRules = compileAll(config.deny);
  const overrideRules = Object.entries(config.toolOverrides).map(
    ([pattern, action]) => [compilePermissionRule(pattern), action] as const,
  );
  const levelIndex = new MaskIndex(levelRules);
  const deny = new MaskIndex([denyRules]);
  const overrides: CompiledOverride[] = overrideRules.map(([rule, action]) => ({
    index: new MaskIndex([[rule]]),
    action,
  }));
  const parsesCommands = needsParser([
    ...levelRules.flat(),
    ...denyRules,
    ...overrideRules.map(([rule]) => rule),
  ]);
  // Start loading now, so that it is usually done by the first decision; `ready()` reports a failure.
  if (parsesCommands) loadShellParser().catch(() => undefined);

  // Every level at which the set of allowed calls can change.
  const bandEdges = [
    ...new Set([
      ...levels,
      ...Object.values(config.toolOverrides).flatMap((action) =>
        typeof action === 'object' ? [action.minLevel] : [],
      ),
    ]),
  ].sort((a, b) => a - b);

  /** Index of the highest threshold <= level, or -1. */
  const thresholdIndex = (level: number): number => {
    for (let index = levels.length - 1; index >= 0; index--)
      if (levels[index]! <= level + EPSILON) return index;
    return -1;
  };

  const decide = (
    level: number,
    toolName: string,
    input: Record<string, unknown>,
    context: PermissionMatchContext,
  ): PermissionTableDecision => {
    const subject = new PermissionSubject(toolName, input, context, commands);
    const denied = deny.evaluate(subject, 'deny', 0).pattern;
    if (denied !== undefined) return { allowed: false, reason: 'deny-list', matchedPattern: denied };

    for (const override of overrides) {
      const { action } = override;
      // Below its level a { minLevel } override restricts: it holds for every call it could match (any
      // part of a chained command, a program only known at run time), as a deny rule does.
      const below = typeof action === 'object' && level + EPSILON < action.minLevel;
      const mode = action === 'deny' || below ? 'deny' : 'allow';
      const matched = override.index.evaluate(subject, mode, 0).pattern;
      if (matched === undefined) continue;
      if (action === 'deny') return { allowed: false, reason: 'override-deny', matchedPattern: matched };
      if (action === 'allow') return { allowed: true, reason: 'override-allow', matchedPattern: matched };
      const decision: PermissionTableDecision = {
        allowed: !below,
        reason: 'override-level',
        matchedPattern: matched,
      };
      const fully = !below || override.index.evaluate(subject, 'allow', 0).pattern !== undefined;
      // A call the override only could match is not allowed by it at minLevel: find where it is.
      const required = fully
        ? action.minLevel
        : bandEdges.find(
            (edge) => edge + EPSILON >= action.minLevel && decide(edge, toolName, input, context).allowed,
          );
      if (required !== undefined) decision.requiredLevel = required;
      return decision;
    }

    const current = thresholdIndex(level);
    const { mask, pattern } = levelIndex.evaluate(subject, 'allow', current);
    const allowed = pattern !== undefined;
    const decision: PermissionTableDecision = { allowed, reason: allowed ? 'level' : 'no-match' };
    if (allowed) decision.matchedPattern = pattern;
    if (current >= 0) decision.levelThreshold = levels[current]!;
    if (mask !== 0) {
      // A { minLevel } override that could match the call holds it back below its level.
      let required = levels[lowestBit(mask)]!;
      for (const { index, action } of overrides) {
        if (typeof action === 'object' && action.minLevel > required) {
          if (index.evaluate(subject, 'deny', 0).pattern !== undefined) required = action.minLevel;
        }
      }
      decision.requiredLevel = required;
    }
    return decision;
  };

  return {
    decide,
    allowedPatterns: (level) => {
      const index = thresholdIndex(level);
      return index < 0 ? [] : lists[index]!;
    },
    thresholds: Object.freeze(levels),
    ready: () => (parsesCommands ? loadShellParser() : Promise.resolve()),
    band: (level) => {
      for (let index = bandEdges.length - 1; index >= 0; index--)
        if (bandEdges[index]! <= level + EPSILON) return String(bandEdges[index]);
      return 'none';
    },
  };
}
