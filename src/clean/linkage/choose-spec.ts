/**
 * Which comparison set identity resolution uses, from `clean.identity` and the fields the
 * pipeline's customer sources map. Nothing here knows any particular data set: a file of people
 * with addresses and no contacts gets the address set, anything with an e-mail or a phone the
 * contacts set, unless the pipeline says otherwise.
 */
import type { Pipeline } from '../../config/load.js';
import type { CleanConfig } from '../clean-config.js';
import type { ClusterOptions, LinkRecord, LinkageSpec } from '../identity/types.js';
import type { CustomerRecord } from '../customer-record.js';
import { contactsLinkageSpec, contactsLinkRecords } from './contacts-spec.js';
import { addressLinkageSpec, addressLinkRecords } from './address-spec.js';

export type ComparisonSet = 'contacts' | 'address';

export interface LinkageChoice {
  readonly comparisons: ComparisonSet;
  /** Why (for the stage details and the log). */
  readonly reason: string;
  readonly spec: LinkageSpec;
  /** records[i] → link record i. All at once: a value's meaning may depend on the others (how common an e-mail domain is). */
  readonly toLinkRecords: (records: readonly CustomerRecord[]) => LinkRecord[];
}

/** Fields only the contacts set compares (it also compares every address field that is mapped). */
const CONTACT_FIELDS = ['email', 'phone', 'organization_name'] as const;
/** Fields that make the address set worth choosing on their own (city and state are too coarse). */
const ADDRESS_SIGNALS = ['street_number', 'address_line1', 'address_line2', 'postcode', 'national_id'] as const;

/** Canonical fields mapped by at least one customers source. */
export function mappedCustomerFields(pipeline: Pipeline): Set<string> {
  return new Set(pipeline.sources.filter((s) => s.kind === 'customers').flatMap((s) => Object.keys(s.columns)));
}

export function chooseComparisonSet(pipeline: Pipeline, configured: CleanConfig['identity']['comparisons']): { comparisons: ComparisonSet; reason: string } {
  if (configured !== 'auto') return { comparisons: configured, reason: 'clean.identity.comparisons' };
  const mapped = mappedCustomerFields(pipeline);
  const contacts = CONTACT_FIELDS.filter((f) => mapped.has(f));
  const address = ADDRESS_SIGNALS.filter((f) => mapped.has(f));
  if (contacts.length === 0 && address.length > 0) return { comparisons: 'address', reason: `auto: the customer sources map ${address.join(', ')} and no e-mail, phone or organisation name` };
  if (contacts.length > 0) return { comparisons: 'contacts', reason: `auto: the customer sources map ${contacts.join(', ')}` };
  return { comparisons: 'contacts', reason: 'auto: the customer sources map no e-mail, phone or address' };
}

export function chooseLinkage(pipeline: Pipeline, config: CleanConfig): LinkageChoice {
  const { comparisons, reason } = chooseComparisonSet(pipeline, config.identity.comparisons);
  const options = { matchProbability: config.identity.match_probability, seed: config.identity.seed, mode: config.identity.mode };
  if (comparisons === 'address') {
    return { comparisons, reason, spec: withGuards(addressLinkageSpec({ ...options, mappedFields: mappedCustomerFields(pipeline) }), config), toLinkRecords: addressLinkRecords };
  }
  return { comparisons, reason, spec: withGuards(contactsLinkageSpec({ ...options, mappedFields: mappedCustomerFields(pipeline) }), config), toLinkRecords: contactsLinkRecords };
}

/** clean.identity.guards onto the engine's options (see src/clean/identity/types.ts). */
function withGuards(spec: LinkageSpec, config: CleanConfig): LinkageSpec {
  const g = config.identity.guards;
  const clustering: ClusterOptions = {
    ...spec.clustering,
    ...(g.same_source === 'auto' ? {} : { sameSourceMinEvidence: g.same_source ? 0 : null }),
    ...(g.chaining ? {} : { minAverageWeight: null }),
    ...(g.ambiguous ? {} : { ambiguityMarginBits: null }),
    ...(g.whole_groups ? {} : { profileGuard: false }),
  };
  return { ...spec, guards: { ...spec.guards, sharedContact: g.shared_contact }, clustering };
}
