/**
 * Seeded byte mutations for the fuzz suites (test/fuzz): each call applies one to three of flip, insert,
 * delete and truncate to a copy of `bytes`, drawing from `random` (test/helpers/prng.ts), so a run is
 * reproduced by its seed.
 */
export function mutate(bytes: Buffer, random: () => number, extras: readonly Buffer[] = []): Buffer {
  let out = Buffer.from(bytes);
  const int = (n: number) => Math.floor(random() * n);
  const count = 1 + int(3);
  for (let i = 0; i < count; i++) {
    const at = int(out.length + 1);
    switch (int(5)) {
      case 0:
        if (out.length > 0) out[Math.min(at, out.length - 1)] = int(256);
        break;
      case 1:
        out = Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(16) }, () => int(256))), out.subarray(at)]);
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + int(16)))]);
        break;
      case 3:
        out = out.subarray(0, at);
        break;
      default:
        // A known-troublesome fragment (a header line, a length) spliced in at a random place.
        if (extras.length > 0) out = Buffer.concat([out.subarray(0, at), extras[int(extras.length)]!, out.subarray(at)]);
    }
  }
  return out;
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` at once. */
export async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
