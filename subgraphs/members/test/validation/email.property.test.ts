import fc from 'fast-check';
import { EMAIL_MAX_LENGTH, validateEmail } from '../../src/validation/index.js';

const FIELD = ['input', 'email'];
const whitespace = fc
  .array(fc.constantFrom(' ', '\t', '\n', '\r', '\u00A0', '\u3000', '\u2028', '\uFEFF'), { maxLength: 4 })
  .map((chars) => chars.join(''));
const longAddress = fc
  .tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom('@example.com', '@EXAMPLE.co.kr', '@a.io'))
  .map(([n, domain]) => 'Ab'.repeat(n).slice(0, n) + domain);
const core = fc.oneof(
  fc.emailAddress(),
  longAddress,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.emailAddress(), fc.string({ maxLength: 3 })).map(([a, b]) => a + b),
);
const emailInput = fc.tuple(whitespace, core, whitespace).map(([before, text, after]) => before + text + after);

describe('validateEmail properties', () => {
  it('never stores more than 254 characters or surrounding whitespace', () => {
    fc.assert(
      fc.property(emailInput, (raw) => {
        const result = validateEmail(raw, FIELD);
        if (!result.ok) {
          expect(result.error.code).toBe('EMAIL_INVALID');
          expect(result.error.field).toEqual(FIELD);
          expect(result.error.message).not.toBe('');
          return;
        }
        const { email, key } = result.value;
        expect(email.length).toBeLessThanOrEqual(EMAIL_MAX_LENGTH);
        expect(email).toBe(email.trim());
        expect(email).not.toMatch(/^[\p{White_Space}\uFEFF]|[\p{White_Space}\uFEFF]$/u);
        expect(raw).toContain(email);
        expect(key).toBe(email.toLowerCase());
        expect(key.length).toBeLessThanOrEqual(EMAIL_MAX_LENGTH);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts exactly the well-formed addresses of at most 254 characters', () => {
    fc.assert(
      fc.property(longAddress, whitespace, (address, pad) => {
        expect(validateEmail(pad + address + pad, FIELD).ok).toBe(address.length <= EMAIL_MAX_LENGTH);
      }),
    );
  });
});
