import { Router, type Request, type Response } from 'express';
import { CARD_TOKENS, type AuthorizationStore, type AuthorizeInput, type Transition } from './authorization-store.ts';
import type { FaultInjector } from './faults.ts';
import { sendError } from './send-error.ts';

const MAX_KEY_LENGTH = 200;
const TRANSITIONS: readonly Transition[] = ['capture', 'void', 'refund'];

/** The card-processor API under `/v1`. Faults were already applied by the time a handler runs. */
export function authorizationRoutes(store: AuthorizationStore, faults: FaultInjector): Router {
  const router = Router();

  router.post('/authorizations', async (req, res) => {
    const input = parseAuthorizeRequest(req, res);
    if (!input) return;
    const result = store.authorize(input);
    // Answered only once stored: a replay may come before the first request's write is done.
    if (result.kind === 'created' || result.kind === 'replayed') await store.saved(result.authorization.id);
    switch (result.kind) {
      case 'invalid_card_token':
        return sendError(res, 400, 'invalid_card_token', `unknown card_token; use one of ${CARD_TOKENS.join(', ')}`);
      case 'idempotency_key_reused':
        return sendError(res, 422, 'idempotency_key_reused', 'this Idempotency-Key was used with another request body');
      case 'created':
      case 'replayed':
        // The work is done; only the answer gets lost on the way back.
        if (faults.takeFailAfterCommit()) {
          return sendError(res, 503, 'unavailable', 'the sandbox gateway is unavailable (injected fault after commit)');
        }
        if (result.kind === 'replayed') res.setHeader('Idempotent-Replayed', 'true');
        res.status(result.kind === 'created' ? 201 : 200).json(result.authorization);
    }
  });

  router.get('/authorizations', (req, res) => {
    const key = req.query.idempotency_key;
    if (typeof key !== 'string' || !isValidKey(key)) {
      return sendError(res, 400, 'invalid_request', `query parameter idempotency_key is required (1..${MAX_KEY_LENGTH} characters)`);
    }
    const found = store.findByIdempotencyKey(key);
    res.json({ items: found ? [found] : [] });
  });

  router.get('/authorizations/:id', (req, res) => {
    const found = store.get(req.params.id);
    if (!found) return sendError(res, 404, 'not_found', `no authorization ${req.params.id}`);
    res.json(found);
  });

  for (const transition of TRANSITIONS) {
    router.post(`/authorizations/:id/${transition}`, async (req: Request<{ id: string }>, res) => {
      const result = store.apply(req.params.id, transition);
      if (result.kind === 'ok') await store.saved(result.authorization.id);
      switch (result.kind) {
        case 'not_found':
          return sendError(res, 404, 'not_found', `no authorization ${req.params.id}`);
        case 'invalid_state':
          return sendError(res, 409, 'invalid_state', `cannot ${transition} an authorization that is ${result.status}`);
        case 'ok':
          res.json(result.authorization);
      }
    });
  }

  return router;
}

function parseAuthorizeRequest(req: Request, res: Response): AuthorizeInput | undefined {
  const idempotencyKey = req.get('Idempotency-Key');
  if (idempotencyKey === undefined || !isValidKey(idempotencyKey)) {
    sendError(res, 400, 'invalid_request', `the Idempotency-Key header is required (1..${MAX_KEY_LENGTH} characters)`);
    return undefined;
  }
  const body: unknown = req.body;
  const problem = describeInvalidBody(body);
  if (problem !== undefined) {
    sendError(res, 400, 'invalid_request', problem);
    return undefined;
  }
  const { amount, currency, card_token } = body as { amount: number; currency: string; card_token: string };
  return { idempotencyKey, amount, currency, cardToken: card_token };
}

function describeInvalidBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const { amount, currency, card_token } = body as Record<string, unknown>;
  if (!Number.isSafeInteger(amount) || (amount as number) < 1) return 'amount must be an integer >= 1 (minor units)';
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return 'currency must be three upper-case letters (ISO 4217)';
  if (typeof card_token !== 'string') return 'card_token must be a string';
  return undefined;
}

function isValidKey(key: string): boolean {
  return key.length >= 1 && key.length <= MAX_KEY_LENGTH;
}
