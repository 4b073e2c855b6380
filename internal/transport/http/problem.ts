import type { Request, Response } from 'express';

export interface FieldError {
  readonly pointer: string;
  readonly message: string;
  readonly code?: string;
}

export interface ProblemInit {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  /** Extension members (RFC 9457 §3.2), e.g. the lines that are short of stock. */
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

const TYPE_BASE = 'https://ordersvc.dev/problems/';

/** The RFC 9457 problem document for a request; `traceId` names the request that decided it (a replay names the first). */
export function problemBody(req: Request, problem: ProblemInit, traceId: string = req.traceId): Record<string, unknown> {
  return {
    ...problem.extensions,
    type: TYPE_BASE + problem.code.toLowerCase().replaceAll('_', '-'),
    title: problem.title,
    status: problem.status,
    code: problem.code,
    ...(problem.detail === undefined ? {} : { detail: problem.detail }),
    instance: req.originalUrl.split('?')[0],
    trace_id: traceId,
    ...(problem.errors && problem.errors.length > 0 ? { errors: problem.errors } : {}),
  };
}

/** Writes an RFC 9457 problem document. */
export function sendProblem(req: Request, res: Response, problem: ProblemInit, traceId: string = req.traceId): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(problem.headers ?? {})) res.setHeader(name, value);
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problemBody(req, problem, traceId)));
}
