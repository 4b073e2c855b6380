import { PROJECT_ROOT } from '../cmd/shared/project-paths.ts';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from './profile-summary.ts';

const MAX_SECONDS = 120;

/**
 * Starts a CPU profile of the service over the next `seconds` through its
 * diagnostics listener; resolves to the summary, or undefined (with a log
 * line) when the profile could not be taken, which never fails the run.
 */
export function profileService(diagnosticsUrl: string, seconds: number, log: (line: string) => void): Promise<ProfileSummary | undefined> {
  const window = Math.max(1, Math.min(MAX_SECONDS, seconds));
  return (async () => {
    const response = await fetch(`${diagnosticsUrl}/debug/cpu-profile?seconds=${window}`, { signal: AbortSignal.timeout((window + 30) * 1_000) });
    if (response.status !== 200) throw new Error(`answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    return summarizeProfile((await response.json()) as CpuProfile, PROJECT_ROOT);
  })().catch((error: unknown) => {
    log(`no CPU profile: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
}
