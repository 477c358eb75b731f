/**
 * Membership tier: the highest level whose every threshold is met by the customer's net spend
 * and number of completed orders over the tier window. Pure. Levels are listed from lowest to
 * highest (the config checks that thresholds never go down); a customer who meets no level has
 * no tier (null).
 */
export interface TierLevel {
  readonly name: string;
  /** Net spend in the base currency over the window, at least. */
  readonly minSpend: number;
  /** Completed orders over the window, at least. */
  readonly minOrders: number;
}

export function chooseTier(levels: readonly TierLevel[], spend: number, orders: number): string | null {
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i]!;
    if (spend >= level.minSpend && orders >= level.minOrders) return level.name;
  }
  return null;
}

/** Problems with a list of levels (empty when fine): names unique, thresholds never decreasing. */
export function tierLevelProblems(levels: readonly TierLevel[]): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  const seen = new Set<string>();
  levels.forEach((level, index) => {
    if (seen.has(level.name)) problems.push({ index, message: `tier "${level.name}" is listed twice` });
    seen.add(level.name);
    const previous = index > 0 ? levels[index - 1] : undefined;
    if (previous && (level.minSpend < previous.minSpend || level.minOrders < previous.minOrders)) {
      problems.push({
        index,
        message: `tier "${level.name}" has a lower threshold than "${previous.name}" before it (levels go from lowest to highest: min_spend and min_orders never decrease)`,
      });
    } else if (previous && level.minSpend === previous.minSpend && level.minOrders === previous.minOrders) {
      problems.push({ index, message: `tier "${level.name}" has the same thresholds as "${previous.name}", so it would always win over it` });
    }
  });
  return problems;
}
