import { v7 as uuidv7 } from 'uuid';
import { CreateAdmin } from '../../internal/app/auth/create-admin.use-case.ts';
import type { CredentialsRepository } from '../../internal/domain/identity/credentials-repository.ts';
import type { PasswordHasher } from '../../internal/domain/identity/password-hasher.ts';
import type { SessionStore } from '../../internal/domain/identity/session-store.ts';
import type { UserRepository } from '../../internal/domain/user/user-repository.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';

interface Ports {
  readonly users: UserRepository;
  readonly credentials: CredentialsRepository;
  readonly hasher: PasswordHasher;
  readonly sessions: SessionStore;
}

/** Makes sure the configured first admin exists (safe on every start and on every replica). */
export async function bootstrapAdmin(config: AppConfig, logger: Logger, ports: Ports): Promise<void> {
  const { bootstrapAdminEmail: email, bootstrapAdminPassword: password } = config.auth;
  if (email === '' && password === '') return;
  if (email === '' || password === '') throw new Error('ADMIN_BOOTSTRAP_EMAIL and ADMIN_BOOTSTRAP_PASSWORD go together');
  const createAdmin = new CreateAdmin(ports.users, ports.credentials, ports.hasher, ports.sessions, uuidv7);
  const ctx = { traceId: 'bootstrap-admin', signal: AbortSignal.timeout(30_000), log: logger };
  const { user, outcome } = await createAdmin.execute(ctx, { email, password, name: 'Admin' });
  logger.info({ userId: user.id, outcome }, 'bootstrap admin ensured');
}
