import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline, type Pipeline } from '../../config/load.js';
import { cleanConfigOf } from '../clean-config.js';
import { chooseLinkage } from './choose-spec.js';

const SOURCE = (name: string, columns: string) => `  - name: ${name}
    kind: customers
    path: ${name}.csv
    columns: { source_id: id, ${columns} }
`;
function pipelineOf(sources: string, clean = ''): Pipeline {
  const file = join(mkdtempSync(join(tmpdir(), 'persona-choose-spec-')), 'p.yml');
  writeFileSync(file, `as_of: 2025-12-31\ndatabase: x.db\nbase_currency: AUD\nsources:\n${sources}${clean}`);
  return loadPipeline(file);
}

const FEBRL = 'first_name: g, last_name: s, street_number: n, address_line1: a1, address_line2: a2, city: c, postcode: p, state: st, birth_date: d, national_id: x';

function choose(sources: string, clean = '') {
  const pipeline = pipelineOf(sources, clean);
  return chooseLinkage(pipeline, cleanConfigOf(pipeline));
}

describe('chooseLinkage', () => {
  it('picks address for people with an address or national id and no e-mail or phone', () => {
    const c = choose(SOURCE('reg', FEBRL), 'clean:\n  identity: { mode: dedupe }\n');
    expect(c.comparisons).toBe('address');
    expect(c.reason).toContain('street_number, address_line1, address_line2, postcode, national_id');
    expect(c.spec.mode).toBe('dedupe');
    expect(c.spec.comparisons.map((x) => x.name)).toEqual(['given', 'family', 'streetNumber', 'address1', 'address2', 'city', 'postcode', 'state', 'dob', 'nationalId']);
  });

  it('picks contacts as soon as any customer source maps an e-mail or a phone, with every other mapped field', () => {
    const c = choose(SOURCE('reg', FEBRL) + SOURCE('shop', 'email: e'));
    expect(c.comparisons).toBe('contacts');
    expect(c.spec.mode).toBe('link_and_dedupe');
    expect(c.spec.comparisons.map((x) => x.name)).toEqual(['given', 'family', 'dob', 'email', 'city', 'streetNumber', 'address1', 'address2', 'postcode', 'state', 'nationalId']);
    expect(c.spec.blocking.map((r) => r.name)).toContain('national id');
    expect(c.spec.blocking.map((r) => r.name)).toContain('street');
    expect(c.spec.blocking.map((r) => r.name)).not.toContain('phone');
  });

  it('picks contacts for organisations with an address and no e-mail or phone', () => {
    const c = choose(SOURCE('sites', 'organization_name: n, address_line1: a, postcode: p'));
    expect(c.comparisons).toBe('contacts');
    expect(c.spec.comparisons.map((x) => x.name)).toEqual(['address1', 'postcode', 'organization']);
    expect(c.spec.blocking.map((r) => r.name)).toEqual(['address line', 'postcode', 'organization', 'organization word+postcode']);
  });

  it('keeps contacts for names, birth date and city alone', () => {
    expect(choose(SOURCE('crm', 'full_name: n, birth_date: d, city: c, state: s')).comparisons).toBe('contacts');
  });

  it('follows an explicit choice and leaves out what no source maps', () => {
    const c = choose(SOURCE('crm', 'full_name: n, email: e, postcode: p'), 'clean:\n  identity: { comparisons: address }\n');
    expect(c.comparisons).toBe('address');
    expect(c.reason).toBe('clean.identity.comparisons');
    expect(c.spec.comparisons.map((x) => x.name)).toEqual(['given', 'family', 'postcode']);
    expect(c.spec.blocking.map((r) => r.name)).toEqual(['name', 'surname+postcode', 'given+postcode']);
  });
});
