import { describe, expect, it } from 'vitest';
import { eventLikeMessage } from './event-like-message.ts';

describe('an event-like message', () => {
  it('when a size is asked for, then the message has exactly that many bytes and is a CloudEvents-shaped JSON object', () => {
    const message = eventLikeMessage('0190a1b2-0000-7000-8000-000000000000', 700);
    expect(message.byteLength).toBe(700);
    const parsed = JSON.parse(new TextDecoder().decode(message)) as { specversion: string; type: string };
    expect(parsed.specversion).toBe('1.0');
    expect(parsed.type).toBe('ordersvc.order.placed.v1');
  });
  it('when the size is below the bare envelope, then the envelope is not cut', () => {
    expect(eventLikeMessage('id', 10).byteLength).toBeGreaterThan(10);
  });
});
