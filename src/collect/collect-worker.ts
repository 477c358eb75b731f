/**
 * Worker thread entry of collect: reads the sources it is given (decode, parse, validate) and
 * posts batches of ready-to-insert rows to the main thread, which alone writes to the database.
 * Holds reading while `window` batches are unacknowledged.
 */
import { parentPort } from 'node:worker_threads';
import { readSourceBatches } from './source-reader.js';
import { serializeError, type FromWorker, type ReadRequest, type ToWorker } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('collect-worker.js runs as a worker thread');

let current = -1;
let inFlight = 0;
let window = 1;
let resume: (() => void) | undefined;

function post(message: FromWorker): void {
  port!.postMessage(message);
}

async function read(request: ReadRequest): Promise<void> {
  current = request.id;
  inFlight = 0;
  window = request.window;
  resume = undefined;
  try {
    const { stats } = await readSourceBatches(request.source, request.baseCurrency, {
      batchRecords: request.batchRecords,
      rowsPerChunk: request.rowsPerChunk,
      onBatch(batch) {
        inFlight++;
        post({ type: 'batch', id: request.id, batch });
      },
      flow: {
        paused: () => inFlight >= window,
        onPause(fn) {
          resume = fn;
        },
      },
    });
    post({ type: 'done', id: request.id, stats });
  } catch (error) {
    post({ type: 'failed', id: request.id, error: serializeError(error) });
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'ack') {
    if (message.id !== current) return;
    inFlight--;
    if (resume !== undefined && inFlight < window) {
      const next = resume;
      resume = undefined;
      next();
    }
    return;
  }
  void read(message);
});
