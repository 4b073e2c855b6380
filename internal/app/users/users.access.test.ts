import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { asAdmin, asCustomer, testContext } from '../../../test/support/test-context.ts';
import { InMemorySessionStore } from '../../../test/doubles/in-memory-session-store.ts';
import { InMemoryUserRepository } from '../../../test/doubles/in-memory-user-repository.ts';
import { AuthenticationRequiredError, ForbiddenError } from '../../domain/identity/identity.errors.ts';
import { sessionLifetime, startSession } from '../../domain/identity/session.ts';
import { issueSessionToken } from '../../domain/identity/session-token.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { User } from '../../domain/user/user.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import { CreateUser } from './create-user.use-case.ts';
import { DeleteUser } from './delete-user.use-case.ts';
import { GetUser } from './get-user.use-case.ts';
import { ListUsers } from './list-users.use-case.ts';
import { UpdateUser } from './update-user.use-case.ts';
import { testCursorSeal } from '../../../test/support/cursor-seal.ts';

const ctx = testContext();
let users: InMemoryUserRepository;
let sessions: InMemorySessionStore;
/** The customer whose data the calls are about. */
let ada: User;
/** Another customer. */
let grace: User;
let sessionIds: string[];

beforeEach(async () => {
  users = new InMemoryUserRepository();
  sessions = new InMemorySessionStore({ idleTtlMs: 60_000 });
  const createUser = new CreateUser(users, uuidv7);
  ada = await createUser.execute(asAdmin(), { name: 'Ada Lovelace', email: 'ada@example.com' });
  grace = await createUser.execute(asAdmin(), { name: 'Grace Hopper', email: 'grace@example.com' });
  sessionIds = [];
  for (const user of [ada, grace]) {
    const session = startSession(sessionLifetime(60_000, 600_000), new Date(), { id: issueSessionToken().sessionId, userId: user.id, roles: user.roles });
    await sessions.create(ctx, session);
    sessionIds.push(session.id);
  }
});

const stored = () => users.list(ctx, { limit: 100 });

/** What a client would see of an error, with the id it was about blanked out. */
const answer = (error: unknown, id: string) => {
  const { code, kind, message } = error as UserNotFoundError;
  return { code, kind, message: message.replace(id, '<id>') };
};

type Caller = 'anonymous' | 'customer self' | 'other customer' | 'admin';

const callers: Record<Caller, () => Context> = {
  anonymous: () => testContext(),
  'customer self': () => asCustomer(ada.id),
  'other customer': () => asCustomer(grace.id),
  admin: () => asAdmin(),
};

const DENIALS = { AuthenticationRequiredError, ForbiddenError, UserNotFoundError };
type Outcome = 'allowed' | keyof typeof DENIALS;

interface UseCaseCall {
  /** Every call is about Ada (CreateUser, ListUsers: about nobody in particular). */
  readonly run: (caller: Context) => Promise<unknown>;
  /** Whether an allowed call changes the stored users. */
  readonly writes: boolean;
  readonly outcomes: Record<Caller, Outcome>;
}

