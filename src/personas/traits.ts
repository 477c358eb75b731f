/** Lookups over a profile's traits and mixes shared by naming, the story and the approach. Pure. */
import type { GroupProfile, Trait } from './profile.js';

export function numericTrait(profile: GroupProfile, feature: string): Trait | undefined {
  return profile.traits.find((t) => t.kind === 'numeric' && t.feature === feature && !t.suppressed);
}

export function categoryTrait(profile: GroupProfile, feature: string, value: string): Trait | undefined {
  return profile.traits.find((t) => t.kind === 'categorical' && t.feature === feature && t.value === value && !t.suppressed);
}

/** The most common value of a categorical feature in the group (ties: smaller value), unsuppressed. */
export function modalValue(profile: GroupProfile, feature: string): Trait | undefined {
  let best: Trait | undefined;
  for (const t of profile.traits) {
    if (t.kind !== 'categorical' || t.feature !== feature || t.suppressed) continue;
    if (!best || (t.inShare as number) > (best.inShare as number)) best = t;
  }
  return best;
}

/** Ranked traits, strongest first. */
export function rankedTraits(profile: GroupProfile): Trait[] {
  return profile.traits.filter((t) => t.rank !== null).sort((a, b) => (a.rank as number) - (b.rank as number));
}

/** Effect of a numeric feature, 0 when unknown or suppressed. */
export function effectOf(profile: GroupProfile, feature: string): number {
  return numericTrait(profile, feature)?.effect ?? 0;
}

/** Summed positive effect of the group's share of the given values of a categorical feature. */
export function shareOf(profile: GroupProfile, feature: string, values: readonly string[]): { inShare: number; restShare: number } {
  let inShare = 0;
  let restShare = 0;
  for (const v of values) {
    const t = categoryTrait(profile, feature, v);
    inShare += t?.inShare ?? 0;
    restShare += t?.restShare ?? 0;
  }
  return { inShare, restShare };
}
