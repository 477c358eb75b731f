import { describe, expect, it } from 'vitest';
import { nextStepIndex } from './progress.js';

describe('nextStepIndex', () => {
  const steps = ['read', 'link', 'golden', 'pairs'];
  it('moves to the step after the one that finished', () => {
    expect(nextStepIndex(steps, 0, 'read')).toBe(1);
    expect(nextStepIndex(steps, 1, 'link')).toBe(2);
  });
  it('passes over steps that were skipped', () => {
    expect(nextStepIndex(steps, 1, 'pairs')).toBe(4);
  });
  it('moves one on for a step it does not know', () => {
    expect(nextStepIndex(steps, 2, 'something new')).toBe(3);
  });
});
