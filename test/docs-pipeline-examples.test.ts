/**
 * docs/pipeline.md cannot rot: every ```yaml block that starts with `# example: valid` must load
 * with loadPipeline, every block that starts with `# example: invalid` must throw a ConfigError
 * (containing each `# expect: <text>` line that follows, if any), every other yaml block must at
 * least be well-formed YAML, every ```json block must load, and the field tables must be exactly
 * CANONICAL_FIELDS. loadPipeline does not open data files, so the sources' paths need not exist.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadPipeline } from '../src/config/load.js';
import { ConfigError } from '../src/config/errors.js';
import { CANONICAL_FIELDS, SOURCE_KINDS } from '../src/config/canonical-fields.js';
import { REPO } from './helpers/cli.js';

const DOC = join(REPO, 'docs', 'pipeline.md');
const text = readFileSync(DOC, 'utf8');

interface Block {
  readonly lang: string;
  /** 1-based line of the opening fence in the doc. */
  readonly line: number;
  readonly body: string;
}

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ lang: open[1]!, line: start + 1, body: body.join('\n') + '\n' });
  }
  return blocks;
}

const blocks = fencedBlocks(text);
const yamlBlocks = blocks.filter((b) => b.lang === 'yaml' || b.lang === 'yml');
const marker = (b: Block) => /^# example: (valid|invalid)\s*$/.exec(b.body.split('\n')[0]!)?.[1];
const valid = yamlBlocks.filter((b) => marker(b) === 'valid');
const invalid = yamlBlocks.filter((b) => marker(b) === 'invalid');
const fragments = yamlBlocks.filter((b) => marker(b) === undefined);
const jsonBlocks = blocks.filter((b) => b.lang === 'json');

const dir = mkdtempSync(join(tmpdir(), 'persona-doc-'));
function writeExample(block: Block, ext: string): string {
  const file = join(dir, `pipeline-md-line-${block.line}.${ext}`);
  writeFileSync(file, block.body);
  return file;
}

/** `# expect: …` comment lines right after the marker line. */
function expectations(block: Block): string[] {
  const out: string[] = [];
  for (const line of block.body.split('\n').slice(1)) {
    const m = /^# expect: (.+)$/.exec(line);
    if (!m) break;
    out.push(m[1]!.trim());
  }
  return out;
}

const at = (b: Block) => `docs/pipeline.md:${b.line}`;

describe('docs/pipeline.md examples', () => {
  it('has examples to check', () => {
    expect(valid.length).toBeGreaterThanOrEqual(3);
    expect(invalid.length).toBeGreaterThanOrEqual(2);
  });

  it.each(valid.map((b) => [at(b), b] as const))('%s is a valid pipeline', (_where, block) => {
    const pipeline = loadPipeline(writeExample(block, 'yml'));
    expect(pipeline.sources.length).toBeGreaterThan(0);
  });

  it.each(invalid.map((b) => [at(b), b] as const))('%s is rejected with a ConfigError', (_where, block) => {
    let error: unknown;
    try {
      loadPipeline(writeExample(block, 'yml'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const wanted of expectations(block)) expect((error as ConfigError).message).toContain(wanted);
  });

  it.each(fragments.map((b) => [at(b), b] as const))('%s (fragment) is well-formed YAML', (_where, block) => {
    const doc = parseDocument(block.body, { uniqueKeys: true });
    expect(doc.errors.map((e) => e.message)).toEqual([]);
  });

  it.each(jsonBlocks.map((b) => [at(b), b] as const))('%s (JSON) is a valid pipeline', (_where, block) => {
    const pipeline = loadPipeline(writeExample(block, 'json'));
    expect(pipeline.sources.length).toBeGreaterThan(0);
  });
});

describe('docs/pipeline.md field tables', () => {
  /** The rows of the table that follows the `### <kind>` heading. */
  function tableRows(kind: string): string[] {
    const lines = text.split('\n');
    const heading = lines.indexOf(`### ${kind}`);
    expect(heading, `no "### ${kind}" heading`).toBeGreaterThanOrEqual(0);
    let i = heading + 1;
    while (i < lines.length && !lines[i]!.startsWith('|')) i++;
    const rows: string[] = [];
    for (; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!);
    return rows.slice(2); // header and separator
  }

  it.each(SOURCE_KINDS.map((k) => [k]))('the %s table is exactly CANONICAL_FIELDS', (kind) => {
    const expected = CANONICAL_FIELDS[kind].map(
      (f) => `| \`${f.name}\` | ${f.type} | ${f.required ? '**yes**' : 'no'} | ${f.description} |`,
    );
    expect(tableRows(kind)).toEqual(expected);
  });
});
