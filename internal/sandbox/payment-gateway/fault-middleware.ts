import type { Socket } from 'node:net';
import type { Request, RequestHandler, Response } from 'express';
import type { FaultInjector } from './faults.ts';
import { sendError } from './send-error.ts';

/**
 * Requests the `hang` fault holds without an answer. Their sockets stay open
 * until the client gives up, `releaseAll()` runs, or the close signal fires:
 * then they are destroyed, so a server can close without waiting for them.
 */
export class HungRequests {
  readonly #sockets = new Set<Socket>();
  readonly #closeSignal: AbortSignal | undefined;

  constructor(closeSignal?: AbortSignal) {
    this.#closeSignal = closeSignal;
    closeSignal?.addEventListener('abort', () => this.releaseAll(), { once: true });
  }

  get size(): number {
    return this.#sockets.size;
  }

  hold(req: Request): void {
    const socket = req.socket;
    if (this.#closeSignal?.aborted) {
      socket.destroy();
      return;
    }
    // Read the body anyway so the request is complete and only the answer is missing.
    req.resume();
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  releaseAll(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }
}

/**
 * Applies the planned fault to an API request before anything else handles it
 * (so a faulted request changes no state): latency first, then the failure.
 */
export function faultMiddleware(faults: FaultInjector, hung: HungRequests, closeSignal?: AbortSignal): RequestHandler {
  return async (req, res, next) => {
    const plan = faults.plan(req.method === 'POST' && /^\/authorizations\/?$/.test(req.path));
    const { action } = plan;
    if (action.kind === 'hang') {
      hung.hold(req);
      return;
    }
    if (plan.latencyMs > 0 && !(await delay(plan.latencyMs, res, closeSignal))) {
      req.socket.destroy();
      return;
    }
    switch (action.kind) {
      case 'none':
        next();
        return;
      case 'reset':
        resetConnection(req.socket);
        return;
      case 'unavailable':
        sendError(res, 503, 'unavailable', 'the sandbox gateway is unavailable (injected fault)');
        return;
      case 'rate_limited':
        res.setHeader('Retry-After', String(action.retryAfterS));
        sendError(res, 429, 'rate_limited', 'too many requests (injected fault)');
        return;
    }
  };
}

// An RST, like a peer that crashed; a socket that is not TCP (a pipe) just closes.
function resetConnection(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** Resolves true after `ms`, or false as soon as the client goes away or the server closes. */
function delay(ms: number, res: Response, closeSignal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (elapsed: boolean): void => {
      clearTimeout(timer);
      res.off('close', onGone);
      closeSignal?.removeEventListener('abort', onGone);
      resolve(elapsed);
    };
    const onGone = (): void => finish(false);
    const timer = setTimeout(finish, ms, true);
    if (closeSignal?.aborted) return finish(false);
    res.once('close', onGone);
    closeSignal?.addEventListener('abort', onGone, { once: true });
  });
}
