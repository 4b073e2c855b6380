import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { problemBody } from '../http/problem.ts';

export interface DiagnosticsProblem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
}

/** An RFC 9457 problem document, the public API's shape (without a trace id: these requests have none). */
export function sendDiagnosticsProblem(req: Request, res: Response, problem: DiagnosticsProblem): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(problem.status).type('application/problem+json').set('Cache-Control', 'no-store').send(JSON.stringify(problemBody(req, problem)));
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
