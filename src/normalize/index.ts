/**
 * Pure normalisation functions shared by the stages (collect parses dates and vocabularies with
 * them, clean normalises contacts and names) and by the pipeline file's rules. They import no
 * stage. Each module does one job and keeps no state beyond caches; see the module comments for
 * the policies (what counts as a valid phone, how names are split, …).
 */
export { normalizeEmail, emailMatchKey, type EmailResult } from './email.js';
export { normalizePhone, preCleanPhone, type PhoneResult } from './phone.js';
export { parseName, nameMatchKeys, soundKey, nysiis, type NameInput, type ParsedName, type NameMatchKeys } from './name.js';
export { detectScript, foldDiacritics, foldForMatch, hanToPinyinSyllables, type Script } from './fold.js';
export {
  parseDate,
  parseTimestamp,
  compileDateFormat,
  compileTimestampParser,
  parseUtcOffset,
  type DateParser,
  type DateTimeParts,
  type DateFormatOptions,
  type TimestampOptions,
} from './date.js';
export {
  parseGender,
  parseBoolean,
  parseNumber,
  DEFAULT_BOOLEAN_VOCAB,
  type Gender,
  type GenderVocab,
  type BooleanVocab,
  type NumberOptions,
  type VocabResult,
} from './vocab.js';
export { FxTable, FxError, type FxRateRow, type FxTableOptions, type FxErrorCode } from './money.js';
