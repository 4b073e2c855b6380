import type { RequestHandler } from 'express';
import type { ChooseReleaseChannel } from '../../../app/flags/choose-release-channel.use-case.ts';
import { isReleaseChannel, type ReleaseChannel } from '../../../domain/flags/release-channel.ts';

export interface ReleaseChannelSettings {
  /** The request header a caller asks for a channel with; the response names the channel under it too. */
  readonly header: string;
  readonly choose: ChooseReleaseChannel;
}

/**
 * Gray release routing: picks the channel (variant) serving the request,
 * puts it in `req.ctx.channel` for the use-cases, says it in the response
 * header, and leaves it for the access log and the metrics. A failure to
 * decide serves stable.
 */
export function releaseChannel(settings: ReleaseChannelSettings): RequestHandler {
  return async (req, res, next) => {
    const asked = req.header(settings.header)?.trim().toLowerCase();
    let channel: ReleaseChannel = 'stable';
    try {
      channel = await settings.choose.execute(req.ctx, isReleaseChannel(asked) ? asked : undefined);
    } catch (error) {
      req.ctx.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'the release channel could not be chosen; serving stable');
    }
    req.ctx = { ...req.ctx, channel };
    res.locals.releaseChannel = channel;
    res.setHeader(settings.header, channel);
    next();
  };
}
