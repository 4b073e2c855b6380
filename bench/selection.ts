import { BASELINES, EVENT_BASELINES, GRPC_BASELINES, type BaselineInfo, type ScenarioInfo } from './catalog.ts';

export interface SelectionOptions {
  /** `--only`: these scenario names (curves are selected elsewhere). */
  readonly only: readonly string[] | undefined;
  readonly skipGrpc: boolean;
  /** `--skip-events`, or no NATS to relay to. */
  readonly skipEvents: boolean;
}

/** The scenarios a run measures: `--only`'s, without the gRPC ones under `--skip-grpc`. */
export function selectScenarios<S extends ScenarioInfo & { readonly transport?: string }>(all: readonly S[], opts: SelectionOptions): S[] {
  const only = opts.only;
  return all.filter((s) => (only ? only.includes(s.name) : true) && !(opts.skipGrpc && s.transport === 'grpc'));
}

/**
 * The baselines a run measures. A full run: all of them, less the gRPC one
 * under `--skip-grpc` and the JetStream one without events. A partial run:
 * those its scenarios compare with, the bare gRPC server when a gRPC scenario
 * runs (the REST-vs-gRPC table sets it beside express hello-world, so that one
 * comes too), and the bare JetStream publisher when order placement's events
 * are measured.
 */
export function selectBaselines(scenarios: readonly ScenarioInfo[], opts: SelectionOptions, all: readonly BaselineInfo[] = BASELINES): BaselineInfo[] {
  const wanted = (b: BaselineInfo) => {
    if (GRPC_BASELINES.includes(b.name)) return !opts.skipGrpc && (!opts.only || scenarios.some((s) => s.restTwin !== undefined));
    if (EVENT_BASELINES.includes(b.name)) return !opts.skipEvents && (!opts.only || scenarios.some((s) => s.measuresEvents === true));
    if (!opts.only) return true;
    return scenarios.some((s) => s.baseline === b.name) || (b.name === 'express-hello' && scenarios.some((s) => s.restTwin !== undefined));
  };
  return all.filter(wanted);
}
