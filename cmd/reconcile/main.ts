import { randomBytes } from 'node:crypto';
import { PostgresOrderRepository } from '../../internal/adapter/postgres/postgres-order-repository.ts';
import { ReconcileOrders, RECONCILE_PAGE_MAX } from '../../internal/app/orders/reconcile-orders.use-case.ts';
import { commandSetup, parseCommandLine } from '../shared/command-setup.ts';
import { openDatabase } from '../shared/database.ts';
import { openPaymentGateway } from '../shared/payment-gateway.ts';

const USAGE = `usage: npm run reconcile
  Compares every order with what the payment gateway holds for it, prints each disagreement
  as a JSON line and exits 1 when there is any (0 when all agree).
  The gateway is PAYMENT_GATEWAY_URL, or, when it is empty, the sandbox gateway's state kept in the database.`;
parseCommandLine(USAGE, {});
const { config, logger } = commandSetup();
const database = await openDatabase(config, logger, { autoMigrate: false });
// Without PAYMENT_GATEWAY_URL the service's sandbox kept its authorizations in the database: a sandbox over them answers here.
const payments = await openPaymentGateway(config, logger, undefined, undefined, database.pool);
let disagreements = 0;
try {
  const reconcile = new ReconcileOrders(new PostgresOrderRepository(database.db), payments.gateway);
  const ctx = { traceId: randomBytes(16).toString('hex'), signal: AbortSignal.timeout(10 * 60_000), log: logger };
  let cursor: string | undefined;
  let checked = 0;
  do {
    const report = await reconcile.execute(ctx, { limit: RECONCILE_PAGE_MAX, cursor });
    checked += report.checked;
    for (const discrepancy of report.discrepancies) console.log(JSON.stringify(discrepancy));
    for (const orderId of report.unchecked) console.log(JSON.stringify({ orderId, problem: 'unchecked (gateway did not answer)' }));
    disagreements += report.discrepancies.length + report.unchecked.length;
    cursor = report.nextCursor ?? undefined;
  } while (cursor);
  console.error(`checked ${checked} orders, ${disagreements} disagree with the gateway`);
} finally {
  await payments.close();
  await database.shutdown();
}
process.exitCode = disagreements > 0 ? 1 : 0;
