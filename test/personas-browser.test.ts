/**
 * The persona report in a real browser: headless Chromium (Debian's chromium-headless-shell)
 * loads report.html from disk with the network off, and the test fails on a console message of
 * level error or warning, an uncaught error, or a chart that did not render. It takes a
 * screenshot of the English and the Chinese report (kept in PERSONA_SCREENSHOTS when set).
 * Skipped, with a message, when no Chromium is installed (.ci/run installs it).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { persona, REPO } from './helpers/cli.js';

const BROWSERS = ['chromium-headless-shell', 'chromium', 'chromium-browser'];
const browser = BROWSERS.map((b) => spawnSync('sh', ['-c', `command -v ${b}`], { encoding: 'utf8' }).stdout.trim()).find((p) => p !== '');
if (!browser) console.warn('personas-browser: skipped, no Chromium found (apt-get install chromium-headless-shell fonts-noto-cjk)');

function chromium(args: readonly string[]): { stdout: string; stderr: string } {
  const r = spawnSync(browser as string, ['--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--proxy-server=127.0.0.1:9', '--enable-logging=stderr', '--v=0', ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function checkReport(folder: string, label: string): void {
  const file = join(folder, 'report.html');
  const html = readFileSync(file, 'utf8');
  const url = `file://${file}`;
  const dom = chromium(['--dump-dom', url]);
  const consoleProblems = dom.stderr.split('\n').filter((line) => /:CONSOLE|Uncaught|ERR_/.test(line));
  expect(consoleProblems, label).toEqual([]);
  // Every chart box holds an SVG the browser parsed; an empty box is a missing chart.
  const boxes = (html.match(/<div class="chart">/g) ?? []).length;
  const empty = (html.match(/<div class="chart"><\/div>/g) ?? []).length;
  expect(boxes, label).toBeGreaterThan(4);
  expect(empty, `${label}: charts missing`).toBe(0);
  const svgs = (dom.stdout.match(/<svg[\s>]/g) ?? []).length;
  expect(svgs, `${label}: SVG elements in the browser's DOM`).toBe(boxes);
  const shot = join(folder, `report-${label}.png`);
  chromium(['--window-size=1000,2400', `--screenshot=${shot}`, url]);
  expect(existsSync(shot) && statSync(shot).size > 20_000, `${label}: screenshot`).toBe(true);
  const keep = process.env['PERSONA_SCREENSHOTS'];
  if (keep) {
    mkdirSync(keep, { recursive: true });
    copyFileSync(shot, join(keep, `report-${label}.png`));
  }
}

describe.skipIf(!browser)('persona report in headless Chromium', () => {
  it('renders in English and Chinese without console errors or missing charts', () => {
    const root = mkdtempSync(join(tmpdir(), 'personas-browser-'));
    const en = persona(['run', 'pipelines/demo.yml', '--db', join(root, 'en', 'demo.db')]);
    expect(en.status, en.stderr).toBe(0);
    checkReport(join(root, 'en', 'personas'), 'en');
    // The same data with personas.language: zh (a copy of the pipeline beside the original).
    const zhPipeline = join(REPO, 'pipelines', '.demo-zh.test.yml');
    writeFileSync(zhPipeline, `${readFileSync(join(REPO, 'pipelines', 'demo.yml'), 'utf8')}\npersonas: { language: zh }\n`);
    try {
      const zh = persona(['run', zhPipeline, '--db', join(root, 'zh', 'demo.db')]);
      expect(zh.status, zh.stderr).toBe(0);
    } finally {
      spawnSync('rm', ['-f', zhPipeline]);
    }
    checkReport(join(root, 'zh', 'personas'), 'zh');
  }, 180_000);
});
