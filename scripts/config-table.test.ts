import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { END_MARKER, extractConfigBlock, README_PATH, renderConfigTable, replaceConfigBlock, settingsOf, START_MARKER } from './config-table.ts';

describe('configuration table', () => {
  it('when README.md is checked, then its configuration block matches the schema (run `npm run docs:config` if not)', () => {
    const readme = readFileSync(README_PATH, 'utf8');

    expect(extractConfigBlock(readme), 'the configuration table in README.md is stale: run `npm run docs:config`').toBe(renderConfigTable());
    expect(replaceConfigBlock(readme), 'README.md would change: run `npm run docs:config`').toBe(readme);
  });

  it('when the table is rendered, then every setting of the schema has a row with its variable and key', () => {
    const settings = settingsOf();
    const table = renderConfigTable(settings);

    expect(settings.length).toBeGreaterThan(0);
    for (const setting of settings) {
      expect(setting.env, `${setting.key} has no environment variable`).toBeDefined();
      expect(table).toContain(`| \`${setting.env}\``);
      expect(table).toContain(`| \`${setting.key}\` |`);
    }
  });

  it('when a setting is sensitive, then its row says so and names the _FILE variable', () => {
    const table = renderConfigTable();

    expect(table).toContain('| `DATABASE_URL` (secret; also `DATABASE_URL_FILE`) | `database.url` | _(empty)_ |');
    expect(table).toContain('| `PORT` | `http.port` | `8080` |');
  });

  it('when the block is replaced twice, then the second pass changes nothing and the text around it stays', () => {
    const markdown = `# Title\n\nbefore\n${START_MARKER}\nstale\n${END_MARKER}\nafter\n`;

    const once = replaceConfigBlock(markdown, 'TABLE');

    expect(once).toBe(`# Title\n\nbefore\n${START_MARKER}\nTABLE\n${END_MARKER}\nafter\n`);
    expect(replaceConfigBlock(once, 'TABLE')).toBe(once);
    expect(extractConfigBlock(once)).toBe('TABLE');
  });

  it('when the markers are missing, then replacing fails loudly', () => {
    expect(() => replaceConfigBlock('# no markers here\n', 'TABLE')).toThrow(/config-table:start/);
  });
});
