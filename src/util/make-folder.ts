/**
 * mkdir -p with a bounded number of steps. Node's mkdirSync(path, { recursive: true }) retries
 * forever on a file system that answers ENOENT to the creation of a folder whose parent exists
 * (/proc/x/y spins at 100 % CPU). Here each missing folder is created once, from the top down, and
 * the first refusal is thrown as it is (with its code and path) for the caller to explain.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function makeFolder(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    try {
      statSync(dir);
      break; // exists: a file here fails the mkdir below with ENOTDIR, or the caller's open does
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    missing.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // Another process made it in the meantime: fine, if it is a folder.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
    }
  }
}
