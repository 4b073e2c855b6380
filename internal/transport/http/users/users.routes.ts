import { Router } from 'express';
import type { IssuePasswordReset } from '../../../app/auth/issue-password-reset.use-case.ts';
import type { CreateUser } from '../../../app/users/create-user.use-case.ts';
import type { DeleteUser } from '../../../app/users/delete-user.use-case.ts';
import type { GetUser } from '../../../app/users/get-user.use-case.ts';
import type { ListUsers } from '../../../app/users/list-users.use-case.ts';
import type { UpdateUser } from '../../../app/users/update-user.use-case.ts';
import { etagOf, parseIfMatch } from '../etag.ts';
import { setServedHeaders } from '../served-headers.ts';
import { toUserDto, type CreateUserRequest, type UpdateUserRequest, type UserPageDto } from './user.dto.ts';

export interface UserUseCases {
  readonly createUser: CreateUser;
  readonly getUser: GetUser;
  readonly listUsers: ListUsers;
  readonly updateUser: UpdateUser;
  readonly deleteUser: DeleteUser;
  readonly issuePasswordReset: IssuePasswordReset;
}

// Requests reach these handlers only after validation against the contract,
// so bodies, ids and query parameters already have their documented shape.
export function usersRouter(useCases: UserUseCases): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = req.body as CreateUserRequest;
    const user = await useCases.createUser.execute(req.ctx, { name: body.name, email: body.email, roles: body.roles });
    res.status(201).location(`/v1/users/${user.id}`).set('ETag', etagOf(user.version)).json(toUserDto(user));
  });

  router.get('/', async (req, res) => {
    const limit = Number(req.query.limit ?? 50);
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    const page = await useCases.listUsers.execute(req.ctx, { limit, cursor });
    const body: UserPageDto = { items: page.items.map(toUserDto), next_cursor: page.nextCursor };
    res.json(body);
  });

  router.post('/:id/password-reset', async (req, res) => {
    const issued = await useCases.issuePasswordReset.execute(req.ctx, req.params.id);
    // Shown once: no cache may keep it.
    res.status(201).set('Cache-Control', 'no-store').json({ token: issued.token, expires_at: issued.expiresAt.toISOString() });
  });

  router.get('/:id', async (req, res) => {
    const served = await useCases.getUser.execute(req.ctx, req.params.id);
    setServedHeaders(res, served);
    res.set('ETag', etagOf(served.value.version)).json(toUserDto(served.value));
  });

  router.patch('/:id', async (req, res) => {
    const body = req.body as UpdateUserRequest;
    const user = await useCases.updateUser.execute(req.ctx, {
      id: req.params.id,
      expected: parseIfMatch(req.header('if-match')),
      changes: { name: body.name, email: body.email, roles: body.roles },
    });
    res.set('ETag', etagOf(user.version)).json(toUserDto(user));
  });

  router.delete('/:id', async (req, res) => {
    await useCases.deleteUser.execute(req.ctx, { id: req.params.id, expected: parseIfMatch(req.header('if-match')) });
    res.status(204).end();
  });

  return router;
}
