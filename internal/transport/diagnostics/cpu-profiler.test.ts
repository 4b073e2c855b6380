import { describe, expect, it } from 'vitest';
import { CpuProfiler, ProfileCancelledError, ProfilerBusyError } from './cpu-profiler.ts';

describe('CpuProfiler', () => {
  it('when a profile is running, then a second one is refused, and after it ends one may start again', async () => {
    const profiler = new CpuProfiler();
    const first = profiler.profile(1, new AbortController().signal);

    await expect(profiler.profile(1, new AbortController().signal)).rejects.toBeInstanceOf(ProfilerBusyError);
    const profile = await first;

    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(profiler.busy).toBe(false);
  });

  it('when the listener shuts down during a profile, then the profile is dropped and the profiler is free', async () => {
    const profiler = new CpuProfiler();
    const running = profiler.profile(60, new AbortController().signal);

    profiler.cancel();

    await expect(running).rejects.toBeInstanceOf(ProfileCancelledError);
    expect(profiler.busy).toBe(false);
  });

  it('when the client goes away during a profile, then it rejects with the reason and the profiler is free', async () => {
    const profiler = new CpuProfiler();
    const client = new AbortController();
    const running = profiler.profile(60, client.signal);

    client.abort(new Error('gone'));

    await expect(running).rejects.toThrow('gone');
    expect(profiler.busy).toBe(false);
  });
});
