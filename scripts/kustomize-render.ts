import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * A minimal kustomize renderer for the offline validation (`kubectl kustomize` is not on the
 * CI machines, and no well-kept JavaScript port of kustomize exists on npm). It renders
 * exactly the features deployments/k8s uses, and refuses any other kustomization field, so a
 * kustomization never silently renders differently here than in kubectl:
 * - `resources`: files (multi-document YAML) and directories holding a kustomization;
 * - `namespace`, `namePrefix`, `nameSuffix` (names of every object; no reference rewriting,
 *   so they are only used where nothing refers to the renamed object);
 * - `labels` with `pairs` (added to metadata.labels; `includeSelectors`/`includeTemplates`
 *   also to selectors and pod templates, as kustomize does);
 * - `images` (`name` → `newName`/`newTag` on every container and init container);
 * - `patches` with a `target` (kind, name) and a JSON 6902 patch (add, replace, remove), or a
 *   strategic-merge patch (inline or `path`) that names its object: maps merge key by key;
 *   lists of objects with a `name` (containers, env, ports, volumes) merge by name, other
 *   lists are replaced — kustomize's patch strategy for the fields used here.
 */
export type KubernetesObject = Record<string, unknown> & { apiVersion?: unknown; kind?: unknown; metadata?: Record<string, unknown> };

export class KustomizeError extends Error {}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'namePrefix', 'nameSuffix', 'labels', 'images', 'patches']);

/** The objects `kubectl kustomize dir` would print, for the features listed above. */
export function renderKustomization(dir: string): KubernetesObject[] {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((name) => join(dir, name)).find((path) => existsSync(path));
  if (!file) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  const k = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) throw new KustomizeError(`${file}: not supported by this renderer: ${unsupported.join(', ')}`);

  let objects: KubernetesObject[] = [];
  for (const entry of list<string>(k.resources)) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new KustomizeError(`${file}: resource ${entry} does not exist`);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readObjects(path)));
  }
  for (const patch of list<Record<string, unknown>>(k.patches)) objects = applyPatch(objects, patch, dir, file);
  for (const object of objects) {
    const metadata = (object.metadata ??= {});
    if (typeof metadata.name === 'string') metadata.name = `${str(k.namePrefix)}${metadata.name}${str(k.nameSuffix)}`;
    if (typeof k.namespace === 'string' && !CLUSTER_SCOPED.has(String(object.kind))) metadata.namespace = k.namespace;
    for (const label of list<{ pairs?: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }>(k.labels)) addLabels(object, label);
    for (const image of list<{ name: string; newName?: string; newTag?: string; digest?: string }>(k.images)) setImage(object, image);
  }
  return objects;
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'StorageClass']);

function readObjects(path: string): KubernetesObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new KustomizeError(`${path}: YAML: ${document.errors[0]!.message}`);
      return document.toJS() as KubernetesObject | null;
    })
    .filter((object): object is KubernetesObject => object !== null && object !== undefined);
}

function applyPatch(objects: KubernetesObject[], patch: Record<string, unknown>, dir: string, file: string): KubernetesObject[] {
  const text = typeof patch.patch === 'string' ? patch.patch : typeof patch.path === 'string' ? readFileSync(resolve(dir, patch.path), 'utf8') : undefined;
  if (text === undefined) throw new KustomizeError(`${file}: a patch needs patch or path`);
  const body = parse(text) as unknown;
  const target = (patch.target ?? {}) as { kind?: string; name?: string };
  if (Array.isArray(body)) {
    const matches = objects.filter((object) => (target.kind === undefined || object.kind === target.kind) && (target.name === undefined || object.metadata?.name === target.name));
    if (matches.length === 0) throw new KustomizeError(`${file}: patch target ${target.kind}/${target.name} matches nothing`);
    for (const object of matches) for (const op of body as { op: string; path: string; value?: unknown }[]) applyOperation(object, op, file);
    return objects;
  }
  const merge = body as KubernetesObject;
  const kind = target.kind ?? merge.kind;
  const name = target.name ?? merge.metadata?.name;
  const index = objects.findIndex((object) => object.kind === kind && object.metadata?.name === name);
  if (index < 0) throw new KustomizeError(`${file}: strategic-merge patch for ${String(kind)}/${String(name)} matches nothing`);
  return objects.map((object, i) => (i === index ? (mergeStrategic(object, merge) as KubernetesObject) : object));
}

