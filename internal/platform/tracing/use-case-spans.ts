import type { Tracer } from '@opentelemetry/api';
import { recordFailure } from './spans.ts';

interface Executable {
  execute(...args: never[]): unknown;
}

function isExecutable(value: unknown): value is Executable {
  return typeof value === 'object' && value !== null && typeof (value as { execute?: unknown }).execute === 'function';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The use-case with every `execute` call in a span named after its class.
 * Everything else reaches the use-case itself (private fields included: the
 * wrapper calls the use-case's own methods, never on itself).
 */
export function traceUseCase<T extends object>(tracer: Tracer, useCase: T): T {
  if (!isExecutable(useCase)) return useCase;
  const name = useCase.constructor.name;
  const execute = (...args: never[]): unknown =>
    tracer.startActiveSpan(name, (span) => {
      let result: unknown;
      try {
        result = useCase.execute(...args);
      } catch (error) {
        recordFailure(span, error);
        span.end();
        throw error;
      }
      if (!(result instanceof Promise)) {
        span.end();
        return result;
      }
      return result.then(
        (value: unknown) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          recordFailure(span, error);
          span.end();
          throw error;
        },
      );
    });
  return new Proxy(useCase, {
    get(target, property) {
      if (property === 'execute') return execute;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Wiring: `deps` with each use-case traced, whether it stands alone (has an
 * `execute`) or sits in a group of use-cases (a plain object one level down).
 * Anything else is passed through untouched.
 */
export function traceUseCases<T extends object>(tracer: Tracer, deps: T): T {
  const traced: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(deps)) {
    if (isExecutable(value)) traced[key] = traceUseCase(tracer, value);
    else if (isPlainObject(value) && Object.values(value).some(isExecutable)) {
      traced[key] = Object.fromEntries(Object.entries(value).map(([name, member]) => [name, isExecutable(member) ? traceUseCase(tracer, member) : member]));
    } else traced[key] = value;
  }
  return traced as T;
}

