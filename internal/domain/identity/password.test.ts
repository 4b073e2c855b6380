import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/domain-error.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, checkNewPassword, normalizePassword, passwordIssues } from './password.ts';

const EMAIL = 'ada@example.com';

describe('checkNewPassword', () => {
  it.each([
    ['the minimum length', 'a'.repeat(PASSWORD_MIN_LENGTH)],
    ['the maximum length', 'a'.repeat(PASSWORD_MAX_LENGTH)],
    ['spaces inside', 'correct horse battery staple'],
    ['letters outside ASCII', 'Zoë Ñandú 李白 ünïcödé'],
    ['maximum length counted in code points, not UTF-16 units', '😀'.repeat(PASSWORD_MAX_LENGTH)],
    ['the email with something added', `${EMAIL}!`],
  ])('when the password has %s, then it is accepted', (_, password) => {
    expect(checkNewPassword(password, EMAIL)).toBe(password.normalize('NFKC'));
  });

  it.each([
    ['one character too few', 'a'.repeat(PASSWORD_MIN_LENGTH - 1)],
    ['one character too many', 'a'.repeat(PASSWORD_MAX_LENGTH + 1)],
    ['nothing at all', ''],
    ['only spaces', ' '.repeat(PASSWORD_MIN_LENGTH)],
    ['only mixed whitespace', ' \t\n\u00a0\u3000'.repeat(3)],
    ['the email', EMAIL],
    ['the email in other letter case and padded', '  ADA@Example.COM '],
    ['12 code points typed but 6 once NFKC composes them', 'e\u0301'.repeat(6)],
  ])('when the password is %s, then a ValidationError points at /body/password', (_, password) => {
    const run = () => checkNewPassword(password, EMAIL);

    expect(run).toThrow(ValidationError);
    expect(passwordIssues(password, EMAIL).map((issue) => issue.field)).toEqual(['password']);
  });

  it('when the email itself is short, then a password equal to it fails on length before anything else', () => {
    expect(passwordIssues('a@b.co', 'a@b.co')).toEqual([{ field: 'password', message: expect.stringContaining('12 to 128') }]);
  });

  it('when the error is raised, then its message and issues never contain the password', () => {
    const password = 'hunter2-secret';

    const issues = passwordIssues(`${password}`.repeat(20), EMAIL);

    expect(JSON.stringify(issues)).not.toContain(password);
  });
});

describe('normalizePassword', () => {
  it('when the same password is typed composed and decomposed, then both normalise to one string', () => {
    const composed = 'café-crème-brûlée';
    const decomposed = composed.normalize('NFD');

    expect(decomposed).not.toBe(composed);
    expect(normalizePassword(decomposed)).toBe(normalizePassword(composed));
  });

  it('when full-width characters are typed, then they normalise to their ASCII forms', () => {
    expect(normalizePassword('ＰＡＳＳ１２３')).toBe('PASS123');
  });
});
