/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

export interface SseStream {
  readonly status: number;
  readonly headers: Headers;
  /** Every event received so far, in order. */
  readonly events: SseEvent[];
  /** Comment lines (heartbeats) received so far. */
  readonly comments: string[];
  /** The `retry` field, once received. */
  retry: number | undefined;
  /** Resolves when the server ends the stream (`clean`) or the connection breaks. */
  readonly ended: Promise<'clean' | 'error'>;
  /** Waits (with a deadline) until `count` events have arrived; returns them all. */
  until(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Waits until `condition` holds (checked whenever something arrives). */
  when(condition: (stream: SseStream) => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** A small SSE reader over fetch streaming (the WHATWG parsing rules, minus the ones this API never uses). */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const stream: SseStream = {
    status: response.status,
    headers: response.headers,
    events: [],
    comments: [],
    retry: undefined,
    ended: Promise.resolve('clean'),
    until: async (count, timeoutMs = 5_000) => {
      await stream.when((s) => s.events.length >= count, `${count} events (have ${stream.events.length})`, timeoutMs);
      return stream.events.slice(0, count);
    },
    when: (condition, what, timeoutMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!condition(stream)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    close: () => controller.abort(),
  };
  if (!response.ok || !response.body) return { ...stream, ended: Promise.resolve('clean') };

  const decoder = new TextDecoder();
  let buffer = '';
  let id: string | undefined;
  let event = 'message';
  let data: string[] = [];
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) stream.events.push({ id, event, data: data.join('\n') });
      event = 'message';
      data = [];
      return;
    }
    if (text.startsWith(':')) return void stream.comments.push(text.slice(1).trim());
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry') stream.retry = Number(value);
  };
  const reader = response.body.getReader();
  const ended = (async (): Promise<'clean' | 'error'> => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'clean';
        buffer += decoder.decode(value, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) !== -1) {
          line(buffer.slice(0, newline).replace(/\r$/, ''));
          buffer = buffer.slice(newline + 1);
        }
        changed();
      }
    } catch {
      return 'error';
    } finally {
      changed();
    }
  })();
  return Object.assign(stream, { ended });
}
