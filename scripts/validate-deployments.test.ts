import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeStrategic, renderKustomization } from './kustomize-render.ts';
import { composeProblems, DEPLOYMENTS_DIR, dockerfileProblems, kubernetesProblems, renderedProblems, validateDeployments } from './validate-deployments.ts';

describe('deployment validation', () => {
  it('when the deployments folder is checked, then the Dockerfile, the compose file and every manifest pass', async () => {
    const { checked, problems } = await validateDeployments();

    expect(problems).toEqual([]);
    expect(checked).toContain('deployments/Dockerfile');
    expect(checked).toContain('deployments/compose.yaml');
    expect(checked).toContain('deployments/k8s/app/api-deployment.yaml');
    expect(checked).toContain('deployments/k8s/migrate/migrate-job.yaml');
  });

  it('when a manifest breaks the Kubernetes schema, then each error is named with its path', async () => {
    const manifest = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: broken }',
      'spec:',
      '  replicas: two',
      '  selector: { matchLabels: { app: x } }',
      '  template:',
      '    spec:',
      '      containers:',
      '        - image: x',
      '          ports: [{ containerPort: http }]',
    ].join('\n');

    const problems = await kubernetesProblems(manifest, 'broken.yaml');

    expect(problems).toContain('broken.yaml: Deployment/broken/spec/replicas must be integer');
    expect(problems).toContain("broken.yaml: Deployment/broken/spec/template/spec/containers/0 must have required property 'name'");
    expect(problems).toContain('broken.yaml: Deployment/broken/spec/template/spec/containers/0/ports/0/containerPort must be integer');
  });

  it('when a manifest has an unknown kind or no apiVersion, then it is refused', async () => {
    expect(await kubernetesProblems('apiVersion: v1\nkind: Nonsense\n', 'a.yaml')).toEqual(['a.yaml: no schema for v1 Nonsense']);
    expect(await kubernetesProblems('kind: Service\n', 'b.yaml')).toEqual(['b.yaml: not a Kubernetes object (apiVersion and kind are required)']);
  });

  it('when a kustomization lists a missing file, then it is reported', async () => {
    const kustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [no-such-file.yaml]\n';

    expect(await kubernetesProblems(kustomization, 'k.yaml', import.meta.dirname)).toEqual(['k.yaml: resource no-such-file.yaml does not exist']);
  });

  it('when the final image floats, runs as root and has no HEALTHCHECK, then each rule is reported', () => {
    const problems = dockerfileProblems('FROM node:22 AS deps\nRUN true\nFROM deps\nUSER root\nCMD node main.ts\n', 'Dockerfile');

    expect(problems).toContain('Dockerfile:1: base image "node:22" is not pinned (exact version tag or @sha256 digest)');
    expect(problems).toContain('Dockerfile: the final stage runs as root');
    expect(problems).toContain('Dockerfile: the final stage has no HEALTHCHECK');
    expect(problems).toContain('Dockerfile: the final CMD must be in exec form (["node", ...]) so node gets SIGTERM');
  });

  it('when the Dockerfile has an unknown instruction, then the linter reports it', () => {
    const problems = dockerfileProblems('FROM node:22.23.3-bookworm-slim\nRUNN true\nUSER 1000\nHEALTHCHECK CMD ["true"]\nCMD ["node"]\n', 'Dockerfile');

    expect(problems).toEqual([expect.stringMatching(/^Dockerfile:2: .*RUNN/)]);
  });

  it('when a compose file has an unknown key or a wrong depends_on condition, then the spec schema refuses it', () => {
    const compose = 'services:\n  app:\n    image: x\n    restrat: always\n    depends_on:\n      db: { condition: service_done }\n';

    const problems = composeProblems(compose, 'compose.yaml');

    expect(problems).toContain('compose.yaml: /services/app must NOT have additional properties ("restrat")');
    expect(problems.some((problem) => problem.startsWith('compose.yaml: /services/app/depends_on/db/condition must be equal to one of the allowed values'))).toBe(true);
  });

  it('when a compose secret names a missing file, then it is reported', () => {
    const compose = 'services:\n  app: { image: x, secrets: [s] }\nsecrets:\n  s: { file: ./missing-secret }\n';

    expect(composeProblems(compose, 'compose.yaml', import.meta.dirname)).toEqual(['compose.yaml: secret s: file ./missing-secret does not exist']);
  });
});

