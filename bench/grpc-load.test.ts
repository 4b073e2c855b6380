import { Server, ServerCredentials, status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELLO_SERVICE, helloReply } from './baselines/grpc-hello-service.ts';
import { helloCaller } from './grpc-hello-client.ts';
import { GrpcLoadDriver } from './grpc-load.ts';

// The generator against a real @grpc/grpc-js server on a loopback port: the
// hello method answers, or answers NOT_FOUND when told to.
let server: Server;
let target: string;
let answerNotFound = false;

beforeAll(async () => {
  server = new Server();
  const implementation: UntypedServiceImplementation = {
    sayHello: (call: { request: Buffer }, callback: (error: { code: number; details: string } | null, reply?: Buffer) => void) =>
      answerNotFound ? callback({ code: status.NOT_FOUND, details: 'no such hello' }) : callback(null, helloReply(call.request)),
  };
  server.addService(HELLO_SERVICE, implementation);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  target = `127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

const spec = () => ({ name: 'grpc-hello', title: 'hello', target, connections: 8, warmupSeconds: 0, durationSeconds: 0.3, callerFor: helloCaller });

describe('the gRPC load generator', () => {
  it('when the server answers OK, then every call is a 2xx answer with its latency, and the window is reported', async () => {
    answerNotFound = false;
    let windows = 0;
    const measurement = await new GrpcLoadDriver().measure(spec(), undefined, () => (windows += 1));
    expect(windows).toBe(1);
    expect(measurement.requests).toBeGreaterThan(0);
    expect(measurement.okPerSecond).toBeCloseTo(measurement.requestsPerSecond, 5);
    expect(measurement.non2xx).toBe(0);
    expect(measurement.errors).toBe(0);
    expect(measurement.statusCounts).toEqual({ OK: measurement.requests });
    expect(measurement.latencyP99Ms).toBeGreaterThanOrEqual(measurement.latencyP50Ms);
    expect(measurement.durationSeconds).toBeGreaterThanOrEqual(0.3);
  });

  it('when the server answers NOT_FOUND, then the calls count as non-2xx answers by status name, not as errors', async () => {
    answerNotFound = true;
    const measurement = await new GrpcLoadDriver().measure(spec(), undefined);
    expect(measurement.requests).toBeGreaterThan(0);
    expect(measurement.non2xx).toBe(measurement.requests);
    expect(measurement.errors).toBe(0);
    expect(Object.keys(measurement.statusCounts)).toEqual(['NOT_FOUND']);
  });

  it('when no server listens, then the calls are errors (no answer), not non-2xx', async () => {
    const measurement = await new GrpcLoadDriver().measure({ ...spec(), target: '127.0.0.1:1', durationSeconds: 0.2 }, undefined);
    expect(measurement.requests).toBe(0);
    expect(measurement.errors).toBeGreaterThan(0);
  });

  it('when stopped, then a new measurement refuses to start', async () => {
    const driver = new GrpcLoadDriver();
    driver.stop();
    await expect(driver.measure(spec(), undefined)).rejects.toThrow(/load stopped/);
  });
});
