/** HTTP/2 connections the gRPC load is multiplexed over; the service allows 100 concurrent streams per connection (GRPC_MAX_CONCURRENT_STREAMS). */
export const GRPC_CHANNELS = 4;
