import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline, type Pipeline } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { cleanConfigOf } from './clean-config.js';

const SOURCE = (name: string, columns: string) => `  - name: ${name}
    kind: customers
    path: ${name}.csv
    columns: { source_id: id, ${columns} }
`;

function pipelineOf(sources: string, clean = ''): Pipeline {
  const file = join(mkdtempSync(join(tmpdir(), 'persona-clean-config-')), 'p.yml');
  writeFileSync(file, `as_of: 2025-12-31\ndatabase: x.db\nbase_currency: AUD\nsources:\n${sources}${clean}`);
  return loadPipeline(file);
}

function problemsOf(pipeline: Pipeline): { path: string; message: string; fix?: string }[] {
  try {
    cleanConfigOf(pipeline);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => ({ ...p, path: p.path.join('.') }));
  }
  throw new Error('expected a ConfigError');
}

describe('clean.identity', () => {
  it('defaults to link_and_dedupe with the comparison set chosen from the mapped fields', () => {
    const config = cleanConfigOf(pipelineOf(SOURCE('crm', 'email: e')));
    expect(config.identity).toEqual({
      match_probability: 0.5,
      seed: 42,
      mode: 'link_and_dedupe',
      comparisons: 'auto',
      on_nothing_linked: 'warn',
      guards: { shared_contact: 'auto', same_source: 'auto', chaining: true, ambiguous: true, whole_groups: true },
    });
  });

  it('reads the guards and on_nothing_linked, and rejects what they do not take', () => {
    const config = cleanConfigOf(pipelineOf(SOURCE('crm', 'email: e'), 'clean:\n  identity: { on_nothing_linked: fail, guards: { shared_contact: false, same_source: true, chaining: false } }\n'));
    expect(config.identity.on_nothing_linked).toBe('fail');
    expect(config.identity.guards).toEqual({ shared_contact: false, same_source: true, chaining: false, ambiguous: true, whole_groups: true });
    expect(() => cleanConfigOf(pipelineOf(SOURCE('crm', 'email: e'), 'clean:\n  identity: { guards: { shared_contacts: off } }\n'))).toThrow(/shared_contact/);
  });

  it('reads mode and comparisons', () => {
    const config = cleanConfigOf(pipelineOf(SOURCE('a', 'postcode: p') + SOURCE('b', 'postcode: p'), 'clean:\n  identity: { mode: link, comparisons: address }\n'));
    expect(config.identity.mode).toBe('link');
    expect(config.identity.comparisons).toBe('address');
  });

  it('names the path, the allowed values and a fix', () => {
    expect(problemsOf(pipelineOf(SOURCE('crm', 'email: e'), 'clean:\n  identity: { mode: dedup, comparisons: adress }\n'))).toEqual([
      { path: 'clean.identity.mode', message: 'string "dedup" is not allowed', fix: 'did you mean "dedupe"? (allowed: link_and_dedupe, link, dedupe)' },
      { path: 'clean.identity.comparisons', message: 'string "adress" is not allowed', fix: 'did you mean "address"? (allowed: auto, contacts, address)' },
    ]);
  });

  it('lists the keys of the clean section for an unknown key', () => {
    expect(problemsOf(pipelineOf(SOURCE('crm', 'email: e'), 'clean:\n  identity: { modes: link }\n  blocking: {}\n'))).toEqual([
      { path: 'clean.identity.modes', message: 'unknown key "modes"', fix: 'did you mean "mode"?' },
      { path: 'clean.blocking', message: 'unknown key "blocking"', fix: 'allowed keys here: identity, survivorship, orders, outliers' },
    ]);
  });

  it('refuses link with one customer source', () => {
    expect(problemsOf(pipelineOf(SOURCE('crm', 'email: e'), 'clean:\n  identity: { mode: link }\n'))).toEqual([
      {
        path: 'clean.identity.mode',
        message: 'link compares records of different customer sources only, and this pipeline has one (crm)',
        fix: 'use mode: dedupe (or link_and_dedupe) to find duplicates within one source',
      },
    ]);
  });
});

describe('survivorship of attributes', () => {
  const withIncome = `${SOURCE('crm', 'email: e')}    attributes: { income: { column: inc, type: number } }\n`;

  it('accepts a rule per declared attribute', () => {
    const config = cleanConfigOf(pipelineOf(withIncome, 'clean: { survivorship: { attributes: { income: most_frequent } } }\n'));
    expect(config.survivorship.attributes).toEqual({ income: 'most_frequent' });
  });

  it('names an attribute no customers source declares, with a did-you-mean', () => {
    expect(problemsOf(pipelineOf(withIncome, 'clean: { survivorship: { attributes: { incme: most_recent } } }\n'))).toEqual([
      { path: 'clean.survivorship.attributes.incme', message: 'no customers source declares the attribute "incme"', fix: 'did you mean "income"?' },
    ]);
  });
});
