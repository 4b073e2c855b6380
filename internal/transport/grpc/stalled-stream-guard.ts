import { constants as http2 } from 'node:http2';
import { ServerInterceptingCall, status, type ServerInterceptingCallInterface, type ServerInterceptor } from '@grpc/grpc-js';

export interface StalledStreamSettings {
  /** How long a sent message may wait for the client to take it (HTTP/2 flow control) before the stream is reset. */
  readonly stallMs: number;
  /** A stream was reset: its method path (`/ordersvc.v1.ActivityService/WatchUserActivity`). */
  readonly onCut: (path: string) => void;
}

/** What a reset needs of grpc-js' HTTP/2 stream. */
interface ResettableStream {
  readonly closed: boolean;
  readonly destroyed: boolean;
  close(code: number): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Backpressure of server streams, and why this guard exists. nice-grpc writes a
 * message, and when grpc-js' call says its buffer is full it waits for `drain`
 * before asking the handler for the next one; grpc-js writes one message at a
 * time into the HTTP/2 stream, which holds it until the client's flow-control
 * window lets it out. So what a stream holds is bounded (the call's 16-message
 * buffer, one message in HTTP/2, and the activity subscription's own bounded
 * buffer behind it) — but a client that never reads would hold it, its watch
 * slot and its subscription forever: no status can reach it either, since
 * trailers queue behind the data it does not take.
 *
 * So a server stream whose message has not been taken for `stallMs` is reset
 * (RST_STREAM ENHANCE_YOUR_CALM, which gRPC clients report as
 * RESOURCE_EXHAUSTED): the call is cancelled, the handler's loop ends and
 * everything it held is released. Unary calls are not guarded (their one
 * message is small and the deadline or budget ends them).
 *
 * Hand-written because grpc-js has no per-stream send timeout; it is a grpc-js
 * server interceptor (public API). The one private thing it touches is the
 * HTTP/2 stream of grpc-js' base call (`stream`, reached through `nextCall` of
 * interceptors before this one), since no public call method resets a stream:
 * when a grpc-js release moves it, the guard falls back to
 * ending the call with RESOURCE_EXHAUSTED and the e2e test
 * (test/api/grpc/grpc-activity.e2e.test.ts) fails.
 */
export function stalledStreamGuard(settings: StalledStreamSettings): ServerInterceptor {
  return (method, call) => (method.responseStream ? new StallGuardedCall(call, method.path, settings) : new ServerInterceptingCall(call));
}

class StallGuardedCall extends ServerInterceptingCall {
  readonly #base: ServerInterceptingCallInterface;
  readonly #path: string;
  readonly #settings: StalledStreamSettings;
  #timer: NodeJS.Timeout | undefined;

  constructor(call: ServerInterceptingCallInterface, path: string, settings: StalledStreamSettings) {
    super(call);
    this.#base = call;
    this.#path = path;
    this.#settings = settings;
    streamOf(call)?.once('close', () => clearTimeout(this.#timer));
  }

  // grpc-js' `message` is untyped (the handler's serialized response); it is only passed on.
  override sendMessage(message: unknown, callback: () => void): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#cut(), this.#settings.stallMs);
    this.#timer.unref();
    super.sendMessage(message, () => {
      clearTimeout(this.#timer);
      callback();
    });
  }

  #cut(): void {
    const stream = streamOf(this.#base);
    if (stream?.closed || stream?.destroyed) return;
    this.#settings.onCut(this.#path);
    if (stream) stream.close(http2.NGHTTP2_ENHANCE_YOUR_CALM);
    else this.#base.sendStatus({ code: status.RESOURCE_EXHAUSTED, details: 'the client stopped reading the stream' });
  }
}

/** The HTTP/2 stream of grpc-js' base call, through any interceptors grpc-js put before this one. */
function streamOf(call: ServerInterceptingCallInterface): ResettableStream | undefined {
  let current: unknown = call;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth += 1) {
    const stream: unknown = Reflect.get(current, 'stream');
    if (isResettable(stream)) return stream;
    current = Reflect.get(current, 'nextCall');
  }
  return undefined;
}

function isResettable(value: unknown): value is ResettableStream {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ResettableStream>;
  return typeof candidate.close === 'function' && typeof candidate.once === 'function';
}
