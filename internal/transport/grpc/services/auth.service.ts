import type { GetCurrentUser } from '../../../app/auth/get-current-user.use-case.ts';
import type { Login } from '../../../app/auth/login.use-case.ts';
import type { Logout } from '../../../app/auth/logout.use-case.ts';
import type { Register } from '../../../app/auth/register.use-case.ts';
import type { RpcContextExt } from '../call-context.ts';
import type { AuthServiceImplementation } from '../generated/ordersvc/v1/auth.ts';
import { toUser } from '../messages.ts';
import { RequestChecks } from '../request-checks.ts';

export interface AuthUseCases {
  readonly register: Register;
  readonly login: Login;
  readonly logout: Logout;
  readonly getCurrentUser: GetCurrentUser;
}

const TEXT_MAX = 1000;
// As the REST contract's Password schema: 12 to 128 characters.
const PASSWORD_MIN = 12;
const PASSWORD_MAX = 128;

export function authService(useCases: AuthUseCases): AuthServiceImplementation<RpcContextExt> {
  return {
    async register(request, { ctx }) {
      const checks = new RequestChecks();
      const name = checks.text('name', request.name, TEXT_MAX);
      const email = checks.text('email', request.email, TEXT_MAX);
      const password = request.password;
      if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) checks.fail('password', `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
      checks.done();
      return { user: toUser(await useCases.register.execute(ctx, { name, email, password })) };
    },

    async login(request, { ctx }) {
      const checks = new RequestChecks();
      const email = checks.text('email', request.email, TEXT_MAX);
      const password = checks.text('password', request.password, PASSWORD_MAX);
      checks.done();
      const session = await useCases.login.execute(ctx, { email, password });
      return { token: session.token, tokenType: 'Bearer', expireTime: session.expiresAt, user: toUser(session.user) };
    },

    async logout(_request, { ctx }) {
      await useCases.logout.execute(ctx);
      return {};
    },

    async getCurrentUser(_request, { ctx }) {
      return { user: toUser(await useCases.getCurrentUser.execute(ctx)) };
    },
  };
}
