/**
 * Vitest global setup: every temporary file of a test run (the tests' databases and copies of
 * data, and those of the persona processes they start) goes under one folder, removed when the
 * run ends. Tests make their folders with mkdtempSync(join(tmpdir(), …)); os.tmpdir() reads
 * TMPDIR, which the test processes inherit from here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'persona-tests-'));
  const previous = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    // PERSONA_KEEP_TEST_FILES=1 keeps them for a post-mortem.
    if (process.env['PERSONA_KEEP_TEST_FILES'] !== '1') rmSync(root, { recursive: true, force: true });
  };
}
