import { ValidationError, type FieldIssue } from '../shared/domain-error.ts';
import { newUser, type NewUser, type Role } from '../user/user.ts';
import { normalizePassword, passwordIssues } from './password.ts';

export interface AccountInput {
  readonly name: string;
  readonly email: string;
  readonly password: string;
}

/**
 * A new user with a password, checked as a whole: one ValidationError names
 * every field at fault. The password comes back normalised, ready to hash.
 */
export function newAccount(id: string, input: AccountInput, roles: readonly Role[]): { user: NewUser; password: string } {
  const issues: FieldIssue[] = [];
  let user: NewUser | undefined;
  try {
    user = newUser(id, { name: input.name, email: input.email, roles });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.issues);
  }
  issues.push(...passwordIssues(input.password, input.email));
  if (!user || issues.length > 0) throw new ValidationError('the account is not valid', issues);
  return { user, password: normalizePassword(input.password) };
}
