import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '600', HTTP_KEEP_ALIVE_TIMEOUT_MS: '300' });
});

afterAll(async () => {
  await app?.stop();
});

async function openSocket(): Promise<{ socket: Socket; received: () => string; closed: Promise<unknown> }> {
  const socket = connect(app.service.port, '127.0.0.1');
  await once(socket, 'connect');
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
  return { socket, received: () => data, closed: once(socket, 'close') };
}

describe('server timeouts', () => {
  it('when a client never finishes its headers, then the server answers 408 and closes the connection', async () => {
    const { socket, received, closed } = await openSocket();

    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    await closed;

    expect(received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('when a client never finishes its body, then the server closes the connection', async () => {
    const { socket, received, closed } = await openSocket();

    socket.write('POST /v1/users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na');
    await closed;

    expect(received()).not.toMatch(/^HTTP\/1\.1 201/);
  });

  it('when a kept-alive connection stays idle, then the server closes it', async () => {
    const { socket, received, closed } = await openSocket();

    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    await closed;

    expect(received()).toMatch(/^HTTP\/1\.1 200/);
  });
});
