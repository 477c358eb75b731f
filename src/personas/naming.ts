/**
 * Deterministic persona names from the strongest traits (docs/personas.md#names): an adjective
 * from the strongest behaviour and a noun from the top category when it sets the persona apart,
 * unique within the run. Pure.
 */
import type { GroupProfile } from './profile.js';
import { categoryNoun, DESCRIPTORS, type Descriptor, type Language } from './vocabulary.js';
import { categoryTrait, effectOf, modalValue, shareOf } from './traits.js';

/** An effect at least this large (Cohen's "medium") names a behaviour. */
const NAMING_EFFECT = 0.5;

export interface ScoredDescriptor {
  readonly descriptor: Descriptor;
  readonly strength: number;
}

/** Behaviours that set the persona apart, strongest first (ties: descriptor id). */
export function descriptorsOf(profile: GroupProfile): ScoredDescriptor[] {
  const out: ScoredDescriptor[] = [];
  const add = (id: string, strength: number): void => {
    if (strength >= NAMING_EFFECT) out.push({ descriptor: DESCRIPTORS[id] as Descriptor, strength });
  };
  const lapsing = shareOf(profile, 'lifecycle_stage', ['at_risk', 'lapsed', 'churned']);
  add('lapsing', Math.max(effectOf(profile, 'recency_days'), lapsing.inShare >= 0.5 ? 2 * Math.asin(Math.sqrt(lapsing.inShare)) - 2 * Math.asin(Math.sqrt(lapsing.restShare)) : 0));
  const isNew = categoryTrait(profile, 'lifecycle_stage', 'new');
  add('new', Math.max(-effectOf(profile, 'days_since_first_order'), (isNew?.inShare ?? 0) >= 0.4 ? (isNew?.effect ?? 0) : 0));
  add('high_value', effectOf(profile, 'monetary'));
  add('frequent', effectOf(profile, 'frequency'));
  add('coupon', effectOf(profile, 'coupon_order_share'));
  add('big_ticket', effectOf(profile, 'avg_order_value'));
  add('engaged', effectOf(profile, 'events_90d'));
  add('returns', effectOf(profile, 'return_rate'));
  add('light', -effectOf(profile, 'monetary'));
  // 'new' and 'lapsing' exclude each other, and so do 'high_value' and 'light' (by sign).
  out.sort((a, b) => b.strength - a.strength || (a.descriptor.id < b.descriptor.id ? -1 : 1));
  return out;
}

/** The top category when it sets the persona apart: at least 40 % of members and over-represented. */
export function signatureCategory(profile: GroupProfile): string | null {
  const top = modalValue(profile, 'top_category');
  if (!top || (top.inShare as number) < 0.4 || (top.effect ?? 0) < 0.3) return null;
  return top.value;
}

/** Candidate names, best first; the first unused one is taken. */
export function candidateNames(profile: GroupProfile, language: Language): string[] {
  const descriptors = descriptorsOf(profile);
  const category = signatureCategory(profile);
  const join = (adjective: string, noun: string): string => (language === 'zh' ? `${adjective}${noun}` : `${adjective} ${noun}`);
  const names: string[] = [];
  if (category !== null) {
    const noun = categoryNoun(category, language);
    for (const d of descriptors) names.push(join(d.descriptor.adjective[language], noun));
    names.push(language === 'zh' ? noun : capitalise(noun));
  } else {
    for (const d of descriptors) names.push(d.descriptor.noun[language]);
    if (descriptors.length >= 2) {
      const [a, b] = descriptors as [ScoredDescriptor, ScoredDescriptor];
      names.push(join(a.descriptor.adjective[language], lowerFirst(b.descriptor.noun[language], language)));
    }
    names.push(language === 'zh' ? '大众客群' : 'Mainstream shoppers');
  }
  return [...new Set(names)];
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function lowerFirst(s: string, language: Language): string {
  return language === 'zh' ? s : s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * Names every persona uniquely: personas are named largest first (ties: key), each taking its
 * first candidate not yet taken; when all are taken, the first with a numeral (II, III / 二, 三).
 * `fixed` holds names already decided (kept from the previous run or set by a rule).
 */
export function assignNames(profiles: readonly GroupProfile[], language: Language, fixed: ReadonlyMap<string, string>): Map<string, string> {
  const names = new Map<string, string>(fixed);
  const taken = new Set(fixed.values());
  const order = [...profiles].sort((a, b) => b.customers - a.customers || (a.key < b.key ? -1 : 1));
  for (const p of order) {
    if (names.has(p.key)) continue;
    const candidates = candidateNames(p, language);
    let name = candidates.find((c) => !taken.has(c));
    for (let i = 2; name === undefined; i++) {
      const numbered = language === 'zh' ? `${candidates[0]}（${ZH_NUMERALS[i] ?? i}）` : `${candidates[0]} ${ROMAN[i] ?? i}`;
      if (!taken.has(numbered)) name = numbered;
    }
    names.set(p.key, name);
    taken.add(name);
  }
  return names;
}

const ROMAN = ['', 'I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'];
const ZH_NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
