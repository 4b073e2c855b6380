import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';

/** `npm run lint:events`: api/asyncapi.yaml must parse and validate as AsyncAPI 3 with no errors. */
const path = fileURLToPath(new URL('../api/asyncapi.yaml', import.meta.url));
const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(path, 'utf8'), { source: path });
// Severity 0 is an error; warnings and hints are printed but pass.
const errors = diagnostics.filter((d) => Number(d.severity) === 0);
for (const d of diagnostics) console.log(`${['error', 'warning', 'info', 'hint'][d.severity] ?? d.severity} ${d.code} at ${d.path.join('.')}: ${d.message}`);
if (errors.length > 0 || !document) {
  console.error(`api/asyncapi.yaml: ${errors.length} error(s)`);
  process.exit(1);
}
console.log(`api/asyncapi.yaml: valid AsyncAPI ${document.version()}, ${document.channels().length} channels`);
