/**
 * OrderRules computed in a worker thread, so that on a machine with two cores the orders' rule
 * tables (double loads, statuses, rates, quantity and price limits: seconds on millions of
 * lines) are worked out while the main thread resolves identities.
 */
import { Worker } from 'node:worker_threads';
import { compiledWorkerUrl } from '../../util/worker-url.js';
import { deserializeError, type SerializedError } from '../../collect/worker-protocol.js';
import type { CleanOrdersOptions } from './clean-orders.js';
import type { OrderRules } from './order-rules.js';

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
  const url = process.env['PERSONA_CLEAN_WORKERS'] === '0' ? undefined : compiledWorkerUrl('./order-rules-worker.js', import.meta.url);
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
