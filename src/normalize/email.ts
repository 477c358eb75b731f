/**
 * E-mail addresses: one canonical stored form, and a separate, more aggressive
 * key used only to decide whether two records share a mailbox.
 */

export interface EmailResult {
  /** Trimmed, lower-cased address; null when empty or invalid. */
  readonly email: string | null;
  readonly issue?: 'invalid_email';
}

const EMPTY: EmailResult = Object.freeze({ email: null });
const INVALID: EmailResult = Object.freeze({ email: null, issue: 'invalid_email' as const });

/**
 * Whitespace anywhere (including NBSP and ideographic space) and the RFC 5322
 * specials that only appear in display names or typos ("a@b,com") make an
 * address invalid.
 */
const FORBIDDEN = /[\s<>(),;:"[\]\\]/;
const PLAIN_ASCII = /^[\x00-\x7f]*$/;

/** At least two dot-separated labels, none empty, none starting or ending with "-". */
function isValidDomain(d: string): boolean {
  let labelStart = 0;
  let dots = 0;
  for (let i = 0; i <= d.length; i++) {
    if (i === d.length || d.charCodeAt(i) === 0x2e) {
      if (i === labelStart) return false;
      if (d.charCodeAt(labelStart) === 0x2d || d.charCodeAt(i - 1) === 0x2d) return false;
      if (i < d.length) dots++;
      labelStart = i + 1;
    }
  }
  return dots > 0;
}

/**
 * Trims, lower-cases and validates. Valid means: exactly one "@", a non-empty
 * local part without leading, trailing or doubled dots, a domain with at least
 * one dot and non-empty labels, and no whitespace. This is deliberately the
 * shape check, not RFC 5322 (quoted local parts are not customer data).
 *
 * The whole address is lower-cased although the local part is case-sensitive
 * in theory: no consumer mail provider treats it so, and the silos write the
 * same address as "MA.QIANG56@FOXMAIL.COM" and "ma.qiang56@foxmail.com".
 * Full-width forms typed on Chinese keyboards ("＠", "．") are folded by NFKC.
 * Empty input is not an issue: it is a missing value.
 */
export function normalizeEmail(raw: string | null | undefined): EmailResult {
  if (raw == null) return EMPTY;
  let s = raw.trim();
  if (s === '') return EMPTY;
  // "mailto:" prefixes come from copy-pasted links.
  if (s.length > 7 && (s.charCodeAt(0) | 0x20) === 0x6d && s.slice(0, 7).toLowerCase() === 'mailto:') s = s.slice(7);
  if (!PLAIN_ASCII.test(s)) s = s.normalize('NFKC').trim();
  s = s.toLowerCase();

  const at = s.indexOf('@');
  if (at <= 0 || at !== s.lastIndexOf('@') || at === s.length - 1) return INVALID;
  if (FORBIDDEN.test(s)) return INVALID;
  const local = s.slice(0, at);
  if (local.charCodeAt(0) === 0x2e || local.charCodeAt(local.length - 1) === 0x2e || local.includes('..')) return INVALID;
  if (!isValidDomain(s.slice(at + 1))) return INVALID;
  return { email: s };
}

/** Providers that ignore dots in the local part, mapped to their canonical domain. */
const DOTLESS_DOMAINS: ReadonlyMap<string, string> = new Map([
  ['gmail.com', 'gmail.com'],
  ['googlemail.com', 'gmail.com'],
]);

/**
 * Matching key of a (normalised) address: for Gmail drops dots in the local
 * part and maps googlemail.com to gmail.com; for every provider drops a
 * "+tag" sub-address ("anna+shop@x.com" -> "anna@x.com"). Never store this
 * value: it is not always a deliverable address. Input is lower-cased and
 * trimmed here too, so a raw address gives the same key; a string without
 * "@" is returned lower-cased and trimmed.
 */
export function emailMatchKey(email: string): string {
  const s = email.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  if (at < 0) return s;
  let local = s.slice(0, at);
  let domain = s.slice(at + 1);
  const plus = local.indexOf('+');
  // Keep "+" when it is the first character: nothing would be left.
  if (plus > 0) local = local.slice(0, plus);
  const canonical = DOTLESS_DOMAINS.get(domain);
  if (canonical !== undefined) {
    domain = canonical;
    if (local.includes('.')) local = local.replace(DOTS, '');
  }
  return `${local}@${domain}`;
}
const DOTS = /\./g;
