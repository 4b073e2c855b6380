import { describe, expect, it } from 'vitest';
import type { ScenarioInfo } from './catalog.ts';
import { selectBaselines, selectScenarios } from './selection.ts';

const scenarios: (ScenarioInfo & { transport?: 'grpc' })[] = [
  { name: 'user-read', title: '', baseline: 'express-hello' },
  { name: 'order-place', title: '', baseline: 'express-pg-write', measuresEvents: true },
  { name: 'grpc-user-read', title: '', baseline: 'grpc-hello', transport: 'grpc', restTwin: 'user-read' },
  { name: 'grpc-user-page', title: '', baseline: 'express-pg-user-page', transport: 'grpc', restTwin: 'user-page' },
];
const names = (items: readonly { name: string }[]) => items.map((i) => i.name);
const full = { only: undefined, skipGrpc: false, skipEvents: false };

describe('selectScenarios', () => {
  it('when nothing is skipped, then every scenario runs', () => {
    expect(names(selectScenarios(scenarios, full))).toEqual(['user-read', 'order-place', 'grpc-user-read', 'grpc-user-page']);
  });
  it('when gRPC is skipped, then the gRPC scenarios do not run', () => {
    expect(names(selectScenarios(scenarios, { ...full, skipGrpc: true }))).toEqual(['user-read', 'order-place']);
  });
  it('when --only names some, then only those run', () => {
    expect(names(selectScenarios(scenarios, { ...full, only: ['grpc-user-page'] }))).toEqual(['grpc-user-page']);
  });
});

describe('selectBaselines', () => {
  it('when it is a full run, then every baseline runs but the skipped transports', () => {
    expect(names(selectBaselines(scenarios, full))).toContain('grpc-hello');
    expect(names(selectBaselines(scenarios, full))).toContain('jetstream-publish');
    expect(names(selectBaselines(scenarios, { ...full, skipGrpc: true }))).not.toContain('grpc-hello');
    expect(names(selectBaselines(scenarios, { ...full, skipEvents: true }))).not.toContain('jetstream-publish');
  });
  it('when --only picks a gRPC scenario, then its baseline, the bare gRPC server and express hello-world run', () => {
    const only = ['grpc-user-page'];
    expect(names(selectBaselines(selectScenarios(scenarios, { ...full, only }), { ...full, only }))).toEqual(['express-hello', 'express-pg-user-page', 'grpc-hello']);
  });
  it('when --only picks order placement, then the JetStream publisher runs unless events are skipped', () => {
    const only = ['order-place'];
    const picked = selectScenarios(scenarios, { ...full, only });
    expect(names(selectBaselines(picked, { ...full, only }))).toEqual(['express-pg-write', 'jetstream-publish']);
    expect(names(selectBaselines(picked, { ...full, only, skipEvents: true }))).toEqual(['express-pg-write']);
  });
});
