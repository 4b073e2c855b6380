import { describe, expect, it } from 'vitest';
import { composeProblems, dockerfileProblems, kubernetesProblems, validateDeployments } from './validate-deployments.ts';

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
