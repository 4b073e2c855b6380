import type { ErrorRequestHandler, RequestHandler } from 'express';

const HEAD = Symbol('head request');
type Marked = { [HEAD]?: true };

/**
 * HEAD is GET without a body (RFC 9110 §9.3.2). The contract lists only the
 * GET operations, so the contract validator is shown a HEAD as the GET it
 * stands for, and the method is put back afterwards (the routes answer HEAD
 * from their GET handlers, Node sends no body, the logs say HEAD).
 * `asGet` goes before the validator, `restore` and `restoreOnError` after it.
 */
export const headRequests: { asGet: RequestHandler; restore: RequestHandler; restoreOnError: ErrorRequestHandler } = {
  asGet: (req, _res, next) => {
    if (req.method === 'HEAD') {
      req.method = 'GET';
      (req as Marked)[HEAD] = true;
    }
    next();
  },
  restore: (req, _res, next) => {
    putBack(req);
    next();
  },
  restoreOnError: (error: unknown, req, _res, next) => {
    putBack(req);
    next(error);
  },
};

function putBack(req: Parameters<RequestHandler>[0]): void {
  if ((req as Marked)[HEAD]) req.method = 'HEAD';
}
