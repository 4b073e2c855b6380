import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import convict from 'convict';
import { availableParallelism } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { readContainerLimits, type ContainerLimits } from '../sizing/container-limits.ts';
import { SIZED_VARIABLES, sizeFromContainer, type SizedSettings } from '../sizing/resource-sizing.ts';
import { configSchema, customFormats, type AppConfig } from './config.schema.ts';

convict.addFormats(customFormats);

export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  readonly config: AppConfig;
  /** The effective configuration as JSON, secrets masked. */
  readonly describe: () => string;
}

/**
 * Reads the configuration from `env` and validates it strictly. `CONFIG_FILE`
 * names a file of `NAME=value` lines read over `env` (a mounted ConfigMap); any
 * `X_FILE` variable supplies the value of `X` from a file (Docker and Kubernetes secrets).
 */
export interface LoadConfigOptions {
  /** The container's limits; read from /sys/fs/cgroup when not given (tests pass fixtures). */
  readonly limits?: ContainerLimits;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): LoadedConfig {
  const effectiveEnv = withFileSecrets(withConfigFile(env));
  const schema = convict(configSchema, { env: effectiveEnv, args: [] });
  try {
    schema.validate({ allowed: 'strict' });
  } catch (error) {
    const sources = sourcesByKey(schema.getSchema());
    const lines = String((error as Error).message).split('\n').map((line) => explain(line, sources, effectiveEnv));
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`, { cause: error });
  }
  const config = schema.getProperties();
  const conflicts = crossFieldProblems(config);
  if (conflicts.length > 0) throw new ConfigError(`invalid configuration:\n${conflicts.join('\n')}`);
  sizeConfig(config, effectiveEnv, options.limits ?? readContainerLimits());
  return { config, describe: () => JSON.stringify(masked(config, schema.getSchema()), null, 2) };
}

/**
 * Concurrency settings not set explicitly are sized from the container's memory and CPU
 * limits (docs/operations.md, "Sized from the container"); `config.sizing` says what and why.
 */
function sizeConfig(config: AppConfig, env: NodeJS.ProcessEnv, limits: ContainerLimits): void {
  const explicit = new Set((Object.keys(SIZED_VARIABLES) as (keyof SizedSettings)[]).filter((key) => env[SIZED_VARIABLES[key]] !== undefined));
  const { settings, report } = sizeFromContainer({
    limits,
    explicit,
    current: {
      hashConcurrency: config.auth.hashConcurrency,
      hashQueue: config.auth.hashQueue,
      dbPoolMax: config.database.poolMax,
      paymentMaxConcurrent: config.payment.maxConcurrent,
      paymentMaxQueued: config.payment.maxQueued,
    },
    heapLimitBytes: getHeapStatistics().heap_size_limit,
    cores: availableParallelism(),
  });
  config.auth.hashConcurrency = settings.hashConcurrency;
  config.auth.hashQueue = settings.hashQueue;
  config.database.poolMax = settings.dbPoolMax;
  config.payment.maxConcurrent = settings.paymentMaxConcurrent;
  config.payment.maxQueued = settings.paymentMaxQueued;
  config.sizing = report;
}

/** Rules that tie settings together, which the schema checks one by one cannot express. */
function crossFieldProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  const { requestBudgetMs } = config.http;
  const { recoverAfterMs, settleTimeoutMs } = config.orders;
  if (recoverAfterMs < requestBudgetMs + settleTimeoutMs) {
    problems.push(
      `ORDER_RECOVER_AFTER_MS (${recoverAfterMs}) must be at least HTTP_REQUEST_BUDGET_MS + ORDER_SETTLE_TIMEOUT_MS ` +
        `(${requestBudgetMs} + ${settleTimeoutMs}): recovery would take on orders that their own request is still placing or settling`,
    );
  }
  return problems;
}

const CONFIG_FILE_SETTINGS = new Set(['CONFIG_FILE', 'CONFIG_FILE_WATCH', 'CONFIG_FILE_POLL_MS']);

// The file's values win over the environment: it is the layer that changes while the service runs.
// Node's own dotenv parser (util.parseEnv): comments, quotes and blank lines as in a .env file.
function withConfigFile(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const path = env.CONFIG_FILE;
  if (path === undefined || path === '') return env;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`CONFIG_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  const values = parseEnv(text);
  const known = new Set(envNamesOf(configSchema));
  const problems = Object.keys(values).flatMap((name) => {
    if (CONFIG_FILE_SETTINGS.has(name)) return [`  ${name}: set it in the environment, not in the file it names`];
    return known.has(name) ? [] : [`  ${name}: no such setting (the settings are listed in the README's configuration table)`];
  });
  if (problems.length > 0) throw new ConfigError(`invalid configuration in CONFIG_FILE ${path}:\n${problems.join('\n')}`);
  return { ...env, ...values };
}

function withFileSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const name of envNamesOf(configSchema)) {
    const path = env[`${name}_FILE`];
    if (path === undefined) continue;
    if (env[name] !== undefined) throw new ConfigError(`both ${name} and ${name}_FILE are set; choose one`);
    try {
      merged[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConfigError(`${name}_FILE: cannot read ${path}`, { cause: error });
    }
  }
  return merged;
}

function envNamesOf(schema: object): string[] {
  return Object.values(schema).flatMap((node: unknown) => {
    if (typeof node !== 'object' || node === null) return [];
    if ('env' in node && typeof node.env === 'string') return [node.env];
    return 'doc' in node ? [] : envNamesOf(node);
  });
}

interface SchemaNode {
  env?: string;
  sensitive?: boolean;
  _cvtProperties?: Record<string, SchemaNode>;
}

interface Source {
  readonly env: string;
  readonly sensitive: boolean;
}

function sourcesByKey(schema: unknown, prefix = ''): Map<string, Source> {
  const sources = new Map<string, Source>();
  const properties = (schema as SchemaNode)._cvtProperties ?? {};
  for (const [key, node] of Object.entries(properties)) {
    const path = prefix + key;
    if (node.env) sources.set(path, { env: node.env, sensitive: node.sensitive === true });
    for (const [nested, source] of sourcesByKey(node, `${path}.`)) sources.set(nested, source);
  }
  return sources;
}

// convict says "http.port: ports must be ..."; name the variable and its value too.
function explain(line: string, sources: Map<string, Source>, env: NodeJS.ProcessEnv): string {
  const key = /^([\w.]+):/.exec(line)?.[1];
  const source = key ? sources.get(key) : undefined;
  if (!source) return `  ${line}`;
  const value = env[source.env];
  if (value === undefined) return `  ${line}`;
  return `  ${line} (${source.env}=${source.sensitive ? '[redacted]' : JSON.stringify(value)})`;
}

// Secrets show as `[redacted]` when set and as '' when not, so an unset
// DATABASE_URL (embedded PostgreSQL) is visible at a glance.
function masked(values: unknown, schema: unknown): unknown {
  const node = schema as SchemaNode;
  if (node.sensitive) return values === '' ? '' : '[redacted]';
  if (!node._cvtProperties || typeof values !== 'object' || values === null) return values;
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, masked(value, node._cvtProperties?.[key] ?? {})]));
}
