import { ValidationError, type FieldIssue } from '../shared/domain-error.ts';

export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const NAME_MAX_LENGTH = 200;
export const EMAIL_MAX_LENGTH = 254;

/** A person who can hold orders; `version` drives optimistic concurrency. */
export interface User {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type NewUser = Pick<User, 'id' | 'name' | 'email' | 'roles'>;

export interface UserChanges {
  readonly name?: string | undefined;
  readonly email?: string | undefined;
  readonly roles?: readonly string[] | undefined;
}

// Deliberately permissive (RFC 5322 is not a regex); the mailbox is the proof.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export function newUser(id: string, input: { name: string; email: string; roles?: readonly string[] | undefined }): NewUser {
  const issues: FieldIssue[] = [];
  const name = checkName(input.name, issues);
  const email = checkEmail(input.email, issues);
  const roles = checkRoles(input.roles ?? ['customer'], issues);
  throwIfAny(issues);
  return { id, name, email, roles };
}

/** Applies a partial change; returns the same user when nothing changes. */
export function changeUser(user: User, changes: UserChanges): User {
  const issues: FieldIssue[] = [];
  const name = changes.name === undefined ? user.name : checkName(changes.name, issues);
  const email = changes.email === undefined ? user.email : checkEmail(changes.email, issues);
  const roles = changes.roles === undefined ? user.roles : checkRoles(changes.roles, issues);
  throwIfAny(issues);
  if (name === user.name && email === user.email && sameRoles(roles, user.roles)) return user;
  return { ...user, name, email, roles };
}

export function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}

/** Two emails name one mailbox when they differ only in letter case. */
export function sameEmail(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function checkName(raw: string, issues: FieldIssue[]): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > NAME_MAX_LENGTH) {
    issues.push({ field: 'name', message: `must be 1 to ${NAME_MAX_LENGTH} characters, not only spaces` });
  } else if (CONTROL_CHARS.test(name)) {
    issues.push({ field: 'name', message: 'must not contain control characters' });
  }
  return name;
}

function checkEmail(raw: string, issues: FieldIssue[]): string {
  const email = raw.trim();
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_SHAPE.test(email)) {
    issues.push({ field: 'email', message: 'must be an email address of at most 254 characters' });
  }
  return email;
}

function checkRoles(raw: readonly string[], issues: FieldIssue[]): Role[] {
  const roles = [...new Set(raw)];
  if (roles.length === 0 || roles.length !== raw.length || !roles.every(isRole)) {
    issues.push({ field: 'roles', message: `must be a non-empty list of distinct roles from: ${ROLES.join(', ')}` });
    return [];
  }
  return [...roles].sort();
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

function throwIfAny(issues: FieldIssue[]): void {
  if (issues.length > 0) throw new ValidationError('the user is not valid', issues);
}
