import type { Setting } from '../settings.js';

/**
 * How the node joins the system around it: the national top-level node and recursive resolution.
 * In documentation order: SETTINGS (../settings.ts) lists the groups in turn.
 */
export const FEDERATION_SETTINGS: readonly Setting[] = [
  {
    key: 'topLevel.url',
    name: 'top-level',
    env: 'IDNODE_TOP_LEVEL',
    flag: '--top-level',
    kind: { type: 'url' },
    description: 'Base URL of the national top-level node to connect with (`idnode top`), e.g. http://127.0.0.1:9000; with top-level-id and top-level-secret. Unset: not connected.',
  },
  {
    key: 'topLevel.id',
    name: 'top-level-id',
    env: 'IDNODE_TOP_LEVEL_ID',
    flag: '--top-level-id',
    kind: { type: 'text' },
    description: 'This node’s account id at the top-level node (`idnode top node add` prints it).',
  },
  {
    key: 'topLevel.secret',
    name: 'top-level-secret',
    env: 'IDNODE_TOP_LEVEL_SECRET',
    flag: '--top-level-secret',
    kind: { type: 'text' },
    description: 'The secret of that account (never logged).',
  },
  {
    key: 'topLevelRetryMaxMs',
    name: 'top-level-retry-max-ms',
    env: 'IDNODE_TOP_LEVEL_RETRY_MAX_MS',
    defaultValue: 60_000,
    kind: { type: 'integer', min: 100, max: 3_600_000 },
    description: 'Longest wait (real ms) between retries while the top-level node is unreachable; retries start at 250 ms and double up to it.',
  },
  {
    key: 'recursive',
    name: 'recursive',
    env: 'IDNODE_RECURSIVE',
    flag: '--recursive',
    defaultValue: false,
    kind: { type: 'boolean' },
    description: 'Recursive resolution: an identifier whose prefix is not homed here is resolved at the node the top-level node names for it (HS_SITE of its prefix handle) and cached by its TTLs, metered as resolution.referred. Needs top-level. Off: such an identifier is NOT_HOMED (Handle code 301).',
  },
  {
    key: 'recursion.timeoutMs',
    name: 'recursion-timeout-ms',
    env: 'IDNODE_RECURSION_TIMEOUT_MS',
    defaultValue: 2000,
    kind: { type: 'integer', min: 10, max: 60_000 },
    description: 'Recursive resolution: longest wait (real ms) for the serving node’s answer; then REMOTE_NODE_UNAVAILABLE.',
  },
  {
    key: 'recursion.maxHops',
    name: 'recursion-max-hops',
    env: 'IDNODE_RECURSION_MAX_HOPS',
    defaultValue: 2,
    kind: { type: 'integer', min: 1, max: 16 },
    description: 'Recursive resolution: a resolution already referred this many times between nodes is not referred again (RECURSION_LIMIT_EXCEEDED), so loops end.',
  },
  {
    key: 'recursion.failureTtlMs',
    name: 'recursion-failure-ttl-ms',
    env: 'IDNODE_RECURSION_FAILURE_TTL_MS',
    defaultValue: 5000,
    kind: { type: 'integer', min: 1, max: 3_600_000 },
    description: 'Recursive resolution: how long (real ms) a node that failed is not asked again; lookups for it fail at once meanwhile.',
  },
  {
    key: 'recursion.maxInFlight',
    name: 'recursion-max-in-flight',
    env: 'IDNODE_RECURSION_MAX_IN_FLIGHT',
    defaultValue: 64,
    kind: { type: 'integer', min: 1, max: 100_000 },
    description: 'Recursive resolution: most lookups in flight to one other node; one more fails at once (REMOTE_NODE_UNAVAILABLE) instead of queueing.',
  },
];
