import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../cmd/shared/project-paths.ts';
import { SERVICE_NAMES } from '../../../internal/transport/grpc/grpc-server.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

const run = promisify(execFile);
const BUF = join(PROJECT_ROOT, 'node_modules/.bin/buf');

let app: TestApp;

/** The buf CLI as a user runs it: gRPC over cleartext HTTP/2, schemas from server reflection. */
async function bufCurl(...args: string[]): Promise<string> {
  const { stdout } = await run(BUF, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args], { cwd: PROJECT_ROOT, timeout: 20_000 });
  return stdout;
}

const base = () => `http://127.0.0.1:${app.service.grpcPort!}`;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

describe('server reflection, as the buf CLI uses it', () => {
  it('when services are listed, then ours, health and reflection are there', async () => {
    const services = (await bufCurl('--list-services', base())).trim().split('\n');

    expect(services).toEqual(expect.arrayContaining([...SERVICE_NAMES, 'grpc.health.v1.Health']));
  });

  it('when methods are listed, then every method of every service is described, health included', async () => {
    const methods = (await bufCurl('--list-methods', base())).trim().split('\n');

    expect(methods).toEqual(expect.arrayContaining(['grpc.health.v1.Health/Check', 'grpc.health.v1.Health/Watch', 'ordersvc.v1.OrderService/PlaceOrder', 'ordersvc.v1.ActivityService/WatchUserActivity']));
  });

  it('when Health/Check is called by reflection, then the server is SERVING', async () => {
    const answer = JSON.parse(await bufCurl('-d', '{"service":""}', `${base()}/grpc.health.v1.Health/Check`)) as { status: string };

    expect(answer.status).toBe('SERVING');
  });

  it('when an RPC of ours is called by reflection, then it answers in JSON', async () => {
    const answer = JSON.parse(await bufCurl('-d', '{"page_size":1}', `${base()}/ordersvc.v1.ProductService/ListProducts`)) as Record<string, unknown>;

    expect(answer).toBeTypeOf('object');
  });
});
