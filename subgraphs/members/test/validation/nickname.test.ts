import {
  NICKNAME_MAX_CODE_POINTS,
  NICKNAME_MAX_GRAPHEMES,
  NICKNAME_MAX_MARKS_PER_CHARACTER,
  nicknameKey,
  validateNickname,
} from '../../src/validation/index.js';

const FIELD = ['input', 'nickname'];

function accepted(raw: string): { nickname: string; key: string } {
  const result = validateNickname(raw, FIELD);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be accepted, got ${result.error.code}`);
  return result.value;
}

function rejectedCode(raw: string): string {
  const result = validateNickname(raw, FIELD);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be rejected, got ${JSON.stringify(result.value)}`);
  return result.error.code;
}

const codePoints = (s: string): number => Array.from(s).length;
const HANGUL_10 = '가나다라마바사아자차';

describe('validateNickname: trimming and empty', () => {
  it('trims ASCII and Unicode whitespace at both ends', () => {
    expect(accepted('  홍길동  ').nickname).toBe('홍길동');
    expect(accepted('\t홍길동\r\n').nickname).toBe('홍길동');
    expect(accepted('\u3000홍길동\u00A0').nickname).toBe('홍길동');
    expect(accepted('\u2003\u0085홍길동\u2029').nickname).toBe('홍길동');
  });

  it.each(['', ' ', '   ', '\n\t', '\u3000', '\u00A0\u2028'])('rejects %j as NICKNAME_EMPTY', (raw) => {
    expect(rejectedCode(raw)).toBe('NICKNAME_EMPTY');
  });

  it('does not trim invisible format characters: they are rejected, not silently kept', () => {
    expect(rejectedCode('\u200B홍길동')).toBe('NICKNAME_INVALID');
    expect(rejectedCode('홍길동\uFEFF')).toBe('NICKNAME_INVALID');
  });

  it('reports the field path as given, in a copy', () => {
    const field = ['input', 'nickname'];
    const result = validateNickname('', field);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('NICKNAME_EMPTY');
    expect(result.error.message).toBe('Nickname must not be empty.');
    expect(result.error.field).toEqual(['input', 'nickname']);
    field.push('mutated');
    expect(result.error.field).toEqual(['input', 'nickname']);
  });
});

describe('validateNickname: interior whitespace', () => {
  it('keeps a single interior ASCII space', () => {
    expect(accepted('홍 길동').nickname).toBe('홍 길동');
  });

  it('collapses runs of spaces into one space', () => {
    expect(accepted('홍  길동').nickname).toBe('홍 길동');
    expect(accepted('a     b').nickname).toBe('a b');
  });

  it('turns non-ASCII space separators (IME full-width, NBSP, em, thin, en quad) into an ASCII space', () => {
    expect(accepted('홍\u3000길동').nickname).toBe('홍 길동');
    expect(accepted('a\u00A0b').nickname).toBe('a b');
    expect(accepted('a\u2003\u2009 b').nickname).toBe('a b');
    expect(accepted('a\u2000b').nickname).toBe('a b');
  });

  it('gives look-alike spacing the same key', () => {
    expect(nicknameKey('홍\u3000\u3000길동')).toBe(accepted('홍 길동').key);
  });

  it.each([
    ['tab', 'a\tb'],
    ['newline', 'a\nb'],
    ['carriage return', 'a\rb'],
    ['next line (NEL)', 'a\u0085b'],
    ['line separator', 'a\u2028b'],
    ['paragraph separator', 'a\u2029b'],
  ])('rejects an interior %s as NICKNAME_INVALID', (_name, raw) => {
    expect(rejectedCode(raw)).toBe('NICKNAME_INVALID');
  });
});

