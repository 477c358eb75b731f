/**
 * Worker thread entry: computes OrderRules on its own read-only connection and posts them back.
 * The main thread's clean transaction has not committed, so this connection reads the raw tables
 * as collect left them, which is all the rules depend on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../store/database.js';
import { serializeError } from '../../collect/worker-protocol.js';
import type { CleanOrdersOptions } from './clean-orders.js';
import { computeOrderRules } from './order-rules.js';

const { databasePath, options } = workerData as { databasePath: string; options: CleanOrdersOptions };
try {
  // A small page cache: it scans raw_orders once per rule, and the main thread's cache matters more.
  const db = openDatabase(databasePath, { readonly: true, cacheMiB: 16 });
  try {
    // One read transaction: every query sees the same snapshot.
    db.exec('BEGIN');
    parentPort!.postMessage({ type: 'done', rules: computeOrderRules(db, options) });
    db.exec('COMMIT');
  } finally {
    db.close();
  }
} catch (error) {
  parentPort!.postMessage({ type: 'failed', error: serializeError(error) });
}
