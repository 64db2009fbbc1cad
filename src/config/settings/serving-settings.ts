import type { Setting } from '../settings.js';
import { MAX_INT32 } from '../setting-kinds.js';

/**
 * How the node serves: its cache, the limits on what it accepts and admits, and its connection timeouts.
 * In documentation order: SETTINGS (../settings.ts) lists the groups in turn.
 */
export const SERVING_SETTINGS: readonly Setting[] = [
  {
    key: 'cache.maxEntries',
    name: 'cache-max-entries',
    env: 'IDNODE_CACHE_MAX_ENTRIES',
    defaultValue: 100_000,
    // lru-cache allocates its index arrays for `max` entries up front, so the bound keeps that sane.
    kind: { type: 'integer', min: 1, max: 10_000_000 },
    description: 'Resolution cache: most identifiers kept.',
  },
  {
    key: 'cache.maxBytes',
    name: 'cache-max-bytes',
    env: 'IDNODE_CACHE_MAX_BYTES',
    defaultValue: 268_435_456,
    kind: { type: 'integer', min: 1, max: 1_099_511_627_776 },
    description: 'Resolution cache: most (estimated) bytes kept.',
  },
  {
    key: 'cache.maxTtlSeconds',
    name: 'cache-max-ttl-seconds',
    env: 'IDNODE_CACHE_MAX_TTL_SECONDS',
    defaultValue: 86_400,
    kind: { type: 'integer', min: 0, max: MAX_INT32 },
    description: 'Longest life of a cached answer, whatever its values’ TTLs; 0 disables caching of found identifiers.',
  },
  {
    key: 'cache.notFoundTtlSeconds',
    name: 'cache-not-found-ttl-seconds',
    env: 'IDNODE_CACHE_NOT_FOUND_TTL_SECONDS',
    defaultValue: 5,
    kind: { type: 'integer', min: 0, max: MAX_INT32 },
    description: 'Life of a cached not-found answer; 0 disables negative caching.',
  },
  {
    key: 'cache.admission',
    name: 'cache-admission',
    env: 'IDNODE_CACHE_ADMISSION',
    defaultValue: 'second-sight',
    kind: { type: 'enum', values: ['second-sight', 'always'] },
    description:
      'second-sight: an identifier enters the resolution cache on its second miss (a doorkeeper filter), so a scan of identifiers read once does not evict the hot ones; always: on every miss.',
  },
  {
    key: 'limits.maxValues',
    name: 'max-values',
    env: 'IDNODE_MAX_VALUES',
    defaultValue: 1000,
    kind: { type: 'integer', min: 1, max: 1_000_000 },
    description: 'Most values one identifier may hold.',
  },
  {
    key: 'limits.maxDataBytes',
    name: 'max-data-bytes',
    env: 'IDNODE_MAX_DATA_BYTES',
    defaultValue: 65_536,
    kind: { type: 'integer', min: 1, max: 1_073_741_824 },
    description: 'Largest data of one value, in UTF-8 bytes.',
  },
  {
    key: 'limits.bodyLimitBytes',
    name: 'body-limit-bytes',
    env: 'IDNODE_BODY_LIMIT_BYTES',
    defaultValue: 1_048_576,
    kind: { type: 'integer', min: 1024, max: 1_073_741_824 },
    description:
      'Largest HTTP request body, enforced while it is read (413 BODY_TOO_LARGE), batches excepted (batch-body-limit-bytes); the NDJSON import is read a line at a time and this bounds one line, not the import.',
  },
  {
    key: 'limits.batchBodyLimitBytes',
    name: 'batch-body-limit-bytes',
    env: 'IDNODE_BATCH_BODY_LIMIT_BYTES',
    defaultValue: 8_388_608,
    kind: { type: 'integer', min: 1024, max: 1_073_741_824 },
    description:
      'Largest body of a batch of up to 2,000 identifiers (POST /api/v1/handles/batch, SNMS batchCreate/batchUpdate/batchDelete), enforced while it is read; a batch is read only after its caller is authenticated.',
  },
  {
    key: 'limits.grpcMaxMessageBytes',
    name: 'grpc-max-message-bytes',
    env: 'IDNODE_GRPC_MAX_MESSAGE_BYTES',
    defaultValue: 1_048_576,
    kind: { type: 'integer', min: 1024, max: 1_073_741_824 },
    description:
      'Largest gRPC message received, refused from its length prefix before it is buffered (BODY_TOO_LARGE); a RegisterBatch is also refused before decoding when it holds more than 2,000 items. BulkRegister streams, so imports need no larger limit.',
  },
  {
    key: 'limits.maxInFlight',
    name: 'max-in-flight',
    env: 'IDNODE_MAX_IN_FLIGHT',
    flag: '--max-in-flight',
    defaultValue: 256,
    kind: { type: 'integer', min: 1, max: 1_000_000 },
    description:
      'Requests and calls being served at once, REST, gRPC and Handle protocol together; one more is shed at once unread: 503 NODE_BUSY with Retry-After, gRPC UNAVAILABLE, Handle response code 3. /healthz, /readyz and /metrics are never shed.',
  },
  {
    key: 'limits.maxEventLoopDelayMs',
    name: 'max-event-loop-delay-ms',
    env: 'IDNODE_MAX_EVENT_LOOP_DELAY_MS',
    defaultValue: 500,
    kind: { type: 'integer', min: 1, max: 60_000 },
    description:
      'Requests are shed at once (as for max-in-flight) while the queueing delay (how far the event loop runs behind) is over this, without waiting for queue-delay-interval-ms. At least queue-delay-target-ms.',
  },
  {
    key: 'limits.queueDelayTargetMs',
    name: 'queue-delay-target-ms',
    env: 'IDNODE_QUEUE_DELAY_TARGET_MS',
    defaultValue: 50,
    kind: { type: 'integer', min: 1, max: 60_000 },
    description:
      'The queueing delay the node keeps to (docs/overload.md): once the time a request waits before the node starts on it (in socket buffers and the accept queue, measured as the event loop\'s delay) has stayed over this for queue-delay-interval-ms, requests are shed (503 NODE_BUSY with Retry-After, gRPC UNAVAILABLE, Handle code 3) until it is back under, so the requests it admits do not wait behind a backlog.',
  },
  {
    key: 'limits.queueDelayIntervalMs',
    name: 'queue-delay-interval-ms',
    env: 'IDNODE_QUEUE_DELAY_INTERVAL_MS',
    defaultValue: 100,
    kind: { type: 'integer', min: 1, max: 60_000 },
    description: 'How long the queueing delay may stay over queue-delay-target-ms (a burst) before shedding starts.',
  },
  {
    key: 'limits.maxConnections',
    name: 'max-connections',
    env: 'IDNODE_MAX_CONNECTIONS',
    defaultValue: 4096,
    kind: { type: 'integer', min: 1, max: 1_000_000 },
    description: 'Open connections per listener (HTTP, gRPC, Handle protocol TCP); a connection over the cap is closed at once.',
  },
  {
    key: 'limits.acceptsPerTurn',
    name: 'accepts-per-turn',
    env: 'IDNODE_ACCEPTS_PER_TURN',
    defaultValue: 16,
    kind: { type: 'integer', min: 1, max: 256 },
    description:
      'New HTTP connections the node may accept per event-loop turn (docs/overload.md, "Accepting"): Node 20 accepts one per listening descriptor per turn, so the REST listener gets this many descriptors of its socket. Under overload a turn lasts tens of milliseconds, and with 1 a burst of connections waits seconds in the accept queue before a request of theirs can be admitted or shed. Each extra descriptor costs one failed accept per new connection when the node is not busy.',
  },
  {
    key: 'restFastLane',
    name: 'rest-fast-lane',
    env: 'IDNODE_REST_FAST_LANE',
    defaultValue: true,
    kind: { type: 'boolean' },
    description:
      'Read plain-HTTP connections in the fast lane first (docs/architecture.md, "The fast lane"): an anonymous GET /api/handles/{handle} is answered on the socket without node:http\'s request and response objects, at about half the CPU; a connection\'s first request of any other kind hands it to node:http for good. false: node:http reads every connection. Never over TLS.',
  },
  {
    key: 'limits.maxConcurrentStreams',
    name: 'max-concurrent-streams',
    env: 'IDNODE_MAX_CONCURRENT_STREAMS',
    defaultValue: 100,
    kind: { type: 'integer', min: 1, max: 1_000_000 },
    description: 'HTTP/2 streams (gRPC calls) open at once on one gRPC connection (SETTINGS_MAX_CONCURRENT_STREAMS).',
  },
  {
    key: 'timeouts.idleMs',
    name: 'idle-timeout-ms',
    env: 'IDNODE_IDLE_TIMEOUT_MS',
    defaultValue: 30_000,
    kind: { type: 'integer', min: 100, max: 3_600_000 },
    description: 'A connection on which nothing is sent or received for this long is closed (HTTP socket inactivity, gRPC max connection idle, Handle protocol TCP).',
  },
  {
    key: 'timeouts.headersMs',
    name: 'headers-timeout-ms',
    env: 'IDNODE_HEADERS_TIMEOUT_MS',
    defaultValue: 10_000,
    kind: { type: 'integer', min: 100, max: 3_600_000 },
    description: 'HTTP: time to receive a request\'s headers; at most request-timeout-ms.',
  },
  {
    key: 'timeouts.requestMs',
    name: 'request-timeout-ms',
    env: 'IDNODE_REQUEST_TIMEOUT_MS',
    defaultValue: 120_000,
    kind: { type: 'integer', min: 100, max: 3_600_000 },
    description:
      'HTTP: time to receive a whole request, body included (a slow body is cut off after it). An NDJSON import that takes longer to upload needs it raised, or splitting (idnode import sends batches and is not affected).',
  },
  {
    key: 'timeouts.keepAliveMs',
    name: 'keep-alive-timeout-ms',
    env: 'IDNODE_KEEP_ALIVE_TIMEOUT_MS',
    defaultValue: 5_000,
    kind: { type: 'integer', min: 100, max: 3_600_000 },
    description: 'HTTP: how long a kept-alive connection waits for its next request before it is closed.',
  },
];
