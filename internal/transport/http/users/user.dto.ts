import type { User } from '../../../domain/user/user.ts';
import type { components } from '../api-schema.d.ts';

export type UserDto = components['schemas']['User'];
export type CreateUserRequest = components['schemas']['CreateUserRequest'];
export type UpdateUserRequest = components['schemas']['UpdateUserRequest'];
export type UserPageDto = components['schemas']['UserPage'];

/** Copies only the fields the contract exposes. */
export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    roles: [...user.roles],
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}
