/**
 * A progress bar (rows and bytes read) on a terminal only: never in logs, never when piped.
 */
import cliProgress from 'cli-progress';

export interface ProgressTask {
  update(bytesDone: number, rows: number): void;
  stop(): void;
}

export interface Progress {
  start(label: string, totalBytes: number): ProgressTask;
}

const NO_TASK: ProgressTask = { update() {}, stop() {} };
export const silentProgress: Progress = { start: () => NO_TASK };

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silentProgress;
  return {
    start(label, totalBytes) {
      const bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label.padEnd(16)} {bar} {percentage}% | {rows} rows | {done}/{total} MiB`,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(totalBytes, 0, { rows: 0, done: mib(0), total: mib(totalBytes) });
      let last = 0;
      return {
        update(bytesDone, rows) {
          const now = Date.now();
          if (now - last < 100) return; // redrawing costs more than parsing a row
          last = now;
          bar.update(Math.min(bytesDone, totalBytes), { rows, done: mib(bytesDone), total: mib(totalBytes) });
        },
        stop() {
          bar.stop();
        },
      };
    },
  };
}
