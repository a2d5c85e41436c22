/**
 * Config-time checks of the permission part of a trust config: the errors `trustConfigSchema` reports,
 * and the warnings about rules that parse but probably do not mean what they say.
 */
import { StewardError } from '../errors/index.js';
import { type CompiledPermissionRule, compilePermissionRule, covers, rulePath } from './permission-rule.js';
import { MAX_PERMISSION_LEVELS, type PermissionTableConfig } from './permission-table.js';

/** One problem (or warning) in the permission part of a trust config, at its path in the config. */
export interface PermissionConfigIssue {
  path: Array<string | number>;
  message: string;
}

export interface PermissionConfigCheck {
  /** What makes the config invalid: `trustConfigSchema` reports each at its path. */
  issues: PermissionConfigIssue[];
  /** What is valid but likely a mistake, such as `Read(/etc/shadow)` (relative, not absolute). */
  warnings: PermissionConfigIssue[];
}

function tryCompile(pattern: string): CompiledPermissionRule | string {
  try {
    return compilePermissionRule(pattern);
  } catch (error) {
    if (StewardError.isInstance(error) && typeof error.details.reason === 'string')
      return error.details.reason;
    throw error;
  }
}

/** Top-level folders of Linux and macOS: a rule starting with one of them was meant to be absolute. */
const SYSTEM_FOLDERS = new Set([
  'Applications',
  'Library',
  'System',
  'Users',
  'Volumes',
  'bin',
  'boot',
  'dev',
  'etc',
  'home',
  'lib',
  'lib64',
  'media',
  'mnt',
  'nix',
  'opt',
  'private',
  'proc',
  'root',
  'run',
  'sbin',
  'snap',
  'srv',
  'sys',
  'tmp',
  'usr',
  'var',
]);

/**
 * In Claude Code's grammar a single leading `/` is relative (to the project root; here, to the working
 * directory) and `//` is absolute, so `Read(/etc/shadow)` means `<cwd>/etc/shadow`. A rule whose first
 * folder is a system folder was almost certainly meant as an absolute path: say so.
 */
function relativeLookingAbsolute(rule: CompiledPermissionRule): string | undefined {
  const specifier = rule.specifier;
  if (!rulePath(rule) || specifier === undefined || !/^\/(?!\/)/.test(specifier)) return undefined;
  const folder = specifier.slice(1).split('/')[0]!;
  if (!SYSTEM_FOLDERS.has(folder)) return undefined;
  return (
    `"${rule.pattern}" means <working directory>${specifier}, not ${specifier}: in Claude Code's permission-rule grammar ` +
    `a single leading "/" is relative and "//" is absolute. Write "${rule.tool}(/${specifier})" for the absolute path, ` +
    `or "${rule.tool}(.${specifier})" to keep it relative`
  );
}

/**
 * Checks what the schema's shape cannot: every pattern parses, no two keys are the same level, and
 * each higher level's list covers every pattern of each lower one (the allowed set only grows). Also
 * warns about path rules that look absolute but are relative under the grammar.
 *
 * @example
 * checkPermissionConfig({ deny: ['Read(/etc/shadow)'] }).warnings;
 * // [{ path: ['deny', 0], message: '"Read(/etc/shadow)" means <working directory>/etc/shadow, not /etc/shadow: …' }]
 */
export function checkPermissionConfig(config: Partial<PermissionTableConfig>): PermissionConfigCheck {
  const issues: PermissionConfigIssue[] = [];
  const warnings: PermissionConfigIssue[] = [];
  const warned = new Set<string>();
  const compile = (path: Array<string | number>, pattern: string): CompiledPermissionRule | undefined => {
    const compiled = tryCompile(pattern);
    if (typeof compiled === 'string') {
      issues.push({
        path,
        message: `a pattern in Claude Code's permission-rule grammar ("${pattern}": ${compiled})`,
      });
      return undefined;
    }
    const warning = warned.has(pattern) ? undefined : relativeLookingAbsolute(compiled);
    if (warning) {
      warned.add(pattern); // the level lists repeat their patterns: one warning each
      warnings.push({ path, message: warning });
    }
    return compiled;
  };

  for (const [index, pattern] of (config.deny ?? []).entries()) compile(['deny', index], pattern);
  for (const pattern of Object.keys(config.toolOverrides ?? {})) compile(['toolOverrides', pattern], pattern);

  const levels: Array<{ key: string; level: number; rules: CompiledPermissionRule[] }> = [];
  for (const [key, patterns] of Object.entries(config.permissions ?? {})) {
    const level = Number(key);
    if (key.trim() === '' || !Number.isFinite(level)) continue; // the key check reports it
    const rules: CompiledPermissionRule[] = [];
    patterns.forEach((pattern, index) => {
      const compiled = compile(['permissions', key, index], pattern);
      if (compiled) rules.push(compiled);
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

  if (levels.length > MAX_PERMISSION_LEVELS) {
    issues.push({
      path: ['permissions'],
      message: `at most ${MAX_PERMISSION_LEVELS} levels (keys), not ${levels.length}`,
    });
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
  return { issues, warnings };
}
