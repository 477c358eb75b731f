/**
 * The progress contract between a stage and whoever shows its progress: what a stage calls
 * (`start` for bytes read, `steps` for its named steps) and the scope the runner gives each stage.
 * The terminal bars that implement it live in src/cli/progress.ts; a stage never sees them.
 */

export interface ProgressTask {
  update(bytesDone: number, rows: number): void;
  stop(): void;
}

/** A stage's steps: `done(step)` after each one; the bar names the step that runs next. */
export interface StepTask {
  done(step: string): void;
  stop(): void;
}

export interface Progress {
  start(label: string, totalBytes: number): ProgressTask;
  /**
   * A bar over the stage's steps, in the order they run. A step that is skipped is simply never
   * reported; a step name not in the list advances the bar by one.
   */
  steps(label: string, steps: readonly string[]): StepTask;
}

const NO_TASK: ProgressTask & StepTask = { update() {}, done() {}, stop() {} };
export const silentProgress: Progress = { start: () => NO_TASK, steps: () => NO_TASK };

/**
 * The progress a stage gets: every bar it starts is stopped when the stage ends (stopAll), also
 * when it fails half-way, so a stage need not stop its bars in a finally of its own.
 */
export function scopedProgress(progress: Progress): Progress & { stopAll(): void } {
  const open = new Set<() => void>();
  const track = <T extends { stop(): void }>(task: T): T => {
    const stop = (): void => {
      if (open.delete(stop)) task.stop();
    };
    open.add(stop);
    return { ...task, stop };
  };
  return {
    start: (label, totalBytes) => track(progress.start(label, totalBytes)),
    steps: (label, steps) => track(progress.steps(label, steps)),
    stopAll() {
      for (const stop of [...open]) stop();
    },
  };
}
