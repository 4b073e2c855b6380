/**
 * The series a PromQL expression reads: each metric name with its label
 * matchers, and the label names its `by`/`without`/`on`/`ignoring` clauses use.
 *
 * Hand-written on purpose: the PromQL grammar package (@prometheus-io/lezer-promql)
 * is not a dependency of this project, and the tests need only the selectors, not
 * a full parse tree. `promtool check rules` (where installed) parses the full
 * grammar of the rules file; this reader must only never miss a metric name.
 */
export interface Selector {
  readonly metric: string;
  readonly matchers: readonly { readonly label: string; readonly op: string; readonly value: string }[];
}

export interface ExpressionSeries {
  readonly selectors: readonly Selector[];
  /** Label names grouped or matched on (by, without, on, ignoring, group_left, group_right). */
  readonly groupingLabels: readonly string[];
}

// Functions, aggregations and keywords: an identifier that is one of these is never a metric.
const KEYWORDS = new Set([
  'and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'atan2',
  'inf', 'nan',
]);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

const TOKEN = /\s+|#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|\[[^\]]*\]|[A-Za-z_:][A-Za-z0-9_:]*|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[smhdwy]?|=~|!~|!=|==|>=|<=|[{}(),=<>+\-*/%^@]/gy;

/** Reads the selectors of `expr` (Grafana's `$__rate_interval` and `$var` are accepted). */
export function seriesOf(expr: string): ExpressionSeries {
  const source = expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m').replaceAll('$__range', '1h');
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) throw new Error(`cannot read PromQL at ${start}: ${source.slice(start, start + 20)}`);
    if (!/^\s|^#/.test(match[0])) tokens.push(match[0]);
  }
  const selectors: Selector[] = [];
  const groupingLabels: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (token === '{') {
      // A selector without a name ({__name__="x"}): its matchers only.
      const { matchers, end } = readMatchers(tokens, i);
      const name = matchers.find((matcher) => matcher.label === '__name__' && matcher.op === '=');
      if (name) selectors.push({ metric: name.value, matchers: matchers.filter((matcher) => matcher !== name) });
      i = end;
      continue;
    }
    if (!/^[A-Za-z_:]/.test(token)) continue;
    if (GROUPING.has(token)) {
      if (tokens[i + 1] === '(') {
        let j = i + 2;
        for (; j < tokens.length && tokens[j] !== ')'; j += 1) if (tokens[j] !== ',') groupingLabels.push(tokens[j]!);
        i = j;
      }
      continue;
    }
    if (KEYWORDS.has(token.toLowerCase())) continue;
    // A function or an aggregation: `rate(`, `sum(`, `sum by (…) (`.
    if (tokens[i + 1] === '(' || tokens[i + 1] === 'by' || tokens[i + 1] === 'without') continue;
    if (tokens[i + 1] === '{') {
      const { matchers, end } = readMatchers(tokens, i + 1);
      selectors.push({ metric: token, matchers });
      i = end;
    } else {
      selectors.push({ metric: token, matchers: [] });
    }
  }
  return { selectors, groupingLabels };
}

function readMatchers(tokens: readonly string[], open: number): { matchers: Selector['matchers']; end: number } {
  const matchers: { label: string; op: string; value: string }[] = [];
  let i = open + 1;
  while (i < tokens.length && tokens[i] !== '}') {
    const label = tokens[i];
    const op = tokens[i + 1];
    const value = tokens[i + 2];
    if (label === undefined || op === undefined || value === undefined || !/^["'`]/.test(value)) throw new Error(`malformed label matcher near ${tokens.slice(i, i + 3).join(' ')}`);
    matchers.push({ label, op, value: JSON.parse(value.startsWith('"') ? value : JSON.stringify(value.slice(1, -1))) as string });
    i += 3;
    if (tokens[i] === ',') i += 1;
  }
  if (tokens[i] !== '}') throw new Error('unclosed label matchers');
  return { matchers, end: i };
}
