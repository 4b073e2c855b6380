import { context, SpanKind, type Tracer } from '@opentelemetry/api';
import { ATTR_DB_OPERATION_NAME, ATTR_DB_SYSTEM_NAME } from '@opentelemetry/semantic-conventions';
import { insideSpan, recordFailure } from './spans.ts';

/** The part of an ioredis command that spans look at: its name and its outcome, never its arguments. */
interface RedisCommand {
  readonly name: string;
  readonly promise: Promise<unknown>;
}

/** An ioredis client (only the method every command passes through). */
export interface CommandSender {
  sendCommand(command: RedisCommand, ...rest: never[]): unknown;
}

/**
 * Wraps the client's `sendCommand` so that each command sent within a traced
 * unit of work is a client span named after the command (`GET`, `EVALSHA`):
 * no keys and no values. A command that is sent again after a reconnect
 * keeps its one span.
 */
export function traceRedisCommands(client: CommandSender, tracer: Tracer): void {
  const send = client.sendCommand.bind(client);
  const traced = new WeakSet<RedisCommand>();
  client.sendCommand = (command, ...rest) => {
    if (!traced.has(command) && insideSpan()) {
      traced.add(command);
      const name = command.name.toUpperCase();
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: { [ATTR_DB_SYSTEM_NAME]: 'redis', [ATTR_DB_OPERATION_NAME]: name } }, context.active());
      command.promise.then(
        () => span.end(),
        (error: unknown) => {
          recordFailure(span, error);
          span.end();
        },
      );
    }
    return send(command, ...rest);
  };
}
