import { createChannel, createClientFactory, Metadata, type Channel } from 'nice-grpc';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';
import { HealthDefinition } from 'nice-grpc-server-health';
import { ActivityServiceDefinition } from '../../internal/transport/grpc/generated/ordersvc/v1/activity.ts';
import { AuthServiceDefinition } from '../../internal/transport/grpc/generated/ordersvc/v1/auth.ts';
import { OrderServiceDefinition } from '../../internal/transport/grpc/generated/ordersvc/v1/order.ts';
import { ProductServiceDefinition } from '../../internal/transport/grpc/generated/ordersvc/v1/product.ts';
import { UserServiceDefinition } from '../../internal/transport/grpc/generated/ordersvc/v1/user.ts';

/** The generated clients over one real HTTP/2 connection, with rich error details decoded. */
export function grpcClients(port: number, token?: string) {
  const channel: Channel = createChannel(`127.0.0.1:${port}`);
  const factory = createClientFactory()
    .use(errorDetailsClientMiddleware)
    .use((call, options) => call.next(call.request, token ? { ...options, metadata: Metadata(options.metadata).set('authorization', `Bearer ${token}`) } : options));
  return {
    channel,
    users: factory.create(UserServiceDefinition, channel),
    auth: factory.create(AuthServiceDefinition, channel),
    products: factory.create(ProductServiceDefinition, channel),
    orders: factory.create(OrderServiceDefinition, channel),
    activity: factory.create(ActivityServiceDefinition, channel),
    health: factory.create(HealthDefinition, channel),
    close: () => channel.close(),
  };
}

export type GrpcClients = ReturnType<typeof grpcClients>;
