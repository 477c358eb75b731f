import { describe, expect, it } from 'vitest';
import { matchPersonas, type PreviousPersona } from './continuity.js';

const range = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `C${String(from + i).padStart(4, '0')}`);
const prev = (personaId: string, name: string, members: string[]): PreviousPersona => ({ personaId, name, members: new Set(members) });

function issuer(start: number): () => string {
  let n = start;
  return () => `P${n++}`;
}

describe('matchPersonas', () => {
  it('keeps id and name when the members mostly stay, issues new ids otherwise', () => {
    const groups = new Map([
      ['0', range(0, 95)],
      ['1', range(100, 200)],
    ]);
    const result = matchPersonas(groups, [prev('P1', 'Bargain hunters', range(0, 100))], issuer(2));
    expect(result.ids.get('0')).toBe('P1');
    expect(result.keptNames.get('0')).toBe('Bargain hunters');
    expect(result.ids.get('1')).toBe('P2');
    expect(result.changes.map((c) => c.kind)).toEqual(['kept', 'new']);
    expect(result.changes[0]?.overlap).toBeCloseTo(0.95);
  });

  it('names splits, merges and retirements', () => {
    const split = matchPersonas(new Map([['0', range(0, 34)], ['1', range(34, 67)], ['2', range(67, 100)]]), [prev('P1', 'A', range(0, 100))], issuer(2));
    expect(split.changes.filter((c) => c.kind === 'split')).toHaveLength(3);
    const merged = matchPersonas(new Map([['0', range(0, 200)]]), [prev('P1', 'A', range(0, 120)), prev('P2', 'B', range(120, 200))], issuer(3));
    expect(merged.ids.get('0')).toBe('P1');
    expect(merged.changes.find((c) => c.kind === 'merged')?.previousPersonaId).toBe('P2');
    const retired = matchPersonas(new Map([['0', range(0, 100)]]), [prev('P1', 'A', range(500, 600))], issuer(2));
    expect(retired.changes.map((c) => c.kind).sort()).toEqual(['new', 'retired']);
  });
});
