/**
 * A short, parameter-free name for a SQL statement — its verb and the first
 * table it names ("select orders", "insert activity_events", "update
 * products") — for metric labels and the slow-query log. Statements that name
 * no table are named by their verb alone ("select", "begin"); a statement with
 * CTEs that write, by its first write ("with insert orders").
 */
export function queryName(sql: string): string {
  // The statements of a service are a small, fixed set: name each once.
  let name = names.get(sql);
  if (name === undefined) {
    name = nameOf(sql);
    if (names.size < MAX_NAMED) names.set(sql, name);
  }
  return name;
}

const MAX_NAMED = 5_000;
const names = new Map<string, string>();

function nameOf(sql: string): string {
  const text = sql.trim().replace(/\s+/g, ' ');
  const verb = /^(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'unknown';
  const table = TABLE_AFTER[verb] ? new RegExp(`\\b${TABLE_AFTER[verb]}\\s+("?)([\\w.]+)\\1`, 'i').exec(text)?.[2] : undefined;
  if (verb === 'with') {
    // A statement that writes in its CTEs: named by its first write (a row lock, FOR UPDATE, is no write).
    const write = /(?<!\bfor\s+(?:no\s+key\s+)?)\b(insert\s+into|update|delete\s+from)\s+("?)([\w.]+)\2/i.exec(text);
    if (write) return `with ${write[1]!.split(' ')[0]!.toLowerCase()} ${write[3]!.toLowerCase()}`;
    // A read-only CTE: named by the statement that uses it.
    const main = /\)\s*(select|insert|update|delete)\b/i.exec(text);
    return main ? `with ${nameOf(text.slice(main.index + main[0].length - main[1]!.length))}` : 'with';
  }
  return table ? `${verb} ${table.toLowerCase()}` : verb;
}

const TABLE_AFTER: Record<string, string> = {
  select: 'from',
  delete: 'from',
  insert: 'into',
  update: 'update',
};
