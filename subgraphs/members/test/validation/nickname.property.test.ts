import fc from 'fast-check';
import { NICKNAME_MAX_CODE_POINTS, NICKNAME_MAX_GRAPHEMES, nicknameKey, validateNickname } from '../../src/validation/index.js';

const FIELD = ['input', 'nickname'];
const segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });
const graphemes = (s: string): string[] => Array.from(segmenter.segment(s), (g) => g.segment);

/** Characters that tend to break naive validators; mixed into otherwise random text. */
const TRICKY = [
  '\u200D',
  '\u200B',
  '\u200C',
  '\u202E',
  '\uFEFF',
  '\u2060',
  '\u00AD',
  '\u180E',
  '\u{E0001}',
  '\n',
  '\t',
  '\r',
  '\u0000',
  '\u007F',
  '\u0085',
  '\u2028',
  '\u2029',
  ' ',
  '  ',
  '\u00A0',
  '\u3000',
  '\u2000',
  '\u2003',
  '\u202F',
  '\u0301',
  '\u0334',
  '\u0308',
  '\uFE0F',
  '\u{1F3FB}',
  '\u{1F3FD}',
  '\u1100',
  '\u1161',
  '\u11A8',
  '\u115F',
  '\u1160',
  '\u3164',
  '\uFFA0',
  '\u2800',
  '\u{1F3F4}',
  '\u{E0067}',
  '\u{E0062}',
  '\u{E0073}',
  '\u{E007F}',
  '👨',
  '👩',
  '👧',
  '❤',
  '💋',
  '👍',
  '🇰',
  '🇷',
  '\uE000',
  '\u{F0000}',
  '\u0378',
  '\uFFFF',
  'ß',
  'İ',
  'Σ',
  'ς',
  'ﬁ',
  '\u212A',
  'A',
  'z',
];
const EMOJI = ['👨‍👩‍👧', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🏃🏽‍♀️', '👁️‍🗨️', '🏳️‍⚧️', '🇰🇷', '❤️', '👍🏽', '🫱🏻‍🫲🏿'];
const SAFE_GRAPHEMES = ['a', 'Z', '7', '홍', '길', '동', 'é', 'さ', 'ß', ...EMOJI];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 2 }),
  fc.constantFrom(...TRICKY),
  fc.constantFrom(...EMOJI),
  fc.constantFrom(...SAFE_GRAPHEMES),
  loneSurrogate,
  fc.integer({ min: 1, max: 60 }).map((n) => `x${'\u0334'.repeat(n)}`), // zalgo
);
const nicknameInput = fc.oneof(
  fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')),
  fc.array(piece, { maxLength: 60 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

const ALWAYS_FORBIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\p{Cn}\p{Co}\p{Cs}\u115F\u1160\u3164\uFFA0\u2800]/u;
const ALLOWED_ZWJ = /(?<=\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D(?=\p{Extended_Pictographic})/gu;
const FLAG_TAG_SEQUENCE = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;

/** Independent restatement of the character rules, written over the whole string rather than per cluster. */
function hasForbiddenCharacter(nickname: string): boolean {
  if (ALWAYS_FORBIDDEN.test(nickname)) return true;
  // A joining ZWJ must sit strictly inside a cluster (never at its edge).
  if (graphemes(nickname).some((g) => g.startsWith('\u200D') || g.endsWith('\u200D'))) return true;
  const withoutAllowed = nickname.replace(FLAG_TAG_SEQUENCE, '').replace(ALLOWED_ZWJ, '');
  return /\p{Cf}/u.test(withoutAllowed);
}

describe('validateNickname properties', () => {
  it('either rejects, or returns a clean, bounded, normalised nickname', () => {
    fc.assert(
      fc.property(nicknameInput, (raw) => {
        const result = validateNickname(raw, FIELD);
        if (!result.ok) {
          expect(['NICKNAME_EMPTY', 'NICKNAME_TOO_LONG', 'NICKNAME_INVALID']).toContain(result.error.code);
          expect(result.error.field).toEqual(FIELD);
          expect(result.error.message.length).toBeGreaterThan(0);
          return;
        }
        const { nickname, key } = result.value;
        expect(nickname.normalize('NFC')).toBe(nickname);
        expect(nickname).not.toMatch(/^\p{White_Space}|\p{White_Space}$/u);
        const count = graphemes(nickname).length;
        expect(count).toBeGreaterThanOrEqual(1);
        expect(count).toBeLessThanOrEqual(NICKNAME_MAX_GRAPHEMES);
        expect(Array.from(nickname).length).toBeLessThanOrEqual(NICKNAME_MAX_CODE_POINTS);
        expect(Array.from(key).length).toBeLessThanOrEqual(NICKNAME_MAX_CODE_POINTS);
        expect(hasForbiddenCharacter(nickname)).toBe(false);
        // Whitespace policy: only single ASCII spaces inside.
        expect(nickname).not.toMatch(/ {2}|[^\P{White_Space} ]/u);
        expect(key).toBe(nicknameKey(nickname));
        // Validation is a fixed point: re-validating the stored value gives it back unchanged.
        expect(validateNickname(nickname, FIELD)).toEqual(result);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts any 1..10 safe graphemes, in NFC or NFD, storing the NFC form', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SAFE_GRAPHEMES), { minLength: 1, maxLength: 10 }), (parts) => {
        const text = parts.join('');
        const fromNfc = validateNickname(text, FIELD);
        const fromNfd = validateNickname(text.normalize('NFD'), FIELD);
        expect(fromNfc).toEqual({ ok: true, value: { nickname: text.normalize('NFC'), key: nicknameKey(text) } });
        expect(fromNfd).toEqual(fromNfc);
      }),
    );
  });

  it('rejects any forbidden character placed between ordinary letters', () => {
    const forbidden = fc.oneof(
      fc.constantFrom('\u200B', '\u200D', '\u202E', '\uFEFF', '\u2060', '\n', '\t', '\u0000', '\u2028', '\u2029', '\u3164'),
      loneSurrogate,
      fc.integer({ min: 0xe000, max: 0xf8ff }).map((code) => String.fromCodePoint(code)),
      fc.integer({ min: 0xe0000, max: 0xe007f }).map((code) => String.fromCodePoint(code)),
    );
    fc.assert(
      fc.property(forbidden, (char) => {
        const result = validateNickname(`ab${char}cd`, FIELD);
        expect(result.ok || result.error.code).toBe('NICKNAME_INVALID');
      }),
    );
  });
});

describe('nicknameKey properties', () => {
  it('is idempotent for arbitrary strings', () => {
    fc.assert(
      fc.property(nicknameInput, (raw) => {
        const key = nicknameKey(raw);
        expect(nicknameKey(key)).toBe(key);
      }),
      { numRuns: 3000 },
    );
  });

  it('ignores ASCII case', () => {
    const asciiWithCaseMix = fc.string({ unit: 'binary-ascii', maxLength: 20 }).chain((s) =>
      fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((upper) => ({
        s,
        mixed: Array.from(s, (c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''),
      })),
    );
    fc.assert(
      fc.property(asciiWithCaseMix, ({ s, mixed }) => {
        const key = nicknameKey(s);
        expect(nicknameKey(s.toUpperCase())).toBe(key);
        expect(nicknameKey(s.toLowerCase())).toBe(key);
        expect(nicknameKey(mixed)).toBe(key);
      }),
    );
  });

  it('gives canonically equivalent strings the same key', () => {
    fc.assert(
      fc.property(nicknameInput, (raw) => {
        expect(nicknameKey(raw.normalize('NFD'))).toBe(nicknameKey(raw.normalize('NFC')));
      }),
      { numRuns: 2000 },
    );
  });
});
