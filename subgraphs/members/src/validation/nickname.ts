import unhomoglyph from 'unhomoglyph';
import { invalid, valid, type Validation } from './user-error.js';

/** What a person perceives as characters (grapheme clusters), e.g. "👨‍👩‍👧" is one. */
export const NICKNAME_MAX_GRAPHEMES = 10;
/** The nickname and nickname_key columns are varchar(200), which PostgreSQL counts in code points. */
export const NICKNAME_MAX_CODE_POINTS = 200;

/**
 * Accents and other nonspacing marks one character may carry (decomposed: "ệ" is e + 2 marks).
 * Unicode TS #39 (5.4) suggests this bound: real text stays well under it (Vietnamese uses 2),
 * and stacks beyond it ("zalgo") only overdraw neighbouring text.
 */
export const NICKNAME_MAX_MARKS_PER_CHARACTER = 4;

const graphemeSegmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });
const NONSPACING_MARK_ONE = /^\p{Mn}$/u;

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

/** Marks piled on one character: more than `max`, or one mark twice in a row (UTS #39 5.4 forbids both). */
function pilesMarks(nickname: string, max: number): boolean {
  for (const { segment } of graphemeSegmenter.segment(nickname)) {
    const decomposed = Array.from(segment.normalize('NFD'));
    if (decomposed.filter((char) => NONSPACING_MARK_ONE.test(char)).length > max) return true;
    if (decomposed.some((char, index) => index > 0 && char === decomposed[index - 1] && NONSPACING_MARK_ONE.test(char))) return true;
  }
  return false;
}

function formatCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

// Hangul is left as typed: compatibility folding would merge "ㄱㅏ" into "가", and the confusables
// table maps decomposed jamo onto CJK strokes, which would merge distinct syllables.
const SCRIPT_RUNS = /(\p{Script=Hangul}+)|(\P{Script=Hangul}+)/gu;

/** Applies `fold` to every run of text outside Hangul. */
const outsideHangul = (text: string, fold: (run: string) => string): string =>
  text.replace(SCRIPT_RUNS, (_match, hangul: string | undefined, other: string | undefined) => hangul ?? fold(other!));

/**
 * Case folding approximated by toUpperCase().toLowerCase() (JS has no casefold builtin): plain
 * toLowerCase() would keep "ß"/"SS", "ς"/"σ" and "ﬁ"/"FI" apart. Locale-independent on purpose.
 */
const caseFold = (text: string): string => text.toUpperCase().toLowerCase();

/** UTS #39 skeleton: NFD, each character replaced by its confusable prototype, NFD again. */
// unhomoglyph's table maps a few symbols to text with control characters (U+1F16D to "cc" and a
// tab): a key never holds one.
const CONTROL = /\p{Cc}/gu;
const skeleton = (text: string): string => unhomoglyph(text.normalize('NFD')).normalize('NFD').replace(CONTROL, '');

/**
 * The value uniqueness compares: two nicknames clash iff their keys are equal. Look-alikes share a
 * key: compatibility forms are folded (NFKC: full-width "ＡＤＭＩＮ", mathematical "𝐚𝐝𝐦𝐢𝐧"), case is
 * folded, and the result is reduced to its Unicode TS #39 confusable skeleton (Cyrillic "а" is Latin
 * "a", "0" is "o", "m" is "rn"), then folded again (prototypes may be capitals), and composed (NFC).
 * The key is only ever compared, never shown: "admin" keys as "adrnin".
 */
export function nicknameKey(nickname: string): string {
  let key = normalizeNickname(nickname);
  // Each step can expose work for another ("ẞ" → "ß" → "ss"; a prototype in upper case): repeat
  // to a fixed point so that the key of a key is itself.
  for (let pass = 0; pass < 4; pass++) {
    const folded = caseFold(outsideHangul(key, (run) => run.normalize('NFKC')));
    // Folding can produce spacing ("ﹺ" is a space and a mark): the same whitespace rules apply again.
    const next = normalizeNickname(outsideHangul(folded, (run) => caseFold(skeleton(run))));
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
  if (pilesMarks(nickname, NICKNAME_MAX_MARKS_PER_CHARACTER)) {
    return invalid(
      'NICKNAME_INVALID',
      field,
      `Nickname must not stack more than ${NICKNAME_MAX_MARKS_PER_CHARACTER} accents or marks on one character, nor repeat one.`,
    );
  }
  const key = nicknameKey(nickname);
  // Folding can expand ("ß" → "ss", "ﷺ" → 18 code points, "m" → "rn"); the key column is varchar(200) too.
  if (countCodePoints(key) > NICKNAME_MAX_CODE_POINTS) {
    return invalid(
      'NICKNAME_TOO_LONG',
      field,
      `${tooLongMessage} It also must not exceed ${NICKNAME_MAX_CODE_POINTS} Unicode code points once case is ignored.`,
    );
  }
  return valid({ nickname, key });
}
