import { invalid, valid, type Validation } from './user-error.js';

/** What a person perceives as characters (grapheme clusters), e.g. "👨‍👩‍👧" is one. */
export const NICKNAME_MAX_GRAPHEMES = 10;
/** The nickname and nickname_key columns are varchar(200), which PostgreSQL counts in code points. */
export const NICKNAME_MAX_CODE_POINTS = 200;

const graphemeSegmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });

const WHITE_SPACE = /^\p{White_Space}$/u;
const SPACE_SEPARATOR_RUN = /\p{Zs}+/gu;
/**
 * Never acceptable anywhere: controls, line/paragraph separators, unassigned, private use, lone surrogates.
 * Also the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0) and U+2800 BRAILLE PATTERN BLANK: they are letters
 * or symbols by category but render as nothing, and are the usual way to make a "blank" nickname.
 * Modern Hangul never needs the fillers (they only appear in archaic/incomplete jamo sequences).
 */
const ALWAYS_FORBIDDEN = /^[\p{Cc}\p{Zl}\p{Zp}\p{Cn}\p{Co}\p{Cs}\u115F\u1160\u3164\uFFA0\u2800]$/u;
const FORMAT_CHARACTER = /^\p{Cf}$/u;
const EXTENDED_PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
/** Between an emoji and a ZWJ there may be VS16 or a skin-tone modifier (e.g. 🏃🏽‍♀️, 👁️‍🗨️). */
const EMOJI_PRESENTATION_SUFFIX = /^[\uFE0F\u{1F3FB}-\u{1F3FF}]$/u;
const ZERO_WIDTH_JOINER = '\u200D';
/** RGI subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿): black flag, tag characters, CANCEL TAG, all inside one grapheme. */
const FLAG_TAG_SEQUENCE = /^\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}$/u;
const TAG_CHARACTER = /^[\u{E0020}-\u{E007F}]$/u;

