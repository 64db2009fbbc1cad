/**
 * Monotonic time in milliseconds, for durations and expiry (never for dates: that is the Clock). Readings never
 * decrease and are always above 0 (the resolution cache's lru-cache takes an entry stored at time 0 for one
 * without a TTL, which would never expire). The core never reads real time itself: the real source lives in
 * src/runtime, a virtual one in ManualScheduler.
 */
export interface Monotonic {
  now(): number;
}
