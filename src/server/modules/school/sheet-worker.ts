/**
 * The sheet worker: reads one uploaded file into rows, off the request thread and inside the memory
 * limits spreadsheet.ts gives it, answers once and ends. An entry point of its own: `npm start`
 * bundles it next to the server (dist/server/sheet-worker.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SheetRefused, parseSheet } from './sheet-reader.js';

export interface SheetJob {
  file: Uint8Array;
  maxRows: number;
}

const job = workerData as SheetJob;
try {
  const sheet = await parseSheet(Buffer.from(job.file.buffer, job.file.byteOffset, job.file.byteLength), job.maxRows);
  parentPort?.postMessage({ sheet });
} catch (err) {
  // A refusal is the person's to fix; anything else is ours, logged by the server as a failed request.
  parentPort?.postMessage(err instanceof SheetRefused ? { refused: err.code } : { failed: err instanceof Error ? err.stack : String(err) });
}
