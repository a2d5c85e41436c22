/**
 * What a trust level change does to an agent's permissions: the bands before and after, and the patterns
 * that allow calls the old level did not. Trust events carry it, so an audit alert can tell a widening
 * from a same-band move or a demotion without knowing the permission table.
 */
import { type CompiledPermissionRule, compilePermissionRule, covers } from './permission-rule.js';
import {
  createPermissionTable,
  type PermissionTable,
  type PermissionTableConfig,
} from './permission-table.js';

export interface PermissionChange {
  /** `PermissionTable.band` of the old level. */
  fromBand: string;
  /** `PermissionTable.band` of the new level. */
  toBand: string;
  /**
   * Patterns in force at the new level that allow calls the old level did not: level patterns no pattern
   * of the old list covers, and `{ minLevel }` overrides the move crossed. Empty for a demotion or a move
   * within one band. Conservative: a pattern covered only by several patterns together is listed.
   */
  added: string[];
}

/**
 * Builds the comparison for one permission config (compiled once).
 *
 * @example
 * const compare = createPermissionComparison({ permissions: { 0.3: ['Read'], 0.5: ['Read', 'Write'] }, deny: [], toolOverrides: {} });
 * compare(0.3, 0.6); // { fromBand: '0.3', toBand: '0.5', added: ['Write'] }
 * compare(0.6, 0.3); // { fromBand: '0.5', toBand: '0.3', added: [] }
 */
export function createPermissionComparison(
  config: PermissionTableConfig,
  table: PermissionTable = createPermissionTable(config),
): (from: number, to: number) => PermissionChange {
  const compiled = new Map<string, CompiledPermissionRule>();
  const compile = (pattern: string): CompiledPermissionRule => {
    let rule = compiled.get(pattern);
    if (!rule) {
      rule = compilePermissionRule(pattern);
      compiled.set(pattern, rule);
    }
    return rule;
  };
  const deny = config.deny.map(compile);
  const overrides = Object.entries(config.toolOverrides).map(([pattern, action]) => ({
    rule: compile(pattern),
    minLevel: typeof action === 'object' ? action.minLevel : undefined,
  }));
  const coveredByAny = (rules: readonly CompiledPermissionRule[], rule: CompiledPermissionRule) =>
    rules.some((candidate) => covers(candidate, rule));
  // A band is the highest edge <= the level, so an override of `minLevel` m allows at a level exactly
  // when that level's band is >= m (the table's float tolerance is already in the band).
  const bandValue = (band: string) => (band === 'none' ? Number.NEGATIVE_INFINITY : Number(band));

  return (from, to) => {
    const fromBand = table.band(from);
    const toBand = table.band(to);
    // Two levels in one band allow the same calls, and a higher level never allows less (checked in the
    // config), so only a move to a higher band can add anything.
    if (fromBand === toBand || bandValue(toBand) < bandValue(fromBand))
      return { fromBand, toBand, added: [] };
    const before = table.allowedPatterns(from).map(compile);
    // The deny list and the overrides decide the calls they match before the level lists do.
    const decidedElsewhere = [...deny, ...overrides.map((override) => override.rule)];
    const added = table
      .allowedPatterns(to)
      .map(compile)
      .filter((rule) => !coveredByAny(before, rule) && !coveredByAny(decidedElsewhere, rule))
      .map((rule) => rule.pattern);
    overrides.forEach((override, index) => {
      const { minLevel } = override;
      if (minLevel === undefined || minLevel <= bandValue(fromBand) || minLevel > bandValue(toBand)) return;
      // The first matching override decides, so one covered by an earlier override never does.
      const earlier = overrides.slice(0, index).map((other) => other.rule);
      if (!coveredByAny(deny, override.rule) && !coveredByAny(earlier, override.rule))
        added.push(override.rule.pattern);
    });
    return { fromBand, toBand, added };
  };
}
