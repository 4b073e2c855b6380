/**
 * Self time of a V8 `.cpuprofile` (what the diagnostics listener's
 * /debug/cpu-profile returns), grouped by package, so that a report can say
 * "kysely 9%" instead of listing thousands of frames. Pure: no I/O.
 */

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber?: number };
  readonly hitCount?: number;
}

export interface Share {
  readonly name: string;
  /** Share of the busy samples (idle excluded), 0..1. */
  readonly share: number;
}

export interface Frame extends Share {
  readonly package: string;
}

export interface ProfileSummary {
  /** Samples taken while the main thread was busy. */
  readonly busySamples: number;
  /** Share of all samples the main thread was idle (waiting for I/O): near 0 means CPU-bound. */
  readonly idleShare: number;
  readonly packages: readonly Share[];
  readonly frames: readonly Frame[];
}

const IDLE = '(idle)';

/** Which package a frame belongs to: an npm package, node core, V8's own entries, or a folder of this project. */
export function packageOf(url: string, functionName: string, projectRoot: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node core';
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const parts = path.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? path);
  }
  const root = projectRoot.endsWith('/') ? projectRoot : `${projectRoot}/`;
  if (path.startsWith(root)) {
    const folders = path.slice(root.length).split('/').slice(0, -1);
    return `ordersvc ${folders.slice(0, 3).join('/') || '.'}`;
  }
  return path;
}

export function summarizeProfile(profile: CpuProfile, projectRoot: string, top = 12): ProfileSummary {
  const hits = new Map<number, number>();
  if (profile.samples && profile.samples.length > 0) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  }
  const byPackage = new Map<string, number>();
  const byFrame = new Map<string, { package: string; name: string; hits: number }>();
  let idle = 0;
  let all = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0) continue;
    all += count;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === IDLE) {
      idle += count;
      continue;
    }
    const pkg = packageOf(url, functionName, projectRoot);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + count);
    const file = url === '' ? '' : ` ${url.slice(url.lastIndexOf('/') + 1)}:${(lineNumber ?? 0) + 1}`;
    const name = `${functionName || '(anonymous)'}${file}`;
    const key = `${pkg}\u0000${name}`;
    const frame = byFrame.get(key) ?? { package: pkg, name, hits: 0 };
    frame.hits += count;
    byFrame.set(key, frame);
  }
  const busy = all - idle;
  const share = (n: number) => (busy === 0 ? 0 : n / busy);
  return {
    busySamples: busy,
    idleShare: all === 0 ? 0 : idle / all,
    packages: [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, n]) => ({ name, share: share(n) })),
    frames: [...byFrame.values()].sort((a, b) => b.hits - a.hits).slice(0, top).map((f) => ({ name: f.name, package: f.package, share: share(f.hits) })),
  };
}
