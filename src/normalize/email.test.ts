import { describe, expect, it } from 'vitest';
import { emailMatchKey, normalizeEmail } from './email.js';

describe('normalizeEmail', () => {
  it.each([
    // Real values from ../shared/data/retail-20k (CRM, shop, loyalty).
    ['chloe.miller92@outlook.com', 'chloe.miller92@outlook.com'],
    [' 321646145@126.com ', '321646145@126.com'],
    ['Chen.lei78@foxmail.com', 'chen.lei78@foxmail.com'],
    ['MA.QIANG56@FOXMAIL.COM', 'ma.qiang56@foxmail.com'],
    ['HANNAH.ROSSI20@GMAIL.COM', 'hannah.rossi20@gmail.com'],
    [' 857186854@sina.com ', '857186854@sina.com'],
    // Stored form keeps provider quirks: dots and +tags are only folded in the match key.
    ['Anna.Walker+shop@Gmail.com', 'anna.walker+shop@gmail.com'],
    ['mailto:mia.moore65@yahoo.com', 'mia.moore65@yahoo.com'],
    ['ｍｉａ＠ｙａｈｏｏ．ｃｏｍ', 'mia@yahoo.com'],
    ["o'brien.k@icloud.com", "o'brien.k@icloud.com"],
    ['x@sub.domain.co.uk', 'x@sub.domain.co.uk'],
  ])('should normalise %j to %j', (raw, expected) => {
    expect(normalizeEmail(raw)).toEqual({ email: expected });
  });

  it.each([
    'no-at-sign.example.com', // the shop file's planted bad rows
    'a@@b.com',
    'a@b@c.com',
    '@qq.com',
    'liu.yu69@',
    'liu.yu69@qq',
    'liu yu@qq.com',
    'liu.yu@qq .com',
    'liu.yu@qq..com',
    'liu.yu@.qq.com',
    'liu.yu@qq.com.',
    'liu.yu@-qq.com',
    '.liu@qq.com',
    'liu.@qq.com',
    'li..u@qq.com',
    'liu@qq,com',
    'Liu Yu <liu@qq.com>',
  ])('should reject %j as invalid_email', (raw) => {
    expect(normalizeEmail(raw)).toEqual({ email: null, issue: 'invalid_email' });
  });

  it.each([[''], ['   '], [null], [undefined]])('should treat %j as missing, not invalid', (raw) => {
    expect(normalizeEmail(raw)).toEqual({ email: null });
  });
});

describe('emailMatchKey', () => {
  it.each([
    ['john.smith@gmail.com', 'johnsmith@gmail.com'],
    ['j.o.h.n.smith@googlemail.com', 'johnsmith@gmail.com'],
    ['johnsmith+promo@gmail.com', 'johnsmith@gmail.com'],
    ['John.Smith+Promo@GoogleMail.com', 'johnsmith@gmail.com'],
    // Other providers: dots are significant, only the +tag goes.
    ['liu.yu69@foxmail.com', 'liu.yu69@foxmail.com'],
    ['liu.yu69+vip@foxmail.com', 'liu.yu69@foxmail.com'],
    ['mary.walker13@yahoo.com', 'mary.walker13@yahoo.com'],
    ['+tag@outlook.com', '+tag@outlook.com'],
    [' 321646145@126.com ', '321646145@126.com'],
    ['not-an-email', 'not-an-email'],
  ])('should key %j as %j', (email, key) => {
    expect(emailMatchKey(email)).toBe(key);
  });

  it('should give the same key for the same mailbox written differently', () => {
    const a = normalizeEmail('HANNAH.ROSSI20@GMAIL.COM').email as string;
    const b = normalizeEmail('hannahrossi20+shop@googlemail.com').email as string;
    expect(emailMatchKey(a)).toBe(emailMatchKey(b));
  });
});
