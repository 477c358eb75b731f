import { describe, expect, it } from 'vitest';
import { numberNotes, statusWithMark } from './stage-notes.js';

describe('numberNotes', () => {
  it('numbers every note across stages and lists each in full under the table', () => {
    const notes = numberNotes([
      { stage: 'collect' },
      { stage: 'segment', notes: ['clustering skipped: 2 customers with purchases: fewer than k.min = 3', 'CLV skipped: no repeat buyers'] },
      { stage: 'features', notes: [] },
      { stage: 'personas', notes: ['one note'] },
    ]);
    expect(notes.refs).toEqual(['', 'notes 1, 2', '', 'note 3']);
    expect(notes.lines).toEqual([
      '',
      '* notes:',
      '  1. segment: clustering skipped: 2 customers with purchases: fewer than k.min = 3',
      '  2. segment: CLV skipped: no repeat buyers',
      '  3. personas: one note',
    ]);
  });

  it('adds no lines when no stage has a note', () => {
    expect(numberNotes([{ stage: 'collect' }, { stage: 'clean', notes: [] }])).toEqual({ refs: ['', ''], lines: [] });
  });
});

describe('statusWithMark', () => {
  it('marks a status with a * only when the stage has notes', () => {
    expect(statusWithMark('success', ['a'])).toBe('success*');
    expect(statusWithMark('success', [])).toBe('success');
    expect(statusWithMark('failed', undefined)).toBe('failed');
  });
});
