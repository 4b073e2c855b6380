import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { createServer } from 'node:http';
import { HELLO_SERVICE, helloReply } from './grpc-hello-service.ts';

// The floor of a gRPC call in Node: @grpc/grpc-js alone, one unary method, no
// middleware, the message a hand-encoded one-field protobuf. GRPC_PORT serves
// it; PORT answers the harness's readiness poll over HTTP/1.1.
const grpcPort = Number(process.env.GRPC_PORT);
const httpPort = Number(process.env.PORT);
if (!Number.isInteger(grpcPort) || grpcPort <= 0 || !Number.isInteger(httpPort) || httpPort <= 0) throw new Error('GRPC_PORT and PORT must be set');

const server = new Server();
const implementation: UntypedServiceImplementation = {
  sayHello: (call: { request: Buffer }, callback: (error: null, reply: Buffer) => void) => callback(null, helloReply(call.request)),
};
server.addService(HELLO_SERVICE, implementation);
await new Promise<void>((resolve, reject) => server.bindAsync(`127.0.0.1:${grpcPort}`, ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())));

const health = createServer((_req, res) => res.writeHead(200).end('ok'));
health.listen(httpPort, '127.0.0.1');

const stop = () => {
  health.close();
  server.tryShutdown(() => undefined);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
