import { ValidationError, type FieldIssue } from '../shared/domain-error.ts';
import { sameEmail } from '../user/user.ts';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

const FIELD = 'password';

/**
 * The form a password is hashed and compared in: NFKC, so the same password
 * typed on another keyboard or OS (composed or decomposed accents, full-width
 * digits) still matches.
 */
export function normalizePassword(raw: string): string {
  return raw.normalize('NFKC');
}

/** Characters as a person counts them (code points), not UTF-16 units. */
export function passwordLength(normalized: string): number {
  let length = 0;
  for (const _ of normalized) length += 1;
  return length;
}

/** What is wrong with a new password for the account `email`; empty when it is acceptable. */
export function passwordIssues(raw: string, email: string): FieldIssue[] {
  const password = normalizePassword(raw);
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    return [{ field: FIELD, message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` }];
  }
  if (password.trim().length === 0) return [{ field: FIELD, message: 'must not be only whitespace' }];
  if (sameEmail(password.trim(), email.trim())) return [{ field: FIELD, message: 'must not be the email address' }];
  return [];
}

/**
 * Checks a password being set (never one being tried at login) and returns
 * it normalised, ready to hash.
 * @throws ValidationError naming the field `password`
 */
export function checkNewPassword(raw: string, email: string): string {
  const issues = passwordIssues(raw, email);
  if (issues.length > 0) throw new ValidationError('the password is not acceptable', issues);
  return normalizePassword(raw);
}
