/**
 * OrderRules computed in a worker thread, so that on a machine with two cores the orders' rule
 * tables (double loads, statuses, rates, quantity and price limits: seconds on millions of
 * lines) are worked out while the main thread resolves identities.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deserializeError, type SerializedError } from '../../collect/worker-protocol.js';
import type { CleanOrdersOptions, OrderRules } from './clean-orders.js';

/** The compiled worker sits next to this module in dist/; under a TypeScript runner it does not. */
function workerUrl(): URL | undefined {
  const url = new URL('./order-rules-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

/** Rules being computed on another thread. */
export interface PendingOrderRules {
  readonly rules: Promise<OrderRules>;
  /** Stops the thread if it is still working (the caller no longer needs its result). */
  terminate(): void;
}

/**
 * Starts computing the rules of the database at `databasePath` on another thread. Undefined when
 * no worker can run here (a TypeScript runner, or workers turned off with PERSONA_CLEAN_WORKERS=0):
 * the caller then computes them on its own connection. Errors cross the thread as plain Errors
 * with the original name and message.
 */
export function startOrderRules(databasePath: string, options: CleanOrdersOptions): PendingOrderRules | undefined {
  const url = process.env['PERSONA_CLEAN_WORKERS'] === '0' ? undefined : workerUrl();
  if (url === undefined) return undefined;
  const { onStep: _onStep, ...cloneable } = options; // functions do not cross threads
  const worker = new Worker(url, { workerData: { databasePath, options: cloneable }, stdout: false, stderr: false });
  let settled = false;
  const rules = new Promise<OrderRules>((resolve, reject) => {
    worker.on('message', (message: { type: 'done'; rules: OrderRules } | { type: 'failed'; error: SerializedError }) => {
      settled = true;
      if (message.type === 'done') resolve(message.rules);
      else reject(deserializeError(message.error));
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the orders rules thread stopped unexpectedly (exit code ${code})`));
      settled = true;
    });
  });
  rules.catch(() => {}); // the caller awaits it; this only keeps an early failure from being "unhandled"
  return {
    rules,
    terminate() {
      if (!settled) void worker.terminate();
    },
  };
}
