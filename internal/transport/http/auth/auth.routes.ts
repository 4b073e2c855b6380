import { Router } from 'express';
import type { ChangePassword } from '../../../app/auth/change-password.use-case.ts';
import type { GetCurrentUser } from '../../../app/auth/get-current-user.use-case.ts';
import type { RedeemPasswordReset } from '../../../app/auth/redeem-password-reset.use-case.ts';
import type { LoginResult } from '../../../app/auth/login.use-case.ts';
import type { Login } from '../../../app/auth/login.use-case.ts';
import type { Logout } from '../../../app/auth/logout.use-case.ts';
import type { Register } from '../../../app/auth/register.use-case.ts';
import type { components } from '../api-schema.d.ts';
import { etagOf } from '../etag.ts';
import { toUserDto } from '../users/user.dto.ts';

type RegisterRequest = components['schemas']['RegisterRequest'];
type LoginRequest = components['schemas']['LoginRequest'];
type LoginResponse = components['schemas']['LoginResponse'];
type ChangePasswordRequest = components['schemas']['ChangePasswordRequest'];
type RedeemPasswordResetRequest = components['schemas']['RedeemPasswordResetRequest'];

export interface AuthUseCases {
  readonly register: Register;
  readonly login: Login;
  readonly logout: Logout;
  readonly getCurrentUser: GetCurrentUser;
  readonly changePassword: ChangePassword;
  readonly redeemPasswordReset: RedeemPasswordReset;
}

function toLoginResponse(session: LoginResult): LoginResponse {
  return { token: session.token, token_type: 'Bearer', expires_at: session.expiresAt.toISOString(), user: toUserDto(session.user) };
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
    // A token must not end up in a shared cache.
    res.set('Cache-Control', 'no-store').json(toLoginResponse(session));
  });

  router.post('/password', async (req, res) => {
    const body = req.body as ChangePasswordRequest;
    const session = await useCases.changePassword.execute(req.ctx, { currentPassword: body.current_password, newPassword: body.new_password });
    res.set('Cache-Control', 'no-store').json(toLoginResponse(session));
  });

  router.post('/password-reset', async (req, res) => {
    const body = req.body as RedeemPasswordResetRequest;
    await useCases.redeemPasswordReset.execute(req.ctx, { token: body.token, newPassword: body.new_password });
    res.status(204).end();
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
