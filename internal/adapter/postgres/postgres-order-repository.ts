import { sql, type Kysely, type Transaction } from 'kysely';
import { orderPlaced, orderStatusChanged } from '../../domain/activity/activity-event.ts';
import { isOrderStatus, type NewOrder, type Order, type OrderLine } from '../../domain/order/order.ts';
import { OrderKeyTakenError, OrderNotFoundError } from '../../domain/order/order.errors.ts';
import type { OrderFollowUps } from '../../domain/order/order-follow-ups.ts';
import type { OrderChange, OrderListQuery, OrderRepository, StalePendingOutcome, StalePendingQuery } from '../../domain/order/order-repository.ts';
import type { Context } from '../../domain/shared/context.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import { ACTIVITY_RECORDED, activityCtes } from './activity/record-activity.ts';
import type { Database } from './database.ts';
import type { OrderRow } from './orders.table.ts';
import { isForeignKeyViolation, isUniqueViolation, translatePgError } from './pg-errors.ts';
import { toSafeInteger } from './pg-int8.ts';
import { orderPlacedEvent } from '../../domain/events/integration-event.ts';
import type { PostgresEventOutbox } from './postgres-event-outbox.ts';
import { StatementParts } from './statement-parts.ts';

type Executor = Kysely<Database> | Transaction<Database>;
interface LineJson {
  product_id: string;
  quantity: number;
  unit_price: string;
}
type OrderWithLines = OrderRow & { lines: LineJson[] };

const USER_FOREIGN_KEY = 'orders_user_id_fkey';
const IDEMPOTENCY_KEY_INDEX = 'orders_user_idempotency_key_idx';

type FollowUps = OrderFollowUps<Transaction<Database>>;
type StatementFollowUps = OrderFollowUps<StatementParts>;
/** How a change's follow-ups are written: by their own statements in the change's transaction, or as parts of the statement that saves it. */
type FollowUpWriting = { readonly in: 'transaction'; readonly followUps: FollowUps | undefined } | { readonly in: 'statement'; readonly followUps: StatementFollowUps };

export interface PostgresOrderRepositoryOptions {
  /**
   * Called inside the transaction that changes an order's status, before it
   * commits: what it writes (a job, an outbox row) commits or rolls back with
   * the change. A throw rolls the change back.
   */
  readonly followUps?: FollowUps | undefined;
  /**
   * The same follow-ups written by the statement that saves the change (see
   * `StatementParts`): a paid order's job and event cost no statement of
   * their own, and a change known in advance (`updateKnown`) needs no
   * transaction at all. They are called before that statement with the
   * order as it will be saved (its version and update time still the old
   * ones); a throw saves nothing. When given, `followUps` is not used.
   */
  readonly statementFollowUps?: StatementFollowUps | undefined;
  /**
   * Writes `order.placed` in the statement that creates the order (creation is
   * one statement, not a transaction the follow-ups could join); the events of
   * later changes come through `followUps`.
   */
  readonly outbox?: PostgresEventOutbox | undefined;
}

/**
 * Orders in `orders` and `order_lines`. Changes run in a transaction holding
 * the order's row lock (`FOR NO KEY UPDATE`); recovery claims rows with
 * `FOR NO KEY UPDATE SKIP LOCKED`, one transaction per order, so replicas share
 * the stale orders without waiting on each other. Once a change has been
 * decided it is saved even if the caller's signal fires meanwhile: the
 * change may already have had effects outside (a voided authorization).
 * The lock is not `FOR UPDATE`: a change releases the order's stock on another
 * connection, and the foreign key check of that release (`FOR KEY SHARE` on the
 * order) would wait for the lock its own caller holds.
 */
export class PostgresOrderRepository implements OrderRepository {
  readonly #db: Kysely<Database>;
  readonly #followUps: FollowUpWriting;
  readonly #outbox: PostgresEventOutbox | undefined;

  constructor(db: Kysely<Database>, options: PostgresOrderRepositoryOptions = {}) {
    this.#db = db;
    this.#followUps = options.statementFollowUps ? { in: 'statement', followUps: options.statementFollowUps } : { in: 'transaction', followUps: options.followUps };
    this.#outbox = options.outbox;
  }

