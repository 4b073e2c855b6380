import { readFileSync } from 'node:fs';
import { ServerCredentials } from '@grpc/grpc-js';
import { createServer } from 'nice-grpc';
import { errorDetailsServerMiddleware } from 'nice-grpc-error-details';
import { openTelemetryServerMiddleware } from 'nice-grpc-opentelemetry';
import { HealthDefinition, HealthServiceImpl, HealthState } from 'nice-grpc-server-health';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';
import type { Logger } from '../../platform/logger/logger.ts';
import { authentication, type TokenAuthenticator } from './authentication.ts';
import { callContext, type RpcCallSample } from './call-context.ts';
import { ActivityServiceDefinition } from './generated/ordersvc/v1/activity.ts';
import { AuthServiceDefinition } from './generated/ordersvc/v1/auth.ts';
import { OrderServiceDefinition } from './generated/ordersvc/v1/order.ts';
import { ProductServiceDefinition } from './generated/ordersvc/v1/product.ts';
import { UserServiceDefinition } from './generated/ordersvc/v1/user.ts';
import { rateLimit, type HitCounter } from './rate-limit.ts';
import { releaseChannel, type ReleaseChannelSettings } from './release-channel.ts';
import { activityService, type ActivityUseCases } from './services/activity.service.ts';
import { authService, type AuthUseCases } from './services/auth.service.ts';
import { orderService, type OrderUseCases } from './services/order.service.ts';
import { productService, type ProductUseCases } from './services/product.service.ts';
import { userService, type UserUseCases } from './services/user.service.ts';
import { stalledStreamGuard } from './stalled-stream-guard.ts';
import { StreamTerminator } from './stream-terminator.ts';
import { WatchSlots } from './watch-slots.ts';

/** The descriptor set `npm run gen:proto` builds: reflection serves it. */
const DESCRIPTOR_SET = new URL('./generated/ordersvc.binpb', import.meta.url);

export const SERVICE_NAMES = [
  UserServiceDefinition.fullName,
  AuthServiceDefinition.fullName,
  ProductServiceDefinition.fullName,
  OrderServiceDefinition.fullName,
  ActivityServiceDefinition.fullName,
] as const;

export interface GrpcServerSettings {
  readonly host: string;
  readonly port: number;
  readonly tlsCertFile: string;
  readonly tlsKeyFile: string;
  readonly maxMessageBytes: number;
  readonly maxConcurrentStreams: number;
  readonly keepaliveMinPingIntervalMs: number;
  readonly watchesPerUser: number;
  /** A server stream whose client takes no message for this long is reset (stalled-stream-guard.ts). */
  readonly streamStallMs: number;
  /** A unary call's work budget (REST's request budget). */
  readonly budgetMs: number;
}

export interface GrpcServerDeps {
  readonly settings: GrpcServerSettings;
  readonly logger: Logger;
  readonly authenticate: TokenAuthenticator;
  readonly release: ReleaseChannelSettings;
  readonly rateLimit: {
    readonly windowMs: number;
    readonly apiPerWindow: number | (() => number);
    readonly authPerWindow: number | (() => number);
    /** REST's counters: one budget per caller whichever transport it uses. */
    readonly stores: { readonly api: HitCounter; readonly auth: HitCounter };
    readonly onLimited?: ((name: string) => void) | undefined;
  };
  readonly users: UserUseCases;
  readonly auth: AuthUseCases;
  readonly products: ProductUseCases;
  readonly orders: OrderUseCases;
  readonly activity: ActivityUseCases;
  readonly observeCall?: ((sample: RpcCallSample) => void) | undefined;
  /** A server stream was reset because its client took no message for `streamStallMs`. */
  readonly onStreamReset?: ((service: string, method: string) => void) | undefined;
}

export interface RunningGrpcServer {
  readonly port: number;
  readonly tls: boolean;
  /** Open WatchUserActivity streams. */
  readonly watches: () => number;
  /** Health: SERVING or NOT_SERVING for the server and every service. */
  setServing(serving: boolean): void;
  /** GOAWAY, calls in flight finish within `graceMs`, open streams end; then the rest is cut. */
  stop(graceMs: number): Promise<{ forced: boolean }>;
}

