import { EMAIL_MAX_LENGTH, validateEmail } from '../../src/validation/index.js';

const FIELD = ['input', 'email'];

describe('validateEmail', () => {
  it('accepts a valid address, keeping its case and lower-casing the key', () => {
    expect(validateEmail('Alice.Smith+news@Example.COM', FIELD)).toEqual({
      ok: true,
      value: { email: 'Alice.Smith+news@Example.COM', key: 'alice.smith+news@example.com' },
    });
  });

  it('trims surrounding whitespace before storing', () => {
    const result = validateEmail(' \t alice@example.com\u00A0\n', FIELD);
    expect(result).toEqual({ ok: true, value: { email: 'alice@example.com', key: 'alice@example.com' } });
  });

  it('gives addresses differing only in case the same key', () => {
    const keys = ['alice@example.com', 'ALICE@EXAMPLE.COM', 'Alice@Example.com'].map((raw) => {
      const result = validateEmail(raw, FIELD);
      return result.ok ? result.value.key : null;
    });
    expect(new Set(keys)).toEqual(new Set(['alice@example.com']));
  });

  it.each([
    '',
    '   ',
    'alice',
    'alice@',
    '@example.com',
    'alice@example',
    'alice@@example.com',
    'al ice@example.com',
    'alice@exa mple.com',
    '.alice@example.com',
    'alice..smith@example.com',
    'alice@example..com',
    'alice@-example.com',
    'alice@example.c',
    'alice\n@example.com',
    '"alice"@example.com,bob@example.com',
  ])('rejects %j as EMAIL_INVALID', (raw) => {
    const result = validateEmail(raw, FIELD);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('EMAIL_INVALID');
      expect(result.error.field).toEqual(FIELD);
      expect(result.error.message).not.toBe('');
    }
  });

  it('accepts exactly 254 characters and rejects 255', () => {
    expect(EMAIL_MAX_LENGTH).toBe(254);
    const domain = '@example.com';
    const at254 = 'a'.repeat(254 - domain.length) + domain;
    const at255 = 'a'.repeat(255 - domain.length) + domain;
    expect(validateEmail(at254, FIELD).ok).toBe(true);
    const result = validateEmail(at255, FIELD);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('EMAIL_INVALID');
      expect(result.error.message).toContain('254');
    }
  });

  it('measures the length after trimming', () => {
    const domain = '@example.com';
    const at254 = 'a'.repeat(254 - domain.length) + domain;
    expect(validateEmail(`   ${at254}   `, FIELD)).toEqual({ ok: true, value: { email: at254, key: at254 } });
  });

  it('uses the field path as given', () => {
    const result = validateEmail('nope', ['input', 'contact', 'email']);
    expect(result.ok || result.error.field).toEqual(['input', 'contact', 'email']);
  });
});
