import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../cmd/shared/project-paths.ts';

export const OBSERVABILITY_DIR = join(PROJECT_ROOT, 'deployments', 'observability');

export interface Rule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

export function ruleGroups(): RuleGroup[] {
  return (parse(readFileSync(join(OBSERVABILITY_DIR, 'prometheus-rules.yaml'), 'utf8')) as { groups: RuleGroup[] }).groups;
}

export interface DashboardPanel {
  readonly title?: string;
  readonly type: string;
  readonly targets?: readonly { readonly expr: string }[];
  readonly panels?: readonly DashboardPanel[];
}

export function dashboard(): { readonly panels: readonly DashboardPanel[]; readonly templating: { readonly list: readonly { readonly query?: unknown }[] } } {
  return JSON.parse(readFileSync(join(OBSERVABILITY_DIR, 'ordersvc-dashboard.json'), 'utf8')) as ReturnType<typeof dashboard>;
}