function trimUnicodeWhitespace(s: string): string {
  // A loop, not /^\s+|\s+$/: the anchored-suffix regex is quadratic on long interior whitespace runs.
  // Every White_Space code point is in the BMP, so checking UTF-16 units one at a time is exact.
  let start = 0;
  let end = s.length;
  while (start < end && WHITE_SPACE.test(s.charAt(start))) start++;
  while (end > start && WHITE_SPACE.test(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

/**
 * Canonical stored form. Whitespace policy (what a user would expect, and no look-alike duplicates):
 * - leading/trailing Unicode White_Space (incl. tabs, newlines, NBSP, ideographic space) is trimmed;
 * - inside, any run of space separators (Zs: ASCII space, NBSP, the full-width U+3000 a Korean/Japanese IME
 *   types, en/em/thin spaces…) becomes one ASCII space, so "홍 길동", "홍  길동" and "홍\u3000길동" are the
 *   same nickname;
 * - interior tabs, newlines and other line breaks are not spaces: they are rejected as NICKNAME_INVALID.
 * NFC is applied after trimming, as stored text should be composed (NFD Hangul jamo becomes syllables).
 */
function normalizeNickname(raw: string): string {
  return trimUnicodeWhitespace(raw).normalize('NFC').replace(SPACE_SEPARATOR_RUN, ' ');
}

function countCodePoints(s: string): number {
  const surrogatePairs = s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0;
  return s.length - surrogatePairs;
}

function exceedsGraphemes(s: string, max: number): boolean {
  // Stops early: only whether the count exceeds max matters, not the count itself.
  const segments = graphemeSegmenter.segment(s)[Symbol.iterator]();
  for (let count = 0; !segments.next().done;) {
    if (++count > max) return true;
  }
  return false;
}

/** ZWJ is only legitimate as glue between two emoji of the same cluster (👨‍👩‍👧); elsewhere it is an invisible character. */
function zwjJoinsEmoji(cluster: readonly string[], index: number): boolean {
  const next = cluster[index + 1];
  let previous = cluster[index - 1];
  if (previous !== undefined && EMOJI_PRESENTATION_SUFFIX.test(previous)) previous = cluster[index - 2];
  return previous !== undefined && next !== undefined && EXTENDED_PICTOGRAPHIC.test(previous) && EXTENDED_PICTOGRAPHIC.test(next);
}

/** First code point that is not allowed where it stands, or undefined. */
function findForbiddenCodePoint(nickname: string): number | undefined {
  for (const { segment } of graphemeSegmenter.segment(nickname)) {
    const cluster = Array.from(segment);
    const isFlagTagSequence = FLAG_TAG_SEQUENCE.test(segment);
    for (const [index, char] of cluster.entries()) {
      if (ALWAYS_FORBIDDEN.test(char)) return char.codePointAt(0);
      if (!FORMAT_CHARACTER.test(char)) continue;
      if (char === ZERO_WIDTH_JOINER && zwjJoinsEmoji(cluster, index)) continue;
      if (isFlagTagSequence && TAG_CHARACTER.test(char)) continue;
      return char.codePointAt(0);
    }
  }
  return undefined;
}

function formatCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The value uniqueness compares: two nicknames clash iff their keys are equal.
 * Case folding is approximated by toUpperCase().toLowerCase() (JS has no casefold builtin). Plain toLowerCase()
 * would keep "ß"/"SS"/"ss", "ς"/"σ" and "ﬁ"/"FI" distinct; going through upper case first maps them together,
 * which matches Unicode full case folding for practically every letter. Both methods are locale-independent
 * (unlike toLocale*Case with the host's default locale), so keys never depend on the server's settings.
 * NFC before and after: canonically equivalent input (NFD vs NFC) must share a key, and case mapping can
 * leave decomposed sequences. Compatibility forms (full-width Ａ, ligatures other than through case) are
 * deliberately not folded: NFKC would also merge Hangul compatibility jamo into syllables ("ㄱㅏ" → "가").
 */
export function nicknameKey(nickname: string): string {
  let key = normalizeNickname(nickname);
  // One pass is not always a fixed point: "ẞ" (U+1E9E) → "ß" → (next pass) "ss". Iterating keeps the key
  // idempotent; a second pass already settles every single code point and every cased pair (checked exhaustively).
  for (let pass = 0; pass < 4; pass++) {
    const next = key.toUpperCase().toLowerCase().normalize('NFC');
    if (next === key) break;
    key = next;
  }
  return key;
}

export function validateNickname(raw: string, field: string[]): Validation<{ nickname: string; key: string }> {
  const nickname = normalizeNickname(raw);
  if (nickname.length === 0) {
    return invalid('NICKNAME_EMPTY', field, 'Nickname must not be empty.');
  }
  const tooLongMessage = `Nickname must be at most ${NICKNAME_MAX_GRAPHEMES} characters.`;
  // Length first: it is cheap and bounds the work of the per-character scan below on hostile input.
  // UTF-16 length > 2 × max already implies more than max code points, without counting.
  if (nickname.length > 2 * NICKNAME_MAX_CODE_POINTS || countCodePoints(nickname) > NICKNAME_MAX_CODE_POINTS) {
    return invalid(
      'NICKNAME_TOO_LONG',
      field,
      `${tooLongMessage} It also must not exceed ${NICKNAME_MAX_CODE_POINTS} Unicode code points (stacked accents count).`,
    );
  }
  if (exceedsGraphemes(nickname, NICKNAME_MAX_GRAPHEMES)) {
    return invalid('NICKNAME_TOO_LONG', field, tooLongMessage);
  }
  const forbidden = findForbiddenCodePoint(nickname);
  if (forbidden !== undefined) {
    return invalid(
      'NICKNAME_INVALID',
      field,
      `Nickname must not contain control, invisible or unassigned characters (found ${formatCodePoint(forbidden)}).`,
    );
  }
  const key = nicknameKey(nickname);
  // Case mapping can expand ("ß" → "ss", "ΐ" → 3 code points); the key column is varchar(200) too.
  if (countCodePoints(key) > NICKNAME_MAX_CODE_POINTS) {
    return invalid(
      'NICKNAME_TOO_LONG',
      field,
      `${tooLongMessage} It also must not exceed ${NICKNAME_MAX_CODE_POINTS} Unicode code points once case is ignored.`,
    );
  }
  return valid({ nickname, key });
}
