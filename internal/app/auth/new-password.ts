import { ValidationError } from '../../domain/shared/domain-error.ts';
import { checkNewPassword } from '../../domain/identity/password.ts';

/**
 * The registration rules for a password set later (changed or reset), its
 * issues named after the field that carries it. @throws ValidationError
 */
export function acceptNewPassword(raw: string, email: string, field: string): string {
  try {
    return checkNewPassword(raw, email);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(error.message, error.issues.map((issue) => ({ ...issue, field })));
  }
}