function applyOperation(object: KubernetesObject, { op, path, value }: { op: string; path: string; value?: unknown }, file: string): void {
  const keys = path.split('/').slice(1).map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'));
  const last = keys.pop();
  let parent: unknown = object;
  for (const key of keys) parent = (parent as Record<string, unknown>)?.[key];
  if (typeof parent !== 'object' || parent === null || last === undefined) throw new KustomizeError(`${file}: patch path ${path} does not exist`);
  if (Array.isArray(parent)) {
    const items = parent as unknown[];
    const at = last === '-' ? items.length : Number(last);
    if (op === 'add') items.splice(at, 0, value);
    else if (op === 'replace') items[at] = value;
    else if (op === 'remove') items.splice(at, 1);
    else throw new KustomizeError(`${file}: patch op ${op} is not supported`);
    return;
  }
  const container = parent as Record<string, unknown>;
  if (op === 'add' || op === 'replace') {
    if (op === 'replace' && !(last in container)) throw new KustomizeError(`${file}: patch path ${path} does not exist`);
    container[last] = value;
  } else if (op === 'remove') delete container[last];
  else throw new KustomizeError(`${file}: patch op ${op} is not supported`);
}

/** Strategic merge for maps and named lists; `$patch: delete` on a named list item removes it. */
export function mergeStrategic(base: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) {
    if (!Array.isArray(base) || !patch.every(isNamed) || !base.every(isNamed)) return patch;
    const merged = base.map((item) => ({ ...item }));
    for (const item of patch) {
      const at = merged.findIndex((existing) => existing.name === item.name);
      if (item.$patch === 'delete') {
        if (at >= 0) merged.splice(at, 1);
      } else if (at >= 0) merged[at] = mergeStrategic(merged[at], item) as Named;
      else merged.push(item);
    }
    return merged;
  }
  if (!isRecord(patch) || !isRecord(base)) return patch;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = key in base ? mergeStrategic(base[key], value) : value;
  }
  return merged;
}

type Named = Record<string, unknown> & { name: unknown };
const isNamed = (value: unknown): value is Named => isRecord(value) && typeof value.name === 'string';

function addLabels(object: KubernetesObject, { pairs = {}, includeSelectors = false, includeTemplates = false }: { pairs?: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }): void {
  const metadata = object.metadata!;
  metadata.labels = { ...(metadata.labels as object), ...pairs };
  const spec = object.spec as Record<string, unknown> | undefined;
  if (!spec) return;
  if (includeSelectors) {
    const selector = spec.selector as Record<string, unknown> | undefined;
    if (selector && isRecord(selector.matchLabels)) selector.matchLabels = { ...selector.matchLabels, ...pairs };
  }
  if (includeSelectors || includeTemplates) {
    const template = spec.template as { metadata?: Record<string, unknown> } | undefined;
    if (template) template.metadata = { ...template.metadata, labels: { ...(template.metadata?.labels as object), ...pairs } };
  }
}

function setImage(object: KubernetesObject, image: { name: string; newName?: string; newTag?: string; digest?: string }): void {
  const podSpec = (object.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
  for (const container of [...list<Record<string, unknown>>(podSpec?.containers), ...list<Record<string, unknown>>(podSpec?.initContainers)]) {
    if (typeof container.image !== 'string') continue;
    const [name] = container.image.split(/[:@]/, 1);
    if (name !== image.name) continue;
    const tag = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : container.image.slice(name.length);
    container.image = `${image.newName ?? name}${tag}`;
  }
}

function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
