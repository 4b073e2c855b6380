/**
 * A message shaped and sized like one of the service's CloudEvents envelopes
 * (`ordersvc.order.placed.v1` with its JSON data), padded to `bytes`, for the
 * bare JetStream baseline: the broker's cost depends on the size, not on
 * what the bytes say.
 */
export function eventLikeMessage(id: string, bytes: number): Uint8Array {
  const envelope = {
    specversion: '1.0',
    id,
    source: '/ordersvc',
    type: 'ordersvc.order.placed.v1',
    subject: id,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { order_id: id, pad: '' },
  };
  const bare = JSON.stringify(envelope).length;
  envelope.data.pad = 'x'.repeat(Math.max(0, bytes - bare));
  return new TextEncoder().encode(JSON.stringify(envelope));
}
