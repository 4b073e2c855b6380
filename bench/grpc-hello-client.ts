import { createClient, type Channel, type CompatServiceDefinition } from 'nice-grpc';
import { encodeText, HELLO_SERVICE } from './baselines/grpc-hello-service.ts';
import type { GrpcCaller } from './grpc-load.ts';

// The hand-written definition has grpc-js's shape (path, serializers), which nice-grpc takes as a compat definition.
const helloDefinition = HELLO_SERVICE as unknown as CompatServiceDefinition;
const helloRequest = encodeText('world');

/** One SayHello call on the channel: the bare gRPC baseline's load, through nice-grpc like the service's scenarios. */
export function helloCaller(channel: Channel): GrpcCaller {
  const client = createClient(helloDefinition, channel) as unknown as { sayHello(request: Buffer, options: { signal: AbortSignal }): Promise<Buffer> };
  return (signal) => client.sayHello(helloRequest, { signal });
}
