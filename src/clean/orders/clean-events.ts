/**
 * Clean of events: raw_events (+ identity_map) → events, data_issues.
 *
 * Runs inside the clean stage's open write transaction, after identity_map is filled. One
 * INSERT … SELECT: customer_id = identity_map(source = customer_source, source_id = customer_ref).
 * A ref that is not in identity_map gives customer_id NULL and a data issue
 * 'unknown_customer_ref' (rule 5 of README.md); the event is kept. Other columns are copied as
 * collect stored them (occurred_at in UTC).
 */
import type { Db } from '../../store/database.js';
import { distinctSourcesSql, withIndexesRebuilt } from './sql-helpers.js';

export interface EventsCleanStats {
  /** Rows of raw_events. */
  readonly linesIn: number;
  /** Rows written to events (all of them: no event is dropped). */
  readonly linesOut: number;
  /** Events whose customer_ref was found in identity_map. */
  readonly resolved: number;
  /** Events whose customer_ref is not in identity_map (customer_id NULL, one data issue each). */
  readonly unknownCustomerRefs: number;
  /** Events without a customer_ref (collect requires one, so normally 0). */
  readonly anonymous: number;
}

/** Replaces `events` and the 'unknown_customer_ref' issues (stage 'clean') of the event sources. */
export function cleanEvents(db: Db): EventsCleanStats {
  db.exec('DELETE FROM events');
  db.exec(`
    DELETE FROM data_issues
     WHERE stage = 'clean' AND code = 'unknown_customer_ref' AND source IN (${distinctSourcesSql('raw_events')})
  `);
  withIndexesRebuilt(db, 'events', () =>
    db.exec(`
      INSERT INTO events (source, line, customer_id, occurred_at, event_type, sku, device)
      SELECT e.source, e.line, m.customer_id, e.occurred_at, e.event_type, e.sku, e.device
        FROM raw_events e LEFT JOIN identity_map m ON m.source = e.customer_source AND m.source_id = e.customer_ref
    `),
  );
  // events_by_customer starts with customer_id: the unresolved events are one index range.
  const unknownCustomerRefs = db
    .prepare(
      `INSERT INTO data_issues (stage, source, line, code, detail)
       SELECT 'clean', e.source, e.line, 'unknown_customer_ref',
              printf('customer_ref %s is not a known record of %s (not in identity_map)',
                     json_quote(e.customer_ref), coalesce(json_quote(e.customer_source), 'an unnamed customer source'))
         FROM events v JOIN raw_events e ON e.source = v.source AND e.line = v.line
        WHERE v.customer_id IS NULL AND e.customer_ref IS NOT NULL`,
    )
    .run().changes;
  const totals = db
    .prepare(
      `SELECT (SELECT count(*) FROM events) AS lines,
              (SELECT count(*) FROM events WHERE customer_id IS NOT NULL) AS resolved`,
    )
    .get() as { lines: number; resolved: number };
  return {
    linesIn: totals.lines,
    linesOut: totals.lines,
    resolved: totals.resolved,
    unknownCustomerRefs,
    anonymous: totals.lines - totals.resolved - unknownCustomerRefs,
  };
}
