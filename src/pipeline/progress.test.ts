import { describe, expect, it } from 'vitest';
import { scopedProgress, type Progress } from './progress.js';

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
