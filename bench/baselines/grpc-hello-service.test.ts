import { describe, expect, it } from 'vitest';
import { decodeText, encodeText, helloReply } from './grpc-hello-service.ts';

describe('the hello message', () => {
  it('when a text is encoded, then it decodes back and is a field-1 length-delimited protobuf', () => {
    const message = encodeText('world');
    expect([...message.subarray(0, 2)]).toEqual([0x0a, 5]);
    expect(decodeText(message)).toBe('world');
  });
  it('when a request says world, then the reply says hello to it', () => {
    expect(decodeText(helloReply(encodeText('world')))).toBe('Hello, world');
  });
  it('when the bytes are not such a message, then the text is empty', () => {
    expect(decodeText(Buffer.from([0x12, 1, 0x41]))).toBe('');
  });
  it('when the text is too long for one length byte, then it refuses', () => {
    expect(() => encodeText('x'.repeat(200))).toThrow(/127 bytes/);
  });
});