const SIGN_IN_METHODS = new Set([`/${AuthServiceDefinition.fullName}/Register`, `/${AuthServiceDefinition.fullName}/Login`]);

/**
 * The gRPC transport: nice-grpc over @grpc/grpc-js. The middleware order is
 * fixed here: tracing (RPC semantic conventions) → rich error details →
 * call context, access log, metrics and the one error map → terminator for
 * draining streams → authentication → release channel → rate limits
 * (per caller, after authentication) → the handler. Below nice-grpc, a grpc-js
 * interceptor resets server streams whose client stopped taking messages
 * (stalled-stream-guard.ts).
 */
export async function startGrpcServer(deps: GrpcServerDeps): Promise<RunningGrpcServer> {
  const { settings } = deps;
  const terminator = new StreamTerminator();
  const slots = new WatchSlots(settings.watchesPerUser);
  const onCut = (path: string) => {
    const [service = 'unknown', method = 'unknown'] = path.split('/').slice(1);
    deps.onStreamReset?.(service, method);
    deps.logger.warn({ rpc_path: path, stall_ms: settings.streamStallMs }, 'gRPC stream reset: the client took no message for the stall limit');
  };
  const server = createServer({
    interceptors: [stalledStreamGuard({ stallMs: settings.streamStallMs, onCut })],
    'grpc.max_receive_message_length': settings.maxMessageBytes,
    'grpc.max_send_message_length': settings.maxMessageBytes,
    'grpc.max_concurrent_streams': settings.maxConcurrentStreams,
    'grpc.http2.min_ping_interval_without_data_ms': settings.keepaliveMinPingIntervalMs,
    'grpc.http2.max_ping_strikes': 2,
    'grpc.keepalive_permit_without_calls': 0,
  });
  const health = HealthState();
  const { windowMs, stores, onLimited } = deps.rateLimit;

  // `with` per group of services (nice-grpc's `use` would return another server).
  const api = server
    .with(openTelemetryServerMiddleware())
    .with(errorDetailsServerMiddleware)
    .with(callContext({ logger: deps.logger, budgetMs: settings.budgetMs, observeCall: deps.observeCall }))
    .with(terminator.middleware())
    .with(authentication(deps.authenticate))
    .with(releaseChannel(deps.release))
    .with(rateLimit({ name: 'api', windowMs, limit: deps.rateLimit.apiPerWindow, per: 'caller', store: stores.api, onLimited }))
    .with(rateLimit({ name: 'auth', windowMs, limit: deps.rateLimit.authPerWindow, per: 'address', store: stores.auth, methods: SIGN_IN_METHODS, onLimited }));
  api.add(UserServiceDefinition, userService(deps.users));
  api.add(AuthServiceDefinition, authService(deps.auth));
  api.add(ProductServiceDefinition, productService(deps.products));
  api.add(OrderServiceDefinition, orderService(deps.orders));
  api.add(ActivityServiceDefinition, activityService(deps.activity, slots));
  // Protocol services: no caller, no limits; still drained by the terminator.
  server.with(terminator.middleware()).add(HealthDefinition, HealthServiceImpl(health));
  server.add(ServerReflectionService, ServerReflection(readFileSync(DESCRIPTOR_SET), [...SERVICE_NAMES, 'grpc.health.v1.Health']));

  const setServing = (serving: boolean) => {
    for (const name of ['', ...SERVICE_NAMES]) health.setStatus(serving ? 'healthy' : 'unhealthy', name);
  };
  setServing(false);
  const tls = settings.tlsCertFile !== '' && settings.tlsKeyFile !== '';
  const credentials = tls
    ? ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(settings.tlsCertFile), private_key: readFileSync(settings.tlsKeyFile) }])
    : ServerCredentials.createInsecure();
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const port = await server.listen(`${host}:${settings.port}`, credentials);

  return {
    port,
    tls,
    watches: () => slots.open,
    setServing,
    async stop(graceMs) {
      setServing(false);
      terminator.terminate();
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'forced'>((resolve) => (timer = setTimeout(() => resolve('forced'), graceMs)));
      const result = await Promise.race([server.shutdown().then(() => 'drained' as const), graceOver]);
      clearTimeout(timer);
      if (result === 'forced') server.forceShutdown();
      return { forced: result === 'forced' };
    },
  };
}