describe('validateNickname: length in grapheme clusters', () => {
  it('counts Hangul syllables as one each', () => {
    expect(accepted('홍길동').nickname).toBe('홍길동');
    expect(accepted(HANGUL_10).nickname).toBe(HANGUL_10);
    expect(rejectedCode(`${HANGUL_10}카`)).toBe('NICKNAME_TOO_LONG');
  });

  it('allows exactly 10 ASCII characters, not 11', () => {
    expect(NICKNAME_MAX_GRAPHEMES).toBe(10);
    expect(accepted('a'.repeat(10)).nickname).toBe('aaaaaaaaaa');
    expect(rejectedCode('a'.repeat(11))).toBe('NICKNAME_TOO_LONG');
  });

  it('counts a ZWJ family emoji as one character', () => {
    const family = '👨‍👩‍👧';
    expect(family.length).toBe(8);
    expect(accepted(family.repeat(10)).nickname).toBe(family.repeat(10));
    expect(rejectedCode(family.repeat(11))).toBe('NICKNAME_TOO_LONG');
  });

  it('counts flags and skin-toned emoji as one character', () => {
    expect(accepted('🇰🇷'.repeat(10)).nickname).toBe('🇰🇷'.repeat(10));
    expect(accepted('👍🏽'.repeat(10)).nickname).toBe('👍🏽'.repeat(10));
    expect(rejectedCode('🇰🇷'.repeat(11))).toBe('NICKNAME_TOO_LONG');
  });

  it('counts the collapsed space, not the raw run', () => {
    // 9 letters + one space after collapsing = 10, although the input has 12 characters.
    expect(accepted('abcd    efghi').nickname).toBe('abcd efghi');
  });

  it('treats decomposed (NFD) Hangul like composed Hangul and stores it composed', () => {
    const nfd = HANGUL_10.normalize('NFD');
    expect(codePoints(nfd)).toBe(20);
    const { nickname } = accepted(nfd);
    expect(nickname).toBe(HANGUL_10);
    expect(accepted('홍길동'.normalize('NFD')).nickname).toBe('홍길동');
    expect(rejectedCode(`${HANGUL_10}카`.normalize('NFD'))).toBe('NICKNAME_TOO_LONG');
  });

  it('stores Latin text composed', () => {
    expect(accepted('Cafe\u0301').nickname).toBe('Caf\u00E9');
  });
});

describe('validateNickname: code point limit (varchar(200))', () => {
  // U+0334 COMBINING TILDE OVERLAY never composes with "x" or "ß", so NFC keeps every code point.
  const stacked = (base: string, marks: number): string => base + '\u0334'.repeat(marks);

  it('rejects a single zalgo grapheme: over 200 code points as too long, fewer as too many marks', () => {
    expect(NICKNAME_MAX_CODE_POINTS).toBe(200);
    expect(rejectedCode(stacked('x', 199))).toBe('NICKNAME_INVALID');
    expect(rejectedCode(stacked('x', 200))).toBe('NICKNAME_TOO_LONG');
    expect(rejectedCode(stacked('x', 5000))).toBe('NICKNAME_TOO_LONG');
  });

  it('rejects 10 graphemes that total more than 200 code points', () => {
    // An emoji ZWJ chain of any length is one grapheme: 19 or 21 code points each here.
    const chain = (emoji: number) => Array.from({ length: emoji }, () => '👍').join('\u200D');
    expect(codePoints(accepted(chain(10).repeat(10)).nickname)).toBe(190);
    expect(rejectedCode(chain(11).repeat(10))).toBe('NICKNAME_TOO_LONG');
  });

  it('rejects a nickname whose folded key would not fit in 200 code points', () => {
    // U+FDFA folds to 18 code points (NFKC); with 4 different marks each, 50 code points key as 220.
    const nickname = '\uFDFA\u0334\u0335\u0336\u0337'.repeat(10);
    expect(codePoints(nickname)).toBe(50);
    expect(codePoints(nicknameKey(nickname))).toBe(220);
    expect(rejectedCode(nickname)).toBe('NICKNAME_TOO_LONG');
  });

  it(`allows at most ${NICKNAME_MAX_MARKS_PER_CHARACTER} accents or marks on one character, none repeated`, () => {
    expect(accepted('Vi\u1EC7t').nickname).toBe('Vi\u1EC7t'); // ệ: e with two marks
    const fourDifferent = 'x\u0301\u0300\u0302\u0303';
    expect(accepted(fourDifferent).nickname).toBe(fourDifferent.normalize('NFC'));
    expect(rejectedCode(`${fourDifferent}\u0304`)).toBe('NICKNAME_INVALID');
    // The same mark twice draws one on the other: a look-alike of the single mark.
    expect(rejectedCode('x\u0334\u0334')).toBe('NICKNAME_INVALID');
    expect(rejectedCode(`ok${stacked('a', 199 - 2)}`)).toBe('NICKNAME_INVALID');
  });

  it('checks length before characters, so one error is reported for an over-long, invalid input', () => {
    expect(rejectedCode(`${stacked('x', 200)}\u200B`)).toBe('NICKNAME_TOO_LONG');
    expect(rejectedCode(`${'a'.repeat(11)}\u200B`)).toBe('NICKNAME_TOO_LONG');
  });

  it('handles very long input without scanning it character by character', () => {
    expect(rejectedCode(`a${' '.repeat(200_000)}b${'\u200B'.repeat(200_000)}`)).toBe('NICKNAME_TOO_LONG');
  });
});

