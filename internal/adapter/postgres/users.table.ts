import type { ColumnType, Selectable } from 'kysely';

export interface UsersTable {
  id: string;
  name: string;
  email: string;
  /** Argon2id PHC string; NULL until a password is set. Never leaves the credentials adapter. */
  password_hash: ColumnType<string | null, string | null | undefined, string | null>;
  version: ColumnType<number, number | undefined, number>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface UserRolesTable {
  user_id: string;
  role: string;
}

export type UserRow = Selectable<UsersTable>;
