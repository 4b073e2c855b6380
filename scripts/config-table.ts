import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../internal/platform/config/config.schema.ts';

/**
 * Renders the configuration settings of `configSchema` as the Markdown block
 * README.md carries between its config-table markers. `npm run docs:config`
 * rewrites that block; `scripts/config-table.test.ts` fails when it is stale.
 */

export const START_MARKER = '<!-- config-table:start -->';
export const END_MARKER = '<!-- config-table:end -->';
export const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));

export interface ConfigSetting {
  /** Dotted path in the loaded configuration, e.g. `http.port`. */
  readonly key: string;
  readonly env: string | undefined;
  readonly default: unknown;
  readonly doc: string;
  readonly sensitive: boolean;
  /** The allowed values when the format is a list of them. */
  readonly allowed: readonly string[] | undefined;
}

/** Every leaf of a convict schema, in declaration order. */
export function settingsOf(schema: object = configSchema, prefix = ''): ConfigSetting[] {
  return Object.entries(schema).flatMap(([name, node]: [string, unknown]): ConfigSetting[] => {
    if (typeof node !== 'object' || node === null) return [];
    const key = prefix + name;
    if (!('default' in node)) return settingsOf(node, `${key}.`);
    const leaf = node as { env?: unknown; default: unknown; doc?: unknown; sensitive?: unknown; format?: unknown };
    return [
      {
        key,
        env: typeof leaf.env === 'string' ? leaf.env : undefined,
        default: leaf.default,
        doc: typeof leaf.doc === 'string' ? leaf.doc : '',
        sensitive: leaf.sensitive === true,
        allowed: Array.isArray(leaf.format) ? leaf.format.map(String) : undefined,
      },
    ];
  });
}

/** The Markdown that belongs between the markers (without them). */
export function renderConfigTable(settings: readonly ConfigSetting[] = settingsOf()): string {
  const rows = settings.map((setting) => {
    const env = setting.env === undefined ? '—' : code(setting.env);
    const secret = setting.sensitive && setting.env !== undefined ? ` (secret; also ${code(`${setting.env}_FILE`)})` : '';
    const allowed = setting.allowed ? ` One of: ${setting.allowed.map(code).join(', ')}.` : '';
    return `| ${env}${secret} | ${code(setting.key)} | ${defaultOf(setting.default)} | ${cell(setting.doc + allowed)} |`;
  });
  return [
    '_Generated from `internal/platform/config/config.schema.ts` by `npm run docs:config`; do not edit by hand._',
    '',
    'Every variable `X` below can instead be read from a file named by `X_FILE` (for Docker and Kubernetes',
    'secrets; one trailing newline is dropped). Setting both `X` and `X_FILE` is an error. Settings marked',
    '"secret" are masked in `npm run config` and in configuration errors.',
    '',
    '| Environment variable | Key | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** `markdown` with the text between the markers replaced by `table`. */
export function replaceConfigBlock(markdown: string, table: string = renderConfigTable()): string {
  const { start, end } = markersIn(markdown);
  return `${markdown.slice(0, start + START_MARKER.length)}\n${table}\n${markdown.slice(end)}`;
}

/** The text between the markers, as `replaceConfigBlock` writes it (without the framing newlines). */
export function extractConfigBlock(markdown: string): string {
  const { start, end } = markersIn(markdown);
  return markdown.slice(start + START_MARKER.length, end).replace(/^\n/, '').replace(/\n$/, '');
}

function markersIn(markdown: string): { start: number; end: number } {
  const start = markdown.indexOf(START_MARKER);
  const end = markdown.indexOf(END_MARKER);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`expected ${START_MARKER} followed by ${END_MARKER}`);
  }
  return { start, end };
}

function defaultOf(value: unknown): string {
  if (value === '') return '_(empty)_';
  return code(typeof value === 'string' ? value : JSON.stringify(value));
}

function code(text: string): string {
  return `\`${text.replaceAll('|', '\\|')}\``;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

// `npm run docs:config`: rewrite README.md in place.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const before = readFileSync(README_PATH, 'utf8');
  const after = replaceConfigBlock(before);
  if (after === before) {
    console.log('README.md: the configuration table is up to date');
  } else {
    writeFileSync(README_PATH, after);
    console.log('README.md: the configuration table was rewritten');
  }
}
