import type { CreateUser } from '../../../app/users/create-user.use-case.ts';
import type { DeleteUser } from '../../../app/users/delete-user.use-case.ts';
import type { GetUser } from '../../../app/users/get-user.use-case.ts';
import type { ListUsers } from '../../../app/users/list-users.use-case.ts';
import type { UpdateUser } from '../../../app/users/update-user.use-case.ts';
import type { RpcContextExt } from '../call-context.ts';
import type { UserServiceImplementation } from '../generated/ordersvc/v1/user.ts';
import { toUser } from '../messages.ts';
import { RequestChecks } from '../request-checks.ts';

export interface UserUseCases {
  readonly createUser: CreateUser;
  readonly getUser: GetUser;
  readonly listUsers: ListUsers;
  readonly updateUser: UpdateUser;
  readonly deleteUser: DeleteUser;
}

// Generous bounds against abuse; the domain holds the real rules (names up to 200, emails up to 254).
const TEXT_MAX = 1000;

export function userService(useCases: UserUseCases): UserServiceImplementation<RpcContextExt> {
  return {
    async getUser(request, { ctx }) {
      const checks = new RequestChecks();
      const id = checks.id('id', request.id);
      checks.done();
      // gRPC has no cache headers: how the read was served is not told.
      return { user: toUser((await useCases.getUser.execute(ctx, id)).value) };
    },

    async listUsers(request, { ctx }) {
      const checks = new RequestChecks();
      const limit = checks.pageSize('page_size', request.pageSize);
      const cursor = checks.pageToken('page_token', request.pageToken);
      checks.done();
      const page = await useCases.listUsers.execute(ctx, { limit, cursor });
      return { users: page.items.map(toUser), nextPageToken: page.nextCursor ?? '' };
    },

    async createUser(request, { ctx }) {
      const checks = new RequestChecks();
      const name = checks.text('name', request.name, TEXT_MAX);
      const email = checks.text('email', request.email, TEXT_MAX);
      checks.done();
      const user = await useCases.createUser.execute(ctx, { name, email, roles: request.roles.length > 0 ? request.roles : undefined });
      return { user: toUser(user) };
    },

    async updateUser(request, { ctx }) {
      const checks = new RequestChecks();
      const id = checks.id('id', request.id);
      const expected = checks.etag('etag', request.etag);
      if (request.name !== undefined) checks.text('name', request.name, TEXT_MAX);
      if (request.email !== undefined) checks.text('email', request.email, TEXT_MAX);
      if (!request.updateRoles && request.roles.length > 0) checks.fail('roles', 'set update_roles to replace the roles');
      checks.done();
      const user = await useCases.updateUser.execute(ctx, {
        id,
        expected,
        changes: { name: request.name, email: request.email, roles: request.updateRoles ? request.roles : undefined },
      });
      return { user: toUser(user) };
    },

    async deleteUser(request, { ctx }) {
      const checks = new RequestChecks();
      const id = checks.id('id', request.id);
      const expected = request.etag.trim() === '' ? undefined : checks.etag('etag', request.etag);
      checks.done();
      await useCases.deleteUser.execute(ctx, { id, expected });
      return {};
    },
  };
}
