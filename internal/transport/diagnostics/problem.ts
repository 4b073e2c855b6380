import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';

export interface DiagnosticsProblem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
}

const TYPE_BASE = 'https://ordersvc.dev/problems/';

/** An RFC 9457 problem document, like the public API's (without a trace id: these requests have none). */
export function sendDiagnosticsProblem(req: Request, res: Response, problem: DiagnosticsProblem): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .status(problem.status)
    .type('application/problem+json')
    .set('Cache-Control', 'no-store')
    .send(
      JSON.stringify({
        type: TYPE_BASE + problem.code.toLowerCase().replaceAll('_', '-'),
        title: problem.title,
        status: problem.status,
        code: problem.code,
        ...(problem.detail === undefined ? {} : { detail: problem.detail }),
        instance: req.originalUrl.split('?')[0],
      }),
    );
}

/** A problem a handler throws on purpose (bad query, busy profiler). */
export class DiagnosticsRequestError extends Error {
  override readonly name = 'DiagnosticsRequestError';
  readonly problem: DiagnosticsProblem;

  constructor(problem: DiagnosticsProblem) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
  }
}

export function notFound(): RequestHandler {
  return (req, res) =>
    sendDiagnosticsProblem(req, res, { status: 404, code: 'ROUTE_NOT_FOUND', title: 'No such route', detail: 'GET / lists the diagnostics endpoints.' });
}

/** Expected problems as they are; anything else a logged 500. */
export function diagnosticsErrorHandler(log: { error(obj: object, msg?: string): void }): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof DiagnosticsRequestError) {
      sendDiagnosticsProblem(req, res, error.problem);
      return;
    }
    log.error({ err: error, path: req.path }, 'diagnostics request failed');
    sendDiagnosticsProblem(req, res, { status: 500, code: 'INTERNAL', title: 'Internal server error', detail: 'The failure was logged.' });
  };
}
