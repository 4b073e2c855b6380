import { Ajv2019 } from 'ajv/dist/2019.js';

/**
 * Schemas of the Prometheus operator's resources that deployments/k8s uses (ServiceMonitor,
 * PodMonitor, PrometheusRule), cut down by hand from the operator's CRDs
 * (monitoring.coreos.com/v1) to the fields this project may set, every object closed, so a
 * misspelt field fails here as it would in the cluster's structural schema. The full CRDs are
 * not on npm; extend these when a manifest needs another field.
 */
const closed = (properties: Record<string, object>, required: string[] = []) => ({ type: 'object', additionalProperties: false, properties, required });
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const metadata = closed({ name: { type: 'string' }, namespace: { type: 'string' }, labels: stringMap, annotations: stringMap }, ['name']);
const selector = closed({ matchLabels: stringMap, matchExpressions: { type: 'array', items: { type: 'object' } } });
const relabeling = closed({
  sourceLabels: { type: 'array', items: { type: 'string' } },
  separator: { type: 'string' },
  targetLabel: { type: 'string' },
  regex: { type: 'string' },
  replacement: { type: 'string' },
  action: { enum: ['replace', 'keep', 'drop', 'labelmap', 'labeldrop', 'labelkeep', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'] },
});
const duration = { type: 'string', pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' };
const endpoint = {
  port: { type: 'string' },
  path: { type: 'string' },
  scheme: { enum: ['http', 'https'] },
  interval: duration,
  scrapeTimeout: duration,
  honorLabels: { type: 'boolean' },
  relabelings: { type: 'array', items: relabeling },
  metricRelabelings: { type: 'array', items: relabeling },
};
const rule = closed(
  { record: { type: 'string' }, alert: { type: 'string' }, expr: { type: 'string' }, for: duration, keep_firing_for: duration, labels: stringMap, annotations: stringMap },
  ['expr'],
);
const resource = (spec: object) => closed({ apiVersion: { const: 'monitoring.coreos.com/v1' }, kind: { type: 'string' }, metadata, spec }, ['apiVersion', 'kind', 'metadata', 'spec']);

const SCHEMAS: Record<string, object> = {
  ServiceMonitor: resource(closed({ selector, namespaceSelector: { type: 'object' }, jobLabel: { type: 'string' }, endpoints: { type: 'array', minItems: 1, items: closed(endpoint) } }, ['selector', 'endpoints'])),
  PodMonitor: resource(closed({ selector, namespaceSelector: { type: 'object' }, jobLabel: { type: 'string' }, podMetricsEndpoints: { type: 'array', minItems: 1, items: closed(endpoint) } }, ['selector', 'podMetricsEndpoints'])),
  PrometheusRule: resource(closed({ groups: { type: 'array', items: closed({ name: { type: 'string' }, interval: duration, rules: { type: 'array', items: rule } }, ['name', 'rules']) } }, ['groups'])),
};

const ajv = new Ajv2019({ allErrors: true, strict: false });
const compiled = new Map<string, ReturnType<Ajv2019['compile']>>();

/** The validator of a Prometheus operator resource; undefined for any other apiVersion/kind. */
export function customResourceValidator(apiVersion: string, kind: string): ReturnType<Ajv2019['compile']> | undefined {
  if (apiVersion !== 'monitoring.coreos.com/v1' || SCHEMAS[kind] === undefined) return undefined;
  let validate = compiled.get(kind);
  if (!validate) {
    validate = ajv.compile(SCHEMAS[kind]);
    compiled.set(kind, validate);
  }
  return validate;
}
