import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../config/load.js';
import { referencesOnlyCustomerSources } from './resolve-identities.js';

describe('referencesOnlyCustomerSources', () => {
  it('should know from the pipeline file when no order or event can make an id-only customer', () => {
    expect(referencesOnlyCustomerSources(loadPipeline('pipelines/demo.yml'))).toBe(true);
    expect(referencesOnlyCustomerSources(loadPipeline('pipelines/retail-20k.yml'))).toBe(true);
  });

  it('should not when references point into a namespace without a customers source', () => {
    // Online Retail has orders only: its CustomerIDs are customers of their own.
    expect(referencesOnlyCustomerSources(loadPipeline('pipelines/online-retail.yml'))).toBe(false);
  });
});
