import { Pool } from 'undici';
import { startHttpClientSpan } from '../../platform/tracing/http-client-spans.ts';
import { errorCodeOf, parseRetryAfter } from './gateway-wire.ts';
import { GatewayBusyError, GatewayTransportError } from './payment-gateway.errors.ts';

export interface GatewayRequest {
  readonly method: 'GET' | 'POST';
  /** From the API root, e.g. `/v1/authorizations`; already encoded. */
  readonly path: string;
  readonly idempotencyKey?: string | undefined;
  readonly body?: unknown;
  /** `path` with placeholders for its ids (`/v1/authorizations/{id}`), for traces. */
  readonly template?: string | undefined;
}

/** An answer the caller has to interpret: anything but 5xx and 429. */
export interface GatewayResponse {
  readonly status: number;
  /** Parsed JSON; undefined when empty or not JSON. */
  readonly body: unknown;
}

export interface GatewayHttpClientOptions {
  readonly baseUrl: string;
  /** Kept-alive sockets to the gateway, at most. */
  readonly connections: number;
  /** Idle time after which a kept-alive socket is closed; keep it below the server's. */
  readonly keepAliveTimeoutMs: number;
}

// A gateway answer is a few hundred bytes; anything this large is not one.
const MAX_RESPONSE_BYTES = 1024 * 1024;

// Failures of our own client: another attempt would fail the same way.
/** Failures to open a connection: the request never left this process. */
const NOT_CONNECTED_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

const NOT_RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_INVALID_RETURN_VALUE',
]);

/**
 * One HTTP exchange with the gateway over a pool of kept-alive connections
 * (undici). It makes no retries and knows no payment rules; it turns "no
 * answer" into `GatewayTransportError` and "not now" (5xx, 429) into
 * `GatewayBusyError`.
 */
export class GatewayHttpClient {
  readonly #pool: Pool;
  readonly #basePath: string;
  readonly #base: URL;

  constructor(options: GatewayHttpClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`payment gateway URL must be http(s): ${url.protocol}`);
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#base = url;
    this.#pool = new Pool(url.origin, { connections: options.connections, keepAliveTimeout: options.keepAliveTimeoutMs });
  }

  /**
   * Sends one request; `signal` bounds the whole exchange, body included.
   * Every attempt carries a `traceparent`: that of its client span while
   * tracing, else one with `traceId` (the caller's) when that is a W3C id.
   * @throws GatewayTransportError without an answer (after `signal` aborts too)
   * @throws GatewayBusyError on 5xx and 429
   */
  async send(request: GatewayRequest, signal: AbortSignal, traceId?: string): Promise<GatewayResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    const path = `${this.#basePath}${request.path}`;
    const span = startHttpClientSpan({ method: request.method, base: this.#base, path, template: request.template, traceId }, headers);
    try {
      const response = await this.#exchange(request.method, path, headers, request.body, signal);
      span?.end({ status: response.status });
      return response;
    } catch (error) {
      span?.end({ ...(error instanceof GatewayBusyError ? { status: error.status } : {}), error });
      throw error;
    }
  }

  async #exchange(method: GatewayRequest['method'], path: string, headers: Record<string, string>, requestBody: unknown, signal: AbortSignal): Promise<GatewayResponse> {
    let status: number;
    let retryAfterMs: number | undefined;
    let body: unknown;
    try {
      const response = await this.#pool.request({
        method,
        path,
        headers,
        body: requestBody === undefined ? null : JSON.stringify(requestBody),
        signal,
      });
      status = response.statusCode;
      retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      body = parseJson(await readText(response.body));
    } catch (error) {
      throw transportError(error, signal);
    }
    if (status >= 500 || status === 429) throw new GatewayBusyError(status, retryAfterMs, errorCodeOf(body));
    return { status, body };
  }

  /** Lets running requests finish, then closes every socket. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}

async function readText(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    // Leaving the loop early destroys the stream (and its socket).
    if (size > MAX_RESPONSE_BYTES) throw new Error(`payment gateway response larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function transportError(error: unknown, signal: AbortSignal): GatewayTransportError {
  if (signal.aborted) {
    const timedOut = signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError';
    return new GatewayTransportError(timedOut ? 'no answer from the payment gateway in time' : 'the request to the payment gateway was aborted', {
      cause: error,
      timedOut,
      retryable: timedOut,
    });
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  // No connection, so nothing was sent: the caller learns at once (another attempt would meet the same closed door).
  const notSent = code !== undefined && NOT_CONNECTED_CODES.has(code);
  return new GatewayTransportError(`could not reach the payment gateway${code ? ` (${code})` : ''}`, {
    cause: error,
    timedOut: false,
    retryable: !notSent && (code === undefined || !NOT_RETRYABLE_CODES.has(code)),
    notSent,
  });
}
