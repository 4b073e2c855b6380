import type { JobPosition } from '../../domain/jobs/job.ts';
import { InvalidCursorError, strictBase64url } from '../shared/id-cursor.ts';

const TAG = 'j1.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The opaque cursor of the job listing: the creation time and id of the last job of a page. */
export const JOB_CURSOR = {
  encode: (position: JobPosition): string => Buffer.from(`${TAG}${position.createdAt.toISOString()}|${position.id}`, 'utf8').toString('base64url'),
  /** @throws InvalidCursorError */
  decode(cursor: string): JobPosition {
    const decoded = strictBase64url(cursor);
    const [time, id] = decoded.slice(TAG.length).split('|');
    const createdAt = new Date(time ?? '');
    if (!decoded.startsWith(TAG) || id === undefined || !UUID.test(id) || Number.isNaN(createdAt.getTime())) throw new InvalidCursorError();
    return { createdAt, id };
  },
};
