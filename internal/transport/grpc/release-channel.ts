import type { ServerMiddleware } from 'nice-grpc';
import type { ChooseReleaseChannel } from '../../app/flags/choose-release-channel.use-case.ts';
import { isReleaseChannel, type ReleaseChannel } from '../../domain/flags/release-channel.ts';
import type { RpcContextExt } from './call-context.ts';

export interface ReleaseChannelSettings {
  /** The metadata key a caller asks for a channel with (REST's header, e.g. `x-release-channel`); the answer names it too. */
  readonly header: string;
  readonly choose: ChooseReleaseChannel;
}

/** Gray release as over REST: the channel serving the call goes into `ctx.channel` and the response header. */
export function releaseChannel(settings: ReleaseChannelSettings): ServerMiddleware<RpcContextExt, RpcContextExt> {
  const key = settings.header.toLowerCase();
  return async function* (call, context) {
    const asked = context.metadata.get(key);
    const wanted = typeof asked === 'string' ? asked.trim().toLowerCase() : undefined;
    let channel: ReleaseChannel = 'stable';
    try {
      channel = await settings.choose.execute(context.ctx, isReleaseChannel(wanted) ? wanted : undefined);
    } catch (error) {
      context.ctx.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'the release channel could not be chosen; serving stable');
    }
    context.ctx = { ...context.ctx, channel };
    context.header.set(key, channel);
    return yield* call.next(call.request, context);
  };
}
