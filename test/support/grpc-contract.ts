import { readFileSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, type DescriptorProto } from '@bufbuild/protobuf/wkt';
import { ErrorInfo, RichClientError } from 'nice-grpc-error-details';
import type { GrpcClients } from './grpc-client.ts';

/** One RPC of the contract (api/proto, package ordersvc.v1). */
export interface Rpc {
  /** `ordersvc.v1.UserService/GetUser` */
  readonly path: string;
  readonly service: string;
  readonly method: string;
  readonly serverStreaming: boolean;
  /** The proto names of the request message's fields (`page_size`). */
  readonly requestFields: readonly string[];
}

const PACKAGE = 'ordersvc.v1';
const DESCRIPTOR_SET = new URL('../../internal/transport/grpc/generated/ordersvc.binpb', import.meta.url);

/**
 * Every RPC of package ordersvc.v1, read from the descriptor set that
 * `npm run gen:proto` builds from api/proto (and lint:proto keeps fresh): tests
 * that need a case per RPC or per request field fail when one is added.
 */
export function contractRpcs(): Rpc[] {
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET));
  const messages = new Map<string, DescriptorProto>();
  for (const file of set.file) for (const message of file.messageType) messages.set(`.${file.package}.${message.name}`, message);
  return set.file
    .filter((file) => file.package === PACKAGE)
    .flatMap((file) =>
      file.service.flatMap((service) =>
        service.method.map((method) => {
          const input = messages.get(method.inputType);
          if (!input) throw new Error(`the descriptor set has no message ${method.inputType}`);
          return {
            path: `${file.package}.${service.name}/${method.name}`,
            service: `${file.package}.${service.name}`,
            method: method.name,
            serverStreaming: method.serverStreaming === true,
            requestFields: input.field.map((field) => field.name),
          };
        }),
      ),
    );
}

type Invoke = (request: object) => Promise<unknown> | AsyncIterable<unknown>;

/** Calls the RPC through the generated client; a server stream counts as answered at its first message. */
export async function invoke(clients: GrpcClients, rpc: Rpc, request: object): Promise<unknown> {
  const byService: Record<string, object> = {
    [`${PACKAGE}.UserService`]: clients.users,
    [`${PACKAGE}.AuthService`]: clients.auth,
    [`${PACKAGE}.ProductService`]: clients.products,
    [`${PACKAGE}.OrderService`]: clients.orders,
    [`${PACKAGE}.ActivityService`]: clients.activity,
  };
  const client = byService[rpc.service];
  if (!client) throw new Error(`no client for ${rpc.service}: add it to grpcClients and here`);
  const method = Reflect.get(client, rpc.method[0]!.toLowerCase() + rpc.method.slice(1)) as Invoke;
  const answer = method.call(client, request);
  if (!rpc.serverStreaming) return answer;
  for await (const message of answer as AsyncIterable<unknown>) return message;
  throw new Error(`${rpc.path} ended without a message`);
}

/** The rich error a call failed with; throws when it succeeded or failed otherwise. */
export async function failure(promise: Promise<unknown>): Promise<RichClientError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof RichClientError)) throw new Error(`expected a gRPC error, got ${error === undefined ? 'success' : error instanceof Error ? error.message : typeof error}`);
  return error;
}

export const reasonOf = (error: RichClientError): string | undefined => error.extra.find((detail): detail is ErrorInfo => detail.$type === ErrorInfo.$type)?.reason;

/** The fields `google.rpc.BadRequest` names. */
export const violationsOf = (error: RichClientError): string[] =>
  error.extra.flatMap((detail) => (detail.$type === 'google.rpc.BadRequest' ? detail.fieldViolations.map((violation) => violation.field) : []));
