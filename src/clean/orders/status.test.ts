import { describe, expect, it } from 'vitest';
import { classifyLine, statusWord } from './status.js';

describe('statusWord', () => {
  it.each([
    [null, null],
    ['', null],
    ['   ', null],
    ['completed', 'completed'],
    [' Completed ', 'completed'],
    ['PAID', 'completed'],
    ['canceled', 'cancelled'],
    ['Cancelled', 'cancelled'],
    ['void', 'cancelled'],
    ['returned', 'returned'],
    ['Refunded', 'returned'],
    ['on hold', 'unknown'],
  ] as const)('should read %j as %j', (raw, expected) => {
    expect(statusWord(raw)).toBe(expected);
  });
});

describe('classifyLine', () => {
  const summary = (raw: string | null, quantity: number) => {
    const c = classifyLine(raw, quantity);
    return [c.status, c.isReturn, c.countsForRevenue, c.issues.map((i) => i.code)];
  };

  it.each([
    // raw status, quantity → status, is_return, counts for revenue, issues
    ['completed', 2, 'completed', false, true, []],
    [null, 1, 'completed', false, true, []],
    ['cancelled', 1, 'cancelled', false, false, []],
    ['cancelled', -1, 'cancelled', false, false, []], // a cancelled return is still cancelled
    ['returned', -1, 'returned', true, true, []], // the generator's RT… lines
    ['completed', -3, 'returned', true, true, []], // negative quantity without a return status
    [null, -2, 'returned', true, true, []], // Online Retail's C… invoices: no status, negative quantity
    ['returned', 1, 'returned', true, false, ['returned_positive_quantity']],
    ['completed', 0, 'completed', false, false, ['zero_quantity']],
    ['on hold', 1, 'completed', false, true, ['unknown_status']],
    ['on hold', -1, 'returned', true, true, ['unknown_status']],
    ['on hold', 0, 'completed', false, false, ['unknown_status', 'zero_quantity']],
  ] as const)('should classify (%j, %d) as %s', (raw, quantity, status, isReturn, counts, issues) => {
    expect(summary(raw, quantity)).toEqual([status, isReturn, counts, issues]);
  });

  it('should name the unknown word and the reading in the issue', () => {
    expect(classifyLine('On Hold', -1).issues[0]?.detail).toMatchInlineSnapshot(
      `"status "On Hold" is not a known status word: read as returned from the sign of the quantity"`,
    );
  });
});
