import { describe, expect, it } from 'vitest';
import { JOB_CURSOR } from './job-cursor.ts';

describe('job cursor', () => {
  it('when a position is encoded, then decoding gives it back', () => {
    const position = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: '0b5a3f9e-55a7-4d5c-9a4e-6f1c1f0e7d21' };

    expect(JOB_CURSOR.decode(JOB_CURSOR.encode(position))).toEqual(position);
  });

  it.each(['', 'garbage', Buffer.from('u1.0b5a3f9e-55a7-4d5c-9a4e-6f1c1f0e7d21').toString('base64url'), Buffer.from('j1.yesterday|0b5a3f9e-55a7-4d5c-9a4e-6f1c1f0e7d21').toString('base64url')])(
    'when the cursor is %j, then it is refused as INVALID_CURSOR',
    (cursor) => {
      expect(() => JOB_CURSOR.decode(cursor)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
    },
  );
});
