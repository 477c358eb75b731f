/**
 * Order-line status: the raw status word and the sign of the quantity decide the clean status,
 * whether the line is a return, and whether its status alone keeps it out of revenue. Pure.
 *
 * Rules (README.md in this folder, rule 2):
 * - The word is trimmed and lower-cased and looked up in STATUS_WORDS
 *   (completed/complete/paid/…, cancelled/canceled/void/…, returned/return/refunded/…).
 *   A pipeline can map any other word at collect with `values:`.
 * - `cancelled` wins over everything: status 'cancelled', not a return, never revenue, whatever
 *   the sign of the quantity (a cancelled return is still cancelled).
 * - A negative quantity is a return (status 'returned', is_return 1) when the word is empty,
 *   'completed' or 'returned'. This covers Online Retail, which has no status: its `C…`
 *   invoices are cancellation credits with negative quantities, and they are read as returns
 *   so that they net the revenue of the original invoice. Returns count for revenue (their
 *   amount is negative).
 * - Word 'returned' with a positive quantity is read as a sale that was later returned in
 *   full (some systems flag the original line instead of writing a return line): status
 *   'returned', is_return 1, kept out of revenue, issue 'returned_positive_quantity'.
 * - A zero quantity is kept out of revenue with issue 'zero_quantity'.
 * - A word outside the vocabulary is read as if it were empty (so by the sign of the
 *   quantity), with issue 'unknown_status'.
 */

export type OrderStatus = 'completed' | 'cancelled' | 'returned';

export const STATUS_WORDS: ReadonlyMap<string, OrderStatus> = new Map<string, OrderStatus>([
  ['completed', 'completed'],
  ['complete', 'completed'],
  ['paid', 'completed'],
  ['shipped', 'completed'],
  ['delivered', 'completed'],
  ['fulfilled', 'completed'],
  ['closed', 'completed'],
  ['cancelled', 'cancelled'],
  ['canceled', 'cancelled'],
  ['cancel', 'cancelled'],
  ['cancellation', 'cancelled'],
  ['void', 'cancelled'],
  ['voided', 'cancelled'],
  ['returned', 'returned'],
  ['return', 'returned'],
  ['refunded', 'returned'],
  ['refund', 'returned'],
]);

export type StatusIssueCode = 'unknown_status' | 'returned_positive_quantity' | 'zero_quantity';

export interface StatusIssue {
  readonly code: StatusIssueCode;
  readonly detail: string;
}

export interface LineClass {
  readonly status: OrderStatus;
  readonly isReturn: boolean;
  /** False when the status or the quantity alone keeps the line out of revenue. */
  readonly countsForRevenue: boolean;
  readonly issues: readonly StatusIssue[];
}

/** The vocabulary word of a raw status: null when empty, 'unknown' when not in STATUS_WORDS. */
export function statusWord(raw: string | null): OrderStatus | null | 'unknown' {
  if (raw === null) return null;
  const key = raw.trim().toLowerCase();
  if (key === '') return null;
  return STATUS_WORDS.get(key) ?? 'unknown';
}

/** Classifies one line from its raw status and its quantity (only the sign is used). */
export function classifyLine(rawStatus: string | null, quantity: number): LineClass {
  const word = statusWord(rawStatus);
  const sign = quantity > 0 ? 1 : quantity < 0 ? -1 : 0;
  const issues: StatusIssue[] = [];
  let status: OrderStatus;
  let countsForRevenue = true;
  if (word === 'cancelled') {
    status = 'cancelled';
    countsForRevenue = false;
  } else if (sign < 0) {
    status = 'returned';
  } else if (word === 'returned') {
    status = 'returned';
    if (sign > 0) {
      countsForRevenue = false;
      issues.push({
        code: 'returned_positive_quantity',
        detail: 'status returned with a positive quantity: read as a sale returned in full, kept out of revenue',
      });
    }
  } else {
    status = 'completed';
  }
  if (word === 'unknown') {
    issues.unshift({
      code: 'unknown_status',
      detail: `status ${JSON.stringify(rawStatus)} is not a known status word: read as ${status} from the sign of the quantity`,
    });
  }
  if (sign === 0) {
    countsForRevenue = false;
    issues.push({ code: 'zero_quantity', detail: 'quantity 0: kept out of revenue' });
  }
  return { status, isReturn: status === 'returned', countsForRevenue, issues };
}
