import type { SignedIn, TestApp } from './test-app.ts';

/** A REST rename through `app` (PATCH with the etag just read): one `profile_updated` event in the user's activity. */
export async function renameUser(app: TestApp, who: SignedIn, name: string): Promise<void> {
  const client = app.clientWithToken(who.token);
  const current = await client.GET('/v1/users/{id}', { params: { path: { id: who.user.id } } });
  const { response } = await client.PATCH('/v1/users/{id}', {
    params: { path: { id: who.user.id }, header: { 'If-Match': current.response.headers.get('etag')! } },
    body: { name },
  });
  if (response.status !== 200) throw new Error(`rename answered ${response.status}, not 200`);
}

/**
 * `count` events of about 8 KB each for the user, committed at once and announced as the recorder does
 * (the hub then reads them page by page): fills a subscriber's buffer faster than any REST write.
 */
export async function activityBurst(app: TestApp, userId: string, count: number): Promise<void> {
  await app.database.pool.query(
    `WITH inserted AS (
       INSERT INTO activity_events (user_id, type, data)
       SELECT $1, 'profile_updated', jsonb_build_object('fields', jsonb_build_array('name'), 'padding', repeat(md5(n::text), 250))
       FROM generate_series(1, $2::int) AS n
       RETURNING id)
     SELECT pg_notify('ordersvc_activity', json_build_object('user_id', $1::text, 'id', max(id)::text)::text) FROM inserted`,
    [userId, count],
  );
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs` naming `what`. */
export async function untilHolds(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
