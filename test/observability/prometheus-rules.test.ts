import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../../cmd/shared/project-paths.ts';
import { OBSERVABILITY_DIR, ruleGroups } from './observability-files.ts';

const run = promisify(execFile);
const TEST_FILES = ['prometheus-rules.test.yaml', 'prometheus-rules-slow-burn.test.yaml'];

// promtool comes with Debian's `prometheus` package (.ci/run installs it); without it only the
// promtool cases are skipped, never the checks below.
const promtool = await run('promtool', ['--version']).then(
  () => true,
  () => false,
);

interface RuleTest {
  readonly alert_rule_test?: readonly { readonly alertname: string; readonly exp_alerts: readonly unknown[] }[];
}

const alerts = ruleGroups().flatMap((group) => group.rules.filter((rule) => rule.alert !== undefined));

describe('Prometheus rules', () => {
  it.skipIf(!promtool)('when promtool checks the rules file, then every rule parses', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', join(OBSERVABILITY_DIR, 'prometheus-rules.yaml')]);

    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it.skipIf(!promtool)('when promtool runs the rule unit tests, then every case passes', async () => {
    const result = await run('promtool', ['test', 'rules', ...TEST_FILES], { cwd: OBSERVABILITY_DIR }).then(
      ({ stdout }) => ({ ok: true, output: stdout }),
      (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );

    expect(result.output).not.toMatch(/FAILED/);
    expect(result.ok).toBe(true);
  }, 60_000);

  it('when the unit tests are read, then every alert has a case where it fires and one where a series stays silent', () => {
    const cases = TEST_FILES.flatMap((file) => (parse(readFileSync(join(OBSERVABILITY_DIR, file), 'utf8')) as { tests: RuleTest[] }).tests)
      .flatMap((test) => test.alert_rule_test ?? []);
    // A case that lists only some firing series also holds that the others are silent: promtool
    // compares the whole list. A case with no expected alert at all is an explicit healthy one.
    const firing = new Set(cases.filter((check) => check.exp_alerts.length > 0).map((check) => check.alertname));
    const silent = new Set(cases.filter((check) => check.exp_alerts.length === 0).map((check) => check.alertname));

    for (const { alert } of alerts) {
      expect(firing.has(alert!), `${alert} never fires in a test`).toBe(true);
      expect(silent.has(alert!), `${alert} has no healthy case`).toBe(true);
    }
    expect(alerts.length).toBeGreaterThanOrEqual(10);
  });

  it('when an alert is read, then it has a severity, a summary and a runbook section that exists in docs/operations.md', () => {
    const operations = readFileSync(join(PROJECT_ROOT, 'docs', 'operations.md'), 'utf8');
    const anchors = new Set([...operations.matchAll(/^#{2,4} (.+)$/gm)].map(([, heading]) => githubAnchor(heading!)));

    for (const rule of alerts) {
      expect(['critical', 'warning']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      const [file, anchor] = (rule.annotations?.runbook_url ?? '').split('#');
      expect(file, rule.alert).toBe('docs/operations.md');
      expect(anchors.has(anchor ?? ''), `${rule.alert}: no section #${anchor} in docs/operations.md`).toBe(true);
    }
  });

  it('when the PrometheusRule for the operator is read, then it holds exactly the groups of the rules file', () => {
    const [manifest] = parseAllDocuments(readFileSync(join(PROJECT_ROOT, 'deployments', 'k8s', 'monitoring', 'prometheus-rule.yaml'), 'utf8')).map((document) => document.toJS() as { kind: string; spec: { groups: unknown } });

    expect(manifest?.kind).toBe('PrometheusRule');
    expect(manifest?.spec.groups).toEqual(ruleGroups());
  });
});

// GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
function githubAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}
