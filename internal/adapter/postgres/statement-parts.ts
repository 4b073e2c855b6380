import { sql, type RawBuilder } from 'kysely';

/**
 * A write that joins the statement saving a change, as one common table
 * expression named `name`, which runs only when the CTE `after` yields a row
 * (the change was saved). It must be a data-modifying CTE: PostgreSQL runs
 * those to completion whether or not the statement reads them.
 */
export type StatementPart = (name: string, after: string) => RawBuilder<unknown>;

/**
 * The writes a change calls for beyond the change itself (an outbox event, a
 * job), collected before the change is saved and then written by the very
 * statement that saves it: one round trip, and atomic without a transaction
 * (a single statement commits whole or not at all). This is the `Tx` the
 * order repository hands its follow-ups when it saves in one statement.
 */
export class StatementParts {
  readonly #parts: StatementPart[] = [];

  add(part: StatementPart): void {
    this.#parts.push(part);
  }

  get size(): number {
    return this.#parts.length;
  }

  /** The parts as CTEs (`<prefix>0`, `<prefix>1`, …) gated on `after`, each preceded by a comma, to follow the CTEs of the change. */
  ctes(after: string, prefix = 'follow_up_'): RawBuilder<unknown> {
    return sql.join(
      this.#parts.map((part, i) => sql`, ${part(`${prefix}${i}`, after)}`),
      sql``,
    );
  }
}
