import { randomUUID } from 'node:crypto';
import { createClientFactory, Metadata, type Channel } from 'nice-grpc';
import { OrderServiceDefinition } from '../internal/transport/grpc/generated/ordersvc/v1/order.ts';
import { UserServiceDefinition } from '../internal/transport/grpc/generated/ordersvc/v1/user.ts';
import { checkOrders, newUser, randomLines, removeCreatedUsers } from './http-scenarios.ts';
import { pick, type GrpcScenario } from './scenario.ts';

const factory = createClientFactory();

function auth(token: string, signal: AbortSignal) {
  return { metadata: Metadata({ authorization: `Bearer ${token}` }), signal };
}

/**
 * The same operations as their REST twins, over gRPC through the generated
 * clients, with the same users, tokens, cursors and products: the
 * REST-vs-gRPC table compares each pair.
 */
export const GRPC_SCENARIOS: readonly GrpcScenario[] = [
  {
    name: 'grpc-user-read',
    title: 'gRPC GetUser (own user, bearer metadata)',
    transport: 'grpc',
    baseline: 'grpc-hello',
    restTwin: 'user-read',
    target: { zeroErrors: true },
    callerFor: ({ fixtures: f }, channel: Channel) => {
      const users = factory.create(UserServiceDefinition, channel);
      return (signal) => {
        const customer = pick(f.customers);
        return users.getUser({ id: customer.id }, auth(customer.token, signal));
      };
    },
  },
  {
    name: 'grpc-user-page',
    title: 'gRPC ListUsers, page of 50, admin',
    transport: 'grpc',
    baseline: 'express-pg-user-page',
    restTwin: 'user-page',
    target: { zeroErrors: true },
    callerFor: ({ fixtures: f }, channel) => {
      const users = factory.create(UserServiceDefinition, channel);
      return (signal) => users.listUsers({ pageSize: 50, pageToken: pick(f.userCursors) ?? '' }, auth(f.adminToken, signal));
    },
  },
  {
    name: 'grpc-user-create',
    title: 'gRPC CreateUser, admin (unique email)',
    transport: 'grpc',
    baseline: 'express-pg-write',
    restTwin: 'user-create',
    target: { zeroErrors: true },
    callerFor: ({ fixtures: f }, channel) => {
      const users = factory.create(UserServiceDefinition, channel);
      return (signal) => users.createUser({ ...newUser(), roles: [] }, auth(f.adminToken, signal));
    },
    after: removeCreatedUsers,
  },
  {
    name: 'grpc-order-place',
    title: 'gRPC PlaceOrder (1-3 random products, sandbox payment)',
    transport: 'grpc',
    baseline: 'express-pg-write',
    restTwin: 'order-place',
    target: { zeroErrors: true },
    measuresEvents: true,
    callerFor: ({ fixtures: f }, channel) => {
      const orders = factory.create(OrderServiceDefinition, channel);
      return (signal) => {
        const lines = randomLines(f.productIds).map((line) => ({ productId: line.product_id, quantity: line.quantity }));
        return orders.placeOrder({ idempotencyKey: randomUUID(), lines, payment: { cardToken: 'tok_approved' } }, auth(pick(f.customers).token, signal));
      };
    },
    after: checkOrders,
  },
];