const useCases: Record<string, UseCaseCall> = {
  CreateUser: {
    run: (caller) => new CreateUser(users, uuidv7).execute(caller, { name: 'Someone New', email: 'new@example.com' }),
    writes: true,
    outcomes: { anonymous: 'AuthenticationRequiredError', 'customer self': 'ForbiddenError', 'other customer': 'ForbiddenError', admin: 'allowed' },
  },
  ListUsers: {
    run: (caller) => new ListUsers(users, testCursorSeal()).execute(caller, { limit: 10 }),
    writes: false,
    outcomes: { anonymous: 'AuthenticationRequiredError', 'customer self': 'ForbiddenError', 'other customer': 'ForbiddenError', admin: 'allowed' },
  },
  GetUser: {
    run: (caller) => new GetUser(users).execute(caller, ada.id),
    writes: false,
    outcomes: { anonymous: 'AuthenticationRequiredError', 'customer self': 'allowed', 'other customer': 'UserNotFoundError', admin: 'allowed' },
  },
  'UpdateUser (name)': {
    run: (caller) => new UpdateUser(users, sessions).execute(caller, { id: ada.id, expected: { kind: 'any' }, changes: { name: 'Ada King' } }),
    writes: true,
    outcomes: { anonymous: 'AuthenticationRequiredError', 'customer self': 'allowed', 'other customer': 'UserNotFoundError', admin: 'allowed' },
  },
  'UpdateUser (roles)': {
    run: (caller) => new UpdateUser(users, sessions).execute(caller, { id: ada.id, expected: { kind: 'any' }, changes: { roles: ['admin', 'customer'] } }),
    writes: true,
    outcomes: { anonymous: 'AuthenticationRequiredError', 'customer self': 'ForbiddenError', 'other customer': 'UserNotFoundError', admin: 'allowed' },
  },
  DeleteUser: {
    run: (caller) => new DeleteUser(users, sessions).execute(caller, { id: ada.id }),
    writes: true,
    outcomes: { anonymous: 'AuthenticationRequiredError', 'customer self': 'ForbiddenError', 'other customer': 'ForbiddenError', admin: 'allowed' },
  },
};

const table = Object.entries(useCases).flatMap(([useCase, { outcomes }]) =>
  (Object.keys(callers) as Caller[]).map((caller) => ({ useCase, caller, outcome: outcomes[caller] })),
);

describe('who may call the users use-cases', () => {
  it.each(table)('when $useCase is called by $caller, then: $outcome', async ({ useCase, caller, outcome }) => {
    const { run, writes } = useCases[useCase]!;
    const before = await stored();

    const calling = run(callers[caller]());

    if (outcome === 'allowed') {
      await calling;
      if (writes) expect(await stored()).not.toEqual(before);
      else expect(await stored()).toEqual(before);
      return;
    }
    await expect(calling).rejects.toBeInstanceOf(DENIALS[outcome]);
    expect(await stored()).toEqual(before);
    for (const id of sessionIds) expect(await sessions.find(ctx, id)).toBeDefined();
  });

  it.each([
    ['anonymous', 'AuthenticationRequiredError'],
    ['customer self', 'ForbiddenError'],
    ['other customer', 'UserNotFoundError'],
  ] as const)('when %s sends new roles without a version, then %s comes before the version precondition and nothing changes', async (caller, outcome) => {
    const before = await stored();

    const updating = new UpdateUser(users, sessions).execute(callers[caller](), { id: ada.id, expected: undefined, changes: { roles: ['admin', 'customer'] } });

    await expect(updating).rejects.toBeInstanceOf(DENIALS[outcome]);
    expect(await stored()).toEqual(before);
  });

  it.each([
    ['GetUser', (caller: Context, id: string) => new GetUser(users).execute(caller, id)],
    ['UpdateUser', (caller: Context, id: string) => new UpdateUser(users, sessions).execute(caller, { id, expected: { kind: 'any' }, changes: { name: 'X' } })],
  ] as const)('when a customer calls %s with another user\'s id, then the error is the one a missing id gets', async (_, call) => {
    const missingId = uuidv7();

    const forOther = await call(asCustomer(ada.id), grace.id).catch((error: unknown) => error);
    const forMissing = await call(asCustomer(ada.id), missingId).catch((error: unknown) => error);

    expect(forOther).toBeInstanceOf(UserNotFoundError);
    expect(forMissing).toBeInstanceOf(UserNotFoundError);
    expect(answer(forOther, grace.id)).toEqual(answer(forMissing, missingId));
  });

  it('when a customer changes their own name, then it is saved and their sessions stay', async () => {
    const updated = await new UpdateUser(users, sessions).execute(asCustomer(ada.id), { id: ada.id, expected: { kind: 'one_of', versions: [1] }, changes: { name: 'Ada King' } });

    expect(updated).toMatchObject({ id: ada.id, name: 'Ada King', roles: ['customer'], version: 2 });
    for (const id of sessionIds) expect(await sessions.find(ctx, id)).toBeDefined();
  });
});