  async create(ctx: Context, order: NewOrder): Promise<Order> {
    const lines = order.lines.map((line, position) => ({ product_id: line.productId, position, quantity: line.quantity, unit_price: String(line.unitPrice.amountMinor) }));
    const event = orderPlaced({ ...order, status: 'pending', authorizationId: undefined, failureCode: undefined, version: 1, createdAt: new Date(0), updatedAt: new Date(0) });
    try {
      // One statement, so one round trip and atomic without a transaction: the order, its lines, and its event
      // (the user row and activity locks are taken after the order row is inserted, as in a transaction of steps).
      const { rows } = await sql<OrderRow & { line_count: number; activity_id: string | null }>`
        WITH placed AS (
          INSERT INTO orders (id, user_id, currency, total_amount, idempotency_key)
          VALUES (${order.id}, ${order.userId}, ${order.total.currency}, ${order.total.amountMinor}, ${order.idempotencyKey ?? null})
          RETURNING *
        ), placed_lines AS (
          INSERT INTO order_lines (order_id, product_id, position, quantity, unit_price)
          SELECT placed.id, l.product_id, l.position, l.quantity, l.unit_price
          FROM placed, unnest(${lines.map((line) => line.product_id)}::uuid[], ${lines.map((line) => line.position)}::int2[],
            ${lines.map((line) => line.quantity)}::int4[], ${lines.map((line) => line.unit_price)}::int8[]) AS l(product_id, position, quantity, unit_price)
          RETURNING 1
        ), ${activityCtes(event, 'placed')}${this.#outbox ? sql`, ${this.#outbox.ctes([orderPlacedEvent(order)], 'placed')}` : sql``}
        SELECT placed.*, (SELECT count(*) FROM placed_lines)::int4 AS line_count, (SELECT id FROM ${sql.ref(ACTIVITY_RECORDED)}) AS activity_id
        FROM placed`.execute(this.#db, { signal: ctx.signal });
      const row = rows[0];
      if (!row || row.line_count !== lines.length || row.activity_id === null) throw new Error(`order ${order.id} was not stored whole`);
      const { line_count: _lineCount, activity_id: _activityId, ...orderRow } = row;
      return toDomain({ ...orderRow, lines: lines.map(({ product_id, quantity, unit_price }) => ({ product_id, quantity, unit_price })) });
    } catch (error) {
      if (isForeignKeyViolation(error, USER_FOREIGN_KEY)) throw new UserNotFoundError(order.userId);
      if (isUniqueViolation(error, IDEMPOTENCY_KEY_INDEX)) throw new OrderKeyTakenError(order.idempotencyKey ?? '');
      throw translatePgError(error);
    }
  }

  async findById(ctx: Context, id: string): Promise<Order | undefined> {
    try {
      const row = await selectOrders(this.#db).where('orders.id', '=', id).executeTakeFirst({ signal: ctx.signal });
      return row && toDomain(row);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async findByIdempotencyKey(ctx: Context, userId: string, key: string): Promise<Order | undefined> {
    try {
      const row = await selectOrders(this.#db)
        .where('orders.user_id', '=', userId)
        .where('orders.idempotency_key', '=', key)
        .orderBy('orders.id', 'desc')
        .limit(1)
        .executeTakeFirst({ signal: ctx.signal });
      return row && toDomain(row);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async listForUser(ctx: Context, userId: string | undefined, query: OrderListQuery): Promise<Order[]> {
    let select = selectOrders(this.#db).orderBy('orders.id', 'desc').limit(query.limit);
    if (userId !== undefined) select = select.where('orders.user_id', '=', userId);
    if (query.beforeId !== undefined) select = select.where('orders.id', '<', query.beforeId);
    if (query.status !== undefined) select = select.where('orders.status', '=', query.status);
    try {
      const rows = await select.execute({ signal: ctx.signal });
      return rows.map(toDomain);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async update(ctx: Context, id: string, change: OrderChange): Promise<Order> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        // Locked and read with its lines in one statement (the lock is on the orders row only).
        const locked = await selectOrders(trx).where('orders.id', '=', id).forNoKeyUpdate().executeTakeFirst({ signal: ctx.signal });
        if (!locked) throw new OrderNotFoundError(id);
        return await apply(trx, locked, change, this.#followUps);
      });
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async updateKnown(ctx: Context, known: Order, change: OrderChange): Promise<Order> {
    let next: Order;
    try {
      next = await change(known);
    } catch {
      // Maybe only for `known`: what is stored decides.
      return this.update(ctx, known.id, change);
    }
    if (next === known) return this.update(ctx, known.id, change);
    const writing = this.#followUps;
    try {
      // No read and no lock first: the update waits for any holder of the row and saves only if the version is still known's.
      // With the follow-ups in the statement, that statement is the whole change (atomic on its own).
      const updated =
        writing.in === 'statement'
          ? await saveWithParts(this.#db, known, next, known.lines.map(lineToJson), writing.followUps)
          : await this.#db.transaction().execute(async (trx) => {
              const saved = await save(trx, known, next);
              return saved && (await afterSave(trx, known, { ...saved, lines: known.lines.map(lineToJson) }, writing.followUps));
            });
      return updated ?? (await this.update(ctx, known.id, change));
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async resolveStalePending(ctx: Context, query: StalePendingQuery, resolve: OrderChange): Promise<StalePendingOutcome[]> {
    const outcomes: StalePendingOutcome[] = [];
    let afterId: string | undefined;
    while (outcomes.length < query.limit) {
      ctx.signal.throwIfAborted();
      let claimed: string | undefined;
      try {
        const resolved = await this.#db.transaction().execute(async (trx) => {
          let select = selectOrders(trx)
            .where('orders.status', '=', 'pending')
            .where('orders.created_at', '<', sql<Date>`now() - make_interval(secs => ${query.olderThanMs / 1000})`)
            .orderBy('orders.id')
            .limit(1)
            .forNoKeyUpdate()
            .skipLocked();
          // Past the orders this run already tried, so one that failed is not taken again at once.
          if (afterId !== undefined) select = select.where('orders.id', '>', afterId);
          const row = await select.executeTakeFirst({ signal: ctx.signal });
          if (!row) return undefined;
          claimed = row.id;
          return await apply(trx, row, resolve, this.#followUps);
        });
        if (!resolved) break;
        outcomes.push({ orderId: resolved.id, order: resolved });
        afterId = resolved.id;
      } catch (error) {
        if (claimed === undefined) throw translatePgError(error);
        outcomes.push({ orderId: claimed, error: translatePgError(error) });
        afterId = claimed;
      }
    }
    return outcomes;
  }
}

async function apply(trx: Transaction<Database>, locked: OrderWithLines, change: OrderChange, writing: FollowUpWriting): Promise<Order> {
  const current = toDomain(locked);
  const next = await change(current);
  if (next === current) return current;
  if (writing.in === 'statement') {
    const updated = await saveWithParts(trx, current, next, locked.lines, writing.followUps);
    if (!updated) throw new Error(`order ${current.id} moved on while it was locked`);
    return updated;
  }
  const followUps = writing.followUps;
  const saved = await save(trx, current, next);
  if (!saved) throw new Error(`order ${current.id} moved on while it was locked`);
  return afterSave(trx, current, { ...saved, lines: locked.lines }, followUps);
}

async function afterSave(trx: Transaction<Database>, current: Order, saved: OrderWithLines, followUps: FollowUps | undefined): Promise<Order> {
  const updated = toDomain(saved);
  if (followUps && updated.status !== current.status) await followUps.orderChanged(trx, current, updated);
  return updated;
}

// The change, its event and its follow-ups in one statement; undefined when the order is no longer at `current`'s version (nothing written).
async function saveWithParts(db: Executor, current: Order, next: Order, lines: LineJson[], followUps: StatementFollowUps): Promise<Order | undefined> {
  const parts = new StatementParts();
  if (next.status !== current.status) await followUps.orderChanged(parts, current, next);
  const saved = await save(db, current, next, parts);
  return saved && toDomain({ ...saved, lines });
}

// The change and its event in one statement (one round trip), if the order is still at `current`'s version; undefined when not.
// `parts` join that statement, written only when the change is.
async function save(trx: Executor, current: Order, next: Order, parts?: StatementParts): Promise<OrderRow | undefined> {
  const event = orderStatusChanged(current, next);
  const { rows } = await sql<OrderRow & { activity_id?: string | null }>`
    WITH saved AS (
      UPDATE orders
      SET status = ${next.status}, authorization_id = ${next.authorizationId ?? null}, failure_code = ${next.failureCode ?? null},
        version = ${current.version + 1}, updated_at = now()
      WHERE id = ${current.id} AND version = ${current.version}
      RETURNING *
    )${event ? sql`, ${activityCtes(event, 'saved')}` : sql``}${parts && parts.size > 0 ? parts.ctes('saved') : sql``}
    SELECT saved.*${event ? sql`, (SELECT id FROM ${sql.ref(ACTIVITY_RECORDED)}) AS activity_id` : sql``} FROM saved`.execute(trx);
  const row = rows[0];
  if (!row) return undefined;
  if (event && row.activity_id === null) throw new Error(`the event of order ${current.id} was not recorded: its user does not exist`);
  const { activity_id: _activityId, ...saved } = row;
  return saved;
}

function lineToJson(line: OrderLine): LineJson {
  return { product_id: line.productId, quantity: line.quantity, unit_price: String(line.unitPrice.amountMinor) };
}

// Lines in the same statement (a correlated aggregate), never one query per order.
const LINES = sql<LineJson[]>`coalesce((
  SELECT json_agg(json_build_object('product_id', l.product_id, 'quantity', l.quantity, 'unit_price', l.unit_price::text) ORDER BY l.position)
  FROM order_lines l WHERE l.order_id = orders.id), '[]'::json)`;

function selectOrders(db: Executor) {
  return db.selectFrom('orders').selectAll('orders').select(LINES.as('lines'));
}

function toDomain(row: OrderWithLines): Order {
  if (!isOrderStatus(row.status)) throw new Error(`orders.status holds ${row.status}, which is not an order status`);
  const currency = row.currency;
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status,
    lines: row.lines.map((line) => ({
      productId: line.product_id,
      quantity: line.quantity,
      unitPrice: { amountMinor: toSafeInteger(line.unit_price, 'order_lines.unit_price'), currency },
    })),
    total: { amountMinor: toSafeInteger(row.total_amount, 'orders.total_amount'), currency },
    authorizationId: row.authorization_id ?? undefined,
    failureCode: row.failure_code ?? undefined,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