describe('unknown fields and rendered kustomizations', () => {
  it('when a manifest misspells a field (readinesProbe), then the fixture fails with the field named', async () => {
    const fixture = readFileSync(join(import.meta.dirname, 'fixtures/deployments/misspelt-readiness-probe.yaml'), 'utf8');

    expect(await kubernetesProblems(fixture, 'misspelt.yaml')).toEqual(['misspelt.yaml: Deployment/x/spec/template/spec/containers/0 has an unknown field "readinesProbe"']);
  });

  it('when a map that allows any key (labels, ConfigMap data) holds new keys, then they are not unknown fields', async () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, labels: { anything: goes } }\ndata: { ANY_KEY: "1" }\n';

    expect(await kubernetesProblems(configMap, 'c.yaml')).toEqual([]);
  });

  it('when a ServiceMonitor misspells a field, then its schema refuses it', async () => {
    const monitor = 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: { name: m }\nspec:\n  selector: { matchLabels: { a: b } }\n  endpoints: [{ port: metrics, intervall: 30s }]\n';

    expect(await kubernetesProblems(monitor, 'm.yaml')).toEqual([expect.stringMatching(/^m\.yaml: ServiceMonitor\/m\/spec\/endpoints\/0 must NOT have additional properties/)]);
  });

  it('when an overlay patch adds a misspelt field, then the rendered output is checked and fails', async () => {
    const problems = await renderedProblems(join(import.meta.dirname, 'fixtures/deployments/broken-overlay'), 'overlay');

    expect(problems).toEqual(['overlay: Deployment/ordersvc-api/spec/template/spec/containers/0 has an unknown field "livenesProbe"']);
  });

  it('when the production overlay is rendered, then namespace, image, labels and patches are applied as kustomize would', () => {
    const objects = renderKustomization(join(DEPLOYMENTS_DIR, 'k8s/overlays/production'));
    const api = objects.find((object) => object.kind === 'Deployment' && object.metadata?.name === 'ordersvc-api') as unknown as {
      metadata: { namespace: string; labels: Record<string, string> };
      spec: { template: { spec: { containers: { image: string }[]; topologySpreadConstraints: { whenUnsatisfiable: string }[]; serviceAccountName: string } } };
    };

    expect(objects.map((object) => object.kind)).toEqual(expect.arrayContaining(['ServiceAccount', 'NetworkPolicy', 'Ingress', 'HorizontalPodAutoscaler', 'Deployment']));
    expect(objects.every((object) => object.metadata?.namespace === 'ordersvc')).toBe(true);
    expect(api.metadata.labels['app.kubernetes.io/part-of']).toBe('ordersvc');
    expect(api.spec.template.spec.containers[0]?.image).toBe('registry.example.com/ordersvc:0.1.0');
    expect(api.spec.template.spec.topologySpreadConstraints[0]?.whenUnsatisfiable).toBe('DoNotSchedule');
    expect(api.spec.template.spec.serviceAccountName).toBe('ordersvc');
  });

  it('when the down migration is rendered, then its suffix and its JSON patches apply', () => {
    const [job] = renderKustomization(join(DEPLOYMENTS_DIR, 'k8s/migrate-down')) as unknown as { metadata: { name: string }; spec: { backoffLimit: number; template: { spec: { containers: { command: string[] }[] } } } }[];

    expect(job?.metadata.name).toBe('ordersvc-migrate-down');
    expect(job?.spec.backoffLimit).toBe(0);
    expect(job?.spec.template.spec.containers[0]?.command).toEqual(['node', 'cmd/migrate/main.ts', 'down']);
  });

  it('when a strategic-merge patch names list items, then they merge by name and other lists are replaced', () => {
    const base = { containers: [{ name: 'a', image: 'x', env: [{ name: 'A', value: '1' }] }], args: ['1'] };
    const patch = { containers: [{ name: 'a', env: [{ name: 'B', value: '2' }] }, { name: 'b', image: 'y' }], args: ['2'] };

    expect(mergeStrategic(base, patch)).toEqual({
      containers: [{ name: 'a', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { name: 'b', image: 'y' }],
      args: ['2'],
    });
  });

  it('when a kustomization uses a field the renderer does not know, then it is refused rather than rendered differently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kustomize-'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nreplicas: [{ name: x, count: 2 }]\n');

    expect(() => renderKustomization(dir)).toThrow(/not supported by this renderer: replicas/);
  });

  it('when the pods are read, then every one runs as the token-less ServiceAccount, spreads across zones and sleeps natively before stopping', () => {
    const objects = renderKustomization(join(DEPLOYMENTS_DIR, 'k8s/app'));
    const account = objects.find((object) => object.kind === 'ServiceAccount') as { automountServiceAccountToken?: boolean } | undefined;
    const pods = objects.filter((object) => object.kind === 'Deployment') as unknown as { spec: { template: { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> & { containers: { lifecycle?: { preStop?: unknown } }[] } } } }[];

    expect(account?.automountServiceAccountToken).toBe(false);
    for (const pod of pods) {
      expect(pod.spec.template.spec.automountServiceAccountToken).toBe(false);
      expect(JSON.stringify(pod.spec.template.spec.topologySpreadConstraints)).toContain('topology.kubernetes.io/zone');
      expect(pod.spec.template.metadata.annotations['prometheus.io/scrape']).toBe('true');
    }
    expect(pods[0]?.spec.template.spec.containers[0]?.lifecycle?.preStop).toEqual({ sleep: { seconds: 10 } });
    expect(objects.find((object) => object.kind === 'Service')?.metadata?.annotations).toBeUndefined();
  });
});
