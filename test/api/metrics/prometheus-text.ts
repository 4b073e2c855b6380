import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface Sample {
  /** The series name as exposed: a histogram gives `<name>_bucket`, `<name>_sum` and `<name>_count` samples. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  /** Families by name, with the type their `# TYPE` line declares (lower case). */
  readonly families: ReadonlyMap<string, { readonly type: string }>;
  readonly samples: readonly Sample[];
  /** The samples of `name` whose labels include `labels`. */
  select(name: string, labels?: Readonly<Record<string, string>>): Sample[];
  /** Sum of the values `select` finds (0 when none). */
  sum(name: string, labels?: Readonly<Record<string, string>>): number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPE_LINE = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/;
const SUFFIXES: Readonly<Record<string, readonly string[]>> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };

/**
 * Parses Prometheus text exposition. Sample lines (names, label escapes,
 * values) go through parse-prometheus-text-format, which throws on a
 * malformed line. Its grouping of histograms is not used: it folds every
 * label set of a histogram into one (see its `flattenMetrics`), so the TYPE
 * lines are read here, and the structure is checked here: every sample
 * belongs to a declared family, no series twice, histogram buckets
 * cumulative and `+Inf` equal to `_count`.
 */
export function parseExposition(text: string): Exposition {
  const families = new Map<string, { type: string }>();
  for (const line of text.split('\n').filter((candidate) => candidate.startsWith('# TYPE'))) {
    const [, name, type] = TYPE_LINE.exec(line) ?? [];
    if (name === undefined || type === undefined) throw new Error(`invalid TYPE line: ${line}`);
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    if (families.has(name)) throw new Error(`metric family ${name} is declared twice`);
    families.set(name, { type });
  }
  const untyped = text
    .split('\n')
    .filter((line) => !line.startsWith('# TYPE'))
    .join('\n');

  const samples: Sample[] = [];
  const seen = new Set<string>();
  for (const parsed of parsePrometheusTextFormat(untyped)) {
    for (const metric of parsed.metrics) {
      const labels = metric.labels ?? {};
      for (const label of Object.keys(labels)) if (!LABEL_NAME.test(label)) throw new Error(`${parsed.name}: invalid label name ${label}`);
      const key = seriesKey(parsed.name, labels);
      if (seen.has(key)) throw new Error(`series ${key} appears twice`);
      seen.add(key);
      samples.push({ name: parsed.name, labels, value: numberOf(parsed.name, metric.value) });
    }
  }
  for (const sample of samples) {
    if (familyOf(sample.name, families) === undefined) throw new Error(`sample ${sample.name} belongs to no declared family`);
  }
  checkHistograms(samples, families);

  const select = (name: string, wanted: Readonly<Record<string, string>> = {}) =>
    samples.filter((sample) => sample.name === name && Object.entries(wanted).every(([key, value]) => sample.labels[key] === value));
  return { families, samples, select, sum: (name, wanted) => select(name, wanted).reduce((total, sample) => total + sample.value, 0) };
}

function familyOf(sampleName: string, families: ReadonlyMap<string, { type: string }>): string | undefined {
  if (families.has(sampleName)) return sampleName;
  for (const [name, { type }] of families) {
    if ((SUFFIXES[type] ?? []).some((suffix) => sampleName === name + suffix)) return name;
  }
  return undefined;
}

function checkHistograms(samples: readonly Sample[], families: ReadonlyMap<string, { type: string }>): void {
  for (const [name, { type }] of families) {
    if (type !== 'histogram') continue;
    const groups = new Map<string, { buckets: [number, number][]; count?: number }>();
    const groupOf = (labels: Readonly<Record<string, string>>) => {
      const { le: _le, ...rest } = labels;
      const key = seriesKey(name, rest);
      const group = groups.get(key) ?? { buckets: [] };
      groups.set(key, group);
      return group;
    };
    for (const sample of samples) {
      if (sample.name === `${name}_bucket`) {
        const le = sample.labels.le;
        if (le === undefined) throw new Error(`${name}_bucket without le`);
        groupOf(sample.labels).buckets.push([numberOf(`${name} le`, le), sample.value]);
      } else if (sample.name === `${name}_count`) {
        groupOf(sample.labels).count = sample.value;
      }
    }
    for (const [key, { buckets, count }] of groups) {
      buckets.sort(([a], [b]) => a - b);
      buckets.forEach(([, value], i) => {
        if (i > 0 && value < buckets[i - 1]![1]) throw new Error(`${key}: buckets are not cumulative`);
      });
      const last = buckets.at(-1);
      if (last?.[0] !== Infinity || last[1] !== count) throw new Error(`${key}: the +Inf bucket must equal _count`);
    }
  }
}

function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return `${name}{${pairs.join(',')}}`;
}

// As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case; prom-client writes NaN as `Nan`.
function numberOf(name: string, raw: string | undefined): number {
  if (raw === undefined) throw new Error(`${name}: no value`);
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(raw);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  const value = Number(raw);
  if (raw.trim() === '' || Number.isNaN(value)) throw new Error(`${name}: value ${raw} is not a number`);
  return value;
}
