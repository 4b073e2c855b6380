import { Router } from 'express';
import type { GetCurrentUser } from '../../../app/auth/get-current-user.use-case.ts';
import type { Login } from '../../../app/auth/login.use-case.ts';
import type { Logout } from '../../../app/auth/logout.use-case.ts';
import type { Register } from '../../../app/auth/register.use-case.ts';
import type { components } from '../api-schema.d.ts';
import { etagOf } from '../etag.ts';
import { toUserDto } from '../users/user.dto.ts';

type RegisterRequest = components['schemas']['RegisterRequest'];
type LoginRequest = components['schemas']['LoginRequest'];
type LoginResponse = components['schemas']['LoginResponse'];

export interface AuthUseCases {
  readonly register: Register;
  readonly login: Login;
  readonly logout: Logout;
  readonly getCurrentUser: GetCurrentUser;
}

export function authRouter(useCases: AuthUseCases): Router {
  const router = Router();

  router.post('/register', async (req, res) => {
    const body = req.body as RegisterRequest;
    const user = await useCases.register.execute(req.ctx, { name: body.name, email: body.email, password: body.password });
    res.status(201).location(`/v1/users/${user.id}`).json(toUserDto(user));
  });

  router.post('/login', async (req, res) => {
    const body = req.body as LoginRequest;
    const session = await useCases.login.execute(req.ctx, { email: body.email, password: body.password });
    const response: LoginResponse = {
      token: session.token,
      token_type: 'Bearer',
      expires_at: session.expiresAt.toISOString(),
      user: toUserDto(session.user),
    };
    // A token must not end up in a shared cache.
    res.set('Cache-Control', 'no-store').json(response);
  });

  router.post('/logout', async (req, res) => {
    await useCases.logout.execute(req.ctx);
    res.status(204).end();
  });

  router.get('/me', async (req, res) => {
    const user = await useCases.getCurrentUser.execute(req.ctx);
    res.set('ETag', etagOf(user.version)).json(toUserDto(user));
  });

  return router;
}