describe('validateNickname: forbidden characters', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['DEL', 'a\u007Fb'],
    ['C1 control', 'a\u0090b'],
    ['zero-width space', 'a\u200Bb'],
    ['zero-width non-joiner', 'a\u200Cb'],
    ['left-to-right mark', 'a\u200Eb'],
    ['right-to-left override', 'abc\u202Edef'],
    ['BOM / zero-width no-break space', 'a\uFEFFb'],
    ['word joiner', 'a\u2060b'],
    ['soft hyphen', 'a\u00ADb'],
    ['Mongolian vowel separator', 'a\u180Eb'],
    ['language tag', 'a\u{E0001}b'],
    ['ZWJ between letters', 'a\u200Db'],
    ['ZWJ between letter and emoji', 'a\u200D👍'],
    ['ZWJ between emoji and letter', '👍\u200Da'],
    ['trailing ZWJ after emoji', '👍\u200D'],
    ['leading ZWJ before emoji', '\u200D👍'],
    ['double ZWJ', '👨\u200D\u200D👩'],
    ['tag characters without a flag', 'a\u{E0067}\u{E0062}\u{E007F}'],
    ['flag tags without CANCEL TAG', '🏴\u{E0067}\u{E0062}\u{E0073}'],
    ['CANCEL TAG alone', '🏴\u{E007F}'],
    ['unassigned code point', 'a\u0378b'],
    ['noncharacter', 'a\uFFFFb'],
    ['private use (BMP)', 'a\uE000b'],
    ['private use (plane 15)', 'a\u{F0000}b'],
    ['lone high surrogate', 'a\uD800b'],
    ['lone low surrogate', 'ab\uDC00'],
    ['Hangul filler', '\u3164'],
    ['Hangul filler inside a name', '홍\u3164길동'],
    ['half-width Hangul filler', 'a\uFFA0b'],
    ['Hangul choseong filler', '\u115F\u1161'],
    ['braille blank', 'a\u2800b'],
  ])('rejects %s as NICKNAME_INVALID', (_name, raw) => {
    expect(rejectedCode(raw)).toBe('NICKNAME_INVALID');
  });

  it('names the offending code point in the message', () => {
    const result = validateNickname('abc\u202Edef', FIELD);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('U+202E');
  });

  it.each([
    ['family', '👨‍👩‍👧'],
    ['kiss with VS16', '👩‍❤️‍💋‍👨'],
    ['runner with skin tone and gender', '🏃🏽‍♀️'],
    ['eye in speech bubble', '👁️‍🗨️'],
    ['transgender flag', '🏳️‍⚧️'],
    ['person with red hair and skin tone', '🧑🏽‍🦰'],
    ['handshake with two skin tones', '🫱🏻‍🫲🏿'],
    ['Scotland flag tag sequence', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
    ['Wales flag tag sequence', '🏴󠁧󠁢󠁷󠁬󠁳󠁿'],
    ['regional indicator flag', '🇰🇷'],
    ['emoji with VS16', '❤️'],
    ['mixed text and emoji', '홍길동👨‍👩‍👧🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
    ['Latin with accents', 'Zoë Łukasz'],
    ['Japanese', 'さくら'],
    ['Arabic', 'مرحبا'],
  ])('accepts %s', (_name, raw) => {
    expect(accepted(raw).nickname).toBe(raw.normalize('NFC'));
  });
});

