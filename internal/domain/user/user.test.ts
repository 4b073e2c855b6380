import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/domain-error.ts';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, changeUser, newUser, sameEmail, type User } from './user.ts';

const ID = '01890a5d-ac96-774b-bcce-b302099a8057';

function issuesOf(run: () => unknown): readonly { field: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

function pointersOf(run: () => unknown): string[] {
  return issuesOf(run).map((issue) => issue.field);
}

const ada: User = {
  id: ID,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  roles: ['customer'],
  version: 3,
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-02T00:00:00Z'),
};

describe('newUser', () => {
  it('when no roles are given, then the user is a customer', () => {
    const user = newUser(ID, { name: 'Ada', email: 'ada@example.com' });

    expect(user).toEqual({ id: ID, name: 'Ada', email: 'ada@example.com', roles: ['customer'] });
  });

  it('when name and email have surrounding spaces, then they are trimmed', () => {
    const user = newUser(ID, { name: '  Ada Lovelace \t', email: ' ada@example.com  ' });

    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it('when roles are given in any order, then they are kept sorted', () => {
    const user = newUser(ID, { name: 'Ada', email: 'ada@example.com', roles: ['customer', 'admin'] });

    expect(user.roles).toEqual(['admin', 'customer']);
  });

  it.each([
    ['a name of the maximum length', 'x'.repeat(NAME_MAX_LENGTH)],
    ['a name with letters outside ASCII', 'Zoë Ñandú 李'],
  ])('when given %s, then the user is valid', (_, name) => {
    const user = newUser(ID, { name, email: 'ada@example.com' });

    expect(user.name).toBe(name);
  });

  it.each([
    ['an empty name', ''],
    ['a name of only spaces', '   '],
    ['a name one character too long', 'x'.repeat(NAME_MAX_LENGTH + 1)],
    ['a name with a NUL character', 'Ada\u0000Lovelace'],
    ['a name with a line break inside', 'Ada\nLovelace'],
    ['a name with DEL', 'Ada\u007f'],
  ])('when given %s, then the name is rejected', (_, name) => {
    const pointers = pointersOf(() => newUser(ID, { name, email: 'ada@example.com' }));

    expect(pointers).toEqual(['name']);
  });

  it.each([
    ['no @', 'ada.example.com'],
    ['no domain dot', 'ada@example'],
    ['a space inside', 'ada lovelace@example.com'],
    ['two @', 'ada@@example.com'],
    ['an empty string', ''],
    ['one character more than allowed', `${'a'.repeat(EMAIL_MAX_LENGTH - '@example.com'.length + 1)}@example.com`],
  ])('when the email has %s, then the email is rejected', (_, email) => {
    const pointers = pointersOf(() => newUser(ID, { name: 'Ada', email }));

    expect(pointers).toEqual(['email']);
  });

  it.each([
    ['empty', []],
    ['with a duplicate', ['customer', 'customer']],
    ['with an unknown role', ['customer', 'superuser']],
  ])('when the roles are %s, then the roles are rejected', (_, roles) => {
    const pointers = pointersOf(() => newUser(ID, { name: 'Ada', email: 'ada@example.com', roles }));

    expect(pointers).toEqual(['roles']);
  });

  it('when several fields are wrong, then one ValidationError names each of them', () => {
    const run = () => newUser(ID, { name: ' ', email: 'nope', roles: ['root'] });

    expect(run).toThrow(ValidationError);
    expect(pointersOf(run)).toEqual(['name', 'email', 'roles']);
  });
});

describe('changeUser', () => {
  it.each([
    ['no changes', {}],
    ['the same values', { name: 'Ada Lovelace', email: 'ada@example.com', roles: ['customer'] }],
    ['the same name with surrounding spaces', { name: ' Ada Lovelace ' }],
  ])('when given %s, then the very same user is returned', (_, changes) => {
    const changed = changeUser(ada, changes);

    expect(changed).toBe(ada);
  });

  it('when the same roles come in another order, then the very same user is returned', () => {
    const admin: User = { ...ada, roles: ['admin', 'customer'] };

    const changed = changeUser(admin, { roles: ['customer', 'admin'] });

    expect(changed).toBe(admin);
  });

  it('when fields change, then a new user carries them and the original is untouched', () => {
    const changed = changeUser(ada, { name: 'Ada King', email: 'Countess@Example.com', roles: ['customer', 'admin'] });

    expect(changed).toEqual({ ...ada, name: 'Ada King', email: 'Countess@Example.com', roles: ['admin', 'customer'] });
    expect(ada).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', roles: ['customer'] });
  });

  it('when only the letter case of the email changes, then that is a change', () => {
    const changed = changeUser(ada, { email: 'Ada@Example.com' });

    expect(changed).not.toBe(ada);
    expect(changed.email).toBe('Ada@Example.com');
  });

  it('when a change is invalid, then it names the fields at fault', () => {
    const pointers = pointersOf(() => changeUser(ada, { name: '', roles: [] }));

    expect(pointers).toEqual(['name', 'roles']);
  });
});

describe('sameEmail', () => {
  it.each([
    ['ada@example.com', 'ada@example.com', true],
    ['Ada@Example.COM', 'ada@example.com', true],
    ['ada@example.com', 'ada@example.org', false],
    ['ada@example.com', 'adaa@example.com', false],
  ])('when comparing %s with %s, then the result is %s', (a, b, expected) => {
    expect(sameEmail(a, b)).toBe(expected);
  });
});
