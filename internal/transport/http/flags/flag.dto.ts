import type { Flag } from '../../../domain/flags/flag.ts';
import type { components } from '../api-schema.d.ts';

export type FlagDto = components['schemas']['Flag'];
export type FlagListDto = components['schemas']['FlagList'];
export type SetFlagRequest = components['schemas']['SetFlagRequest'];

export function toFlagDto(flag: Flag): FlagDto {
  return {
    key: flag.key,
    description: flag.description,
    enabled: flag.enabled,
    rollout_percent: flag.rolloutPercent ?? null,
    version: flag.version,
    updated_by: flag.updatedBy ?? null,
    updated_at: flag.updatedAt?.toISOString() ?? null,
  };
}
