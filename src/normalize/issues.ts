/**
 * Values clean cannot normalise, said out loud: one data_issues row per value (its reason, the
 * value as written), and a note for a source where most phones fail, naming the region they were
 * read in. A phone or e-mail that does not normalise takes no part in identity resolution, so a
 * silent NULL would hide lost matches.
 */

/** A normalisation problem of one record (CustomerRecord.issues). */
export interface ValueIssue {
  readonly field: string;
  readonly code: string;
  readonly value: string;
}

export interface RecordIssues {
  readonly source: string;
  readonly line: number;
  readonly issues: readonly ValueIssue[];
}

/** How a source's phones without a country code are read. */
export interface SourceRegion {
  readonly region: string | undefined;
  /** 'default_region' (the pipeline), 'inferred' (its numbers with a country code), or none. */
  readonly from: 'default_region' | 'inferred' | 'none';
}

export interface IssueRow {
  readonly source: string;
  readonly line: number;
  readonly code: string;
  readonly detail: string;
}

/** A source whose phones fail more often than this gets a note. */
export const MOSTLY_INVALID_SHARE = 0.5;

export function issueDetail(issue: ValueIssue, region: SourceRegion): string {
  const value = JSON.stringify(issue.value);
  if (issue.field === 'email') return `email ${value} is rejected: not of the form local@domain.tld (one @, no empty or doubled dots, no spaces or brackets), so it is not compared`;
  if (issue.code === 'ambiguous_phone') {
    return `phone ${value} has no country code and the source has no default_region: it could be a Chinese mobile (+86) or a North American number (+1); set default_region`;
  }
  if (region.region === undefined) return `phone ${value} has no country code and the source has no default_region: set default_region (e.g. CN, GB)`;
  const how = region.from === 'default_region' ? `its default_region ${region.region}` : `${region.region} (inferred from its numbers with a country code)`;
  return `phone ${value} is not a possible number in ${how}, nor with a country code (an area code missing?): not compared`;
}

export interface IssueReport {
  readonly rows: IssueRow[];
  readonly notes: string[];
  /** Per source: phones written, and how many of them could not be read. */
  readonly phones: Record<string, { given: number; invalid: number; region: string | null; regionFrom: SourceRegion['from'] }>;
}

/**
 * `phonesGiven`: per source, records with a phone written (normalised or not).
 */
export function normalizationIssues(records: Iterable<RecordIssues>, phonesGiven: ReadonlyMap<string, number>, regionOf: (source: string) => SourceRegion): IssueReport {
  const rows: IssueRow[] = [];
  const invalidPhones = new Map<string, number>();
  for (const r of records) {
    for (const issue of r.issues) {
      rows.push({ source: r.source, line: r.line, code: issue.code, detail: issueDetail(issue, regionOf(r.source)) });
      if (issue.field === 'phone') invalidPhones.set(r.source, (invalidPhones.get(r.source) ?? 0) + 1);
    }
  }
  const notes: string[] = [];
  const phones: IssueReport['phones'] = {};
  for (const [source, given] of [...phonesGiven].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const invalid = invalidPhones.get(source) ?? 0;
    const region = regionOf(source);
    phones[source] = { given, invalid, region: region.region ?? null, regionFrom: region.from };
    if (given === 0 || invalid <= MOSTLY_INVALID_SHARE * given) continue;
    const share = `${invalid} of ${given} phones`;
    if (region.region === undefined) {
      notes.push(`source ${source}: ${share} have no country code and the source has no default_region, so they are not compared; set default_region (data_issues has each value)`);
    } else {
      const how = region.from === 'default_region' ? `default_region ${region.region}` : `region ${region.region} (inferred)`;
      notes.push(`source ${source}: ${share} are not valid under ${how} (an area code missing, or another country?), so they are not compared (data_issues has each value)`);
    }
  }
  return { rows, notes, phones };
}
