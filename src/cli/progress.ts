/**
 * A progress bar on a terminal only: never in logs, never when piped. collect shows rows and
 * bytes read; the other stages show which of their steps is running (identity, orders, features,
 * clustering, CLV …), advanced by the stage after each step. The contract it implements (Progress)
 * is src/pipeline/progress.ts.
 */
import cliProgress from 'cli-progress';
import { silentProgress, type Progress } from '../pipeline/progress.js';

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/** The bar on screen now (one at a time), so a log line is written above it, not into it. */
let visibleBar: cliProgress.SingleBar | undefined;

/**
 * Writes `text` (whole lines) to the terminal: clears the bar's line first and draws the bar again
 * below the text, so log lines and the bar do not garble each other.
 */
export function writeAboveProgress(write: (text: string) => void, text: string): void {
  if (visibleBar === undefined) {
    write(text);
    return;
  }
  write('\r\x1b[2K' + text);
  visibleBar.render();
}

/** forceRedraw: the bar is drawn again after a log line cleared it, though its text is unchanged. */
function newBar(stream: NodeJS.WriteStream, format: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar({ stream, format, hideCursor: true, clearOnComplete: true, etaBuffer: 50, forceRedraw: true }, cliProgress.Presets.shades_classic);
}

/** Index of the step that runs after `finished` (by name; one further when the name is unknown). */
export function nextStepIndex(steps: readonly string[], current: number, finished: string): number {
  const at = steps.indexOf(finished, Math.max(0, current));
  return at >= 0 ? at + 1 : current + 1;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  const show = (bar: cliProgress.SingleBar): void => {
    visibleBar = bar;
  };
  const hide = (bar: cliProgress.SingleBar): void => {
    bar.stop();
    if (visibleBar === bar) visibleBar = undefined;
  };
  return {
    start(label, totalBytes) {
      const bar = newBar(stream, `${label.padEnd(16)} {bar} {percentage}% | {rows} rows | {done}/{size} MiB`);
      // the payload's size, not total: cli-progress fills {total} with the bar's total (bytes)
      bar.start(totalBytes, 0, { rows: 0, done: mib(0), size: mib(totalBytes) });
      show(bar);
      let last = 0;
      return {
        update(bytesDone, rows) {
          const now = Date.now();
          if (now - last < 100) return; // redrawing costs more than parsing a row
          last = now;
          bar.update(Math.min(bytesDone, totalBytes), { rows, done: mib(bytesDone), size: mib(totalBytes) });
        },
        stop: () => hide(bar),
      };
    },
    steps(label, steps) {
      const total = Math.max(steps.length, 1);
      const bar = newBar(stream, `${label.padEnd(16)} {bar} {value}/{total} steps | {step}`);
      let index = 0;
      const shown = (i: number): string => (steps[i] ?? '').replaceAll('_', ' ');
      bar.start(total, 0, { step: shown(0) });
      show(bar);
      return {
        done(step) {
          index = nextStepIndex(steps, index, step);
          bar.update(Math.min(index, total), { step: shown(index) });
        },
        stop: () => hide(bar),
      };
    },
  };
}