describe('nicknameKey', () => {
  it('is shared by Alice, ALICE and alice', () => {
    const key = accepted('Alice').key;
    expect(accepted('ALICE').key).toBe(key);
    expect(accepted('alice').key).toBe(key);
    expect(nicknameKey('aLiCe')).toBe(key);
  });

  it('keeps the stored nickname in its original case', () => {
    expect(accepted('ALICE').nickname).toBe('ALICE');
  });

  it('is shared by NFC and NFD forms', () => {
    expect(nicknameKey('Caf\u00E9')).toBe(nicknameKey('Cafe\u0301'));
    expect(nicknameKey('CAF\u00C9')).toBe(nicknameKey('cafe\u0301'));
    expect(nicknameKey('홍길동')).toBe(nicknameKey('홍길동'.normalize('NFD')));
    expect(accepted('Cafe\u0301').key).toBe(accepted('caf\u00E9').key);
  });

  it('folds beyond toLowerCase: ß/SS, final sigma, ligatures', () => {
    expect(nicknameKey('Straße')).toBe(nicknameKey('STRASSE'));
    expect(nicknameKey('Straße')).toBe(nicknameKey('strasse'));
    expect(nicknameKey('STRA\u1E9EE')).toBe(nicknameKey('strasse')); // capital sharp s: ẞ → ß → ss
    expect(nicknameKey('\u1E9E')).toBe(nicknameKey(nicknameKey('\u1E9E')));
    expect(nicknameKey('ΟΔΟΣ')).toBe(nicknameKey('οδοσ'));
    expect(nicknameKey('οδος')).toBe(nicknameKey('οδοσ'));
    expect(nicknameKey('\uFB01sh')).toBe(nicknameKey('FISH'));
    expect(nicknameKey('\u212Aelvin')).toBe(nicknameKey('kelvin')); // KELVIN SIGN
  });

  it('keeps genuinely different nicknames apart', () => {
    expect(nicknameKey('alice')).not.toBe(nicknameKey('alicia'));
    expect(nicknameKey('a b')).not.toBe(nicknameKey('ab'));
    expect(nicknameKey('홍길동')).not.toBe(nicknameKey('홍길순'));
  });

  it('gives look-alikes one key: compatibility forms, look-alike letters of other scripts, digits like letters', () => {
    const admin = nicknameKey('admin');
    for (const lookAlike of ['\u0430dmin', 'ＡＤＭＩＮ', '𝐚𝐝𝐦𝐢𝐧', 'ADMIN', 'adrnin', 'ａｄｍｉｎ']) {
      expect([lookAlike, nicknameKey(lookAlike)]).toEqual([lookAlike, admin]);
    }
    expect(nicknameKey('\uFF21lice')).toBe(nicknameKey('Alice'));
    expect(nicknameKey('b0b')).toBe(nicknameKey('bob'));
    expect(nicknameKey('раураl')).toBe(nicknameKey('paypal')); // Cyrillic р, а, у
  });

  it('never holds a control character, even where the confusables table maps to one', () => {
    expect(nicknameKey('a\u{1F16D}b')).not.toMatch(/\p{Cc}/u);
  });

  it('leaves Hangul as typed: compatibility jamo are not syllables', () => {
    expect(nicknameKey('ㄱㅏ')).not.toBe(nicknameKey('가'));
    expect(nicknameKey('홍길동')).toBe('홍길동');
  });

  it('is what validateNickname returns as key, and is idempotent', () => {
    const { nickname, key } = accepted('  Straße  Ünï ');
    expect(key).toBe(nicknameKey(nickname));
    expect(nicknameKey(key)).toBe(key);
  });
});
