import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger/logger.ts';
import { Components } from './component.ts';

const quiet = createLogger({ level: 'silent' });

describe('Components', () => {
  it('when components start, then they stop in reverse order, once, even when one stop fails', async () => {
    const seen: string[] = [];
    const components = new Components(quiet);
    for (const name of ['database', 'jobs', 'http']) {
      await components.start({
        name,
        start: () => void seen.push(`start ${name}`),
        stop: () => {
          seen.push(`stop ${name}`);
          if (name === 'jobs') throw new Error('jobs would not stop');
        },
      });
    }

    const [clean, again] = await Promise.all([components.stop(), components.stop()]);

    expect(seen).toEqual(['start database', 'start jobs', 'start http', 'stop http', 'stop jobs', 'stop database']);
    expect({ clean, again }).toEqual({ clean: false, again: false });
  });

  it('when a component fails to start, then it is not kept, and stopping stops only those that started', async () => {
    const seen: string[] = [];
    const components = new Components(quiet);
    await components.start({ name: 'database', stop: () => void seen.push('stop database') });

    await expect(components.start({ name: 'http', start: () => Promise.reject(new Error('port taken')), stop: () => void seen.push('stop http') })).rejects.toThrow('port taken');
    const clean = await components.stop();

    expect({ seen, clean, names: components.names }).toEqual({ seen: ['stop database'], clean: true, names: ['database'] });
    await expect(components.start({ name: 'late', stop: () => undefined })).rejects.toThrow('the service is stopping');
  });
});
