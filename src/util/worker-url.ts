/**
 * The URL of a worker thread's compiled module beside the calling module, or undefined when it is
 * not there: in dist/ the .js file sits next to its caller; under a TypeScript runner (vitest on
 * src/) it does not, and the caller does the work on its own thread instead.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function compiledWorkerUrl(file: string, callerUrl: string): URL | undefined {
  const url = new URL(file, callerUrl);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}
