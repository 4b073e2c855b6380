/**
 * The bare gRPC baseline's one method, shared by its server and the harness's
 * client: `bench.Hello/SayHello`, a one-string-field protobuf each way
 * (field 1, wire type 2), encoded by hand so that no codegen stands between
 * the baseline and @grpc/grpc-js.
 */
export const HELLO_METHOD_PATH = '/bench.Hello/SayHello';

const identity = (buffer: Buffer): Buffer => buffer;

export const HELLO_SERVICE = {
  sayHello: {
    path: HELLO_METHOD_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
} as const;

/** A one-field message holding `text` (under 128 bytes, so the length is one byte). */
export function encodeText(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  if (body.length > 127) throw new Error('the hello message holds at most 127 bytes');
  return Buffer.concat([Buffer.from([0x0a, body.length]), body]);
}

/** The text of a one-field message; empty when it is not one. */
export function decodeText(message: Buffer): string {
  if (message.length < 2 || message[0] !== 0x0a) return '';
  return message.subarray(2, 2 + (message[1] ?? 0)).toString('utf8');
}

export function helloReply(request: Buffer): Buffer {
  return encodeText(`Hello, ${decodeText(request)}`);
}
