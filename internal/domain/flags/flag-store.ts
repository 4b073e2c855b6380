import type { Context } from '../shared/context.ts';
import type { ExpectedVersion } from '../shared/version.ts';
import type { Flag, FlagSetting } from './flag.ts';

/** A stored setting of a flag (a flag without one follows its default). */
export interface StoredFlag extends FlagSetting {
  readonly key: string;
  readonly version: number;
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

export interface FlagChange {
  readonly key: string;
  readonly setting: FlagSetting;
  /** Checked against the stored version; a flag never set is at version 0. */
  readonly expected: ExpectedVersion;
  readonly changedBy: string;
}

/** The flag settings admins made, with their history. */
export interface FlagStore {
  list(ctx: Context): Promise<StoredFlag[]>;
  /**
   * Stores the setting, records the change (who, when) and tells every
   * replica, in one transaction.
   * @throws StaleVersionError when the stored version is not the expected one
   */
  put(ctx: Context, change: FlagChange): Promise<StoredFlag>;
}

/** The flags as they apply in this process now (defaults with the stored settings over them). */
export interface FlagRegistry {
  all(): Flag[];
  get(key: string): Flag | undefined;
  /** Takes a setting just stored here, before the change notification comes back. */
  apply(stored: StoredFlag): void;
}
