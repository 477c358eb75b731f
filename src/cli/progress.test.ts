import { describe, expect, it } from 'vitest';
import { nextStepIndex, scopedProgress, type Progress } from './progress.js';

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

describe('scopedProgress', () => {
  function recording(): { progress: Progress; stopped: string[] } {
    const stopped: string[] = [];
    const task = (label: string) => ({ update() {}, done() {}, stop: () => void stopped.push(label) });
    return { progress: { start: (label) => task(label), steps: (label) => task(label) }, stopped };
  }

  it('stops every bar the stage left running, once', () => {
    const { progress, stopped } = recording();
    const scoped = scopedProgress(progress);
    const a = scoped.steps('clean', ['x']);
    scoped.start('collect', 10);
    a.stop();
    a.stop();
    scoped.stopAll();
    scoped.stopAll();
    expect(stopped).toEqual(['clean', 'collect']);
  });
});
