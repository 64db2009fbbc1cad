import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../lib/scenario.js';
import { grpcResolve } from './grpc-resolve.js';
import { postgresUniform } from './postgres-uniform.js';
import { restBatch } from './rest-batch.js';
import { restImportNdjson } from './rest-import-ndjson.js';
import { restNotFoundMix } from './rest-not-found-mix.js';
import { restReadWriteMix } from './rest-read-write-mix.js';
import { restRegisterSingle } from './rest-register-single.js';
import { restUniform } from './rest-uniform.js';
import { restZipfHalfRate } from './rest-zipf-half-rate.js';
import { restZipfWarm } from './rest-zipf-warm.js';

/** Every scenario, in the order they run (the half-rate one reads rest-zipf-warm's result). */
export const SCENARIOS: readonly Scenario[] = [
  restZipfWarm,
  restZipfHalfRate,
  restUniform,
  restNotFoundMix,
  restRegisterSingle,
  restBatch,
  restImportNdjson,
  restReadWriteMix,
  grpcResolve,
  postgresUniform,
];

/**
 * Scenarios the issue asks for that cannot be measured through the product yet: listed in the results as
 * not benchmarked, with what is missing, rather than measured against something else.
 */
export function notYetBenchmarked(root: string): { name: string; reason: string }[] {
  const notRun: { name: string; reason: string }[] = [];
  const handleProtocol = ['src/handle-protocol', 'src/hdl', 'src/handle'].find((dir) => existsSync(join(root, dir)));
  notRun.push({
    name: 'handle-protocol-resolve',
    reason:
      handleProtocol === undefined
        ? 'the Handle binary protocol front end does not exist yet (no src/handle-protocol, src/hdl or src/handle)'
        : `${handleProtocol} exists, but its scenario (and a bare UDP/TCP reference) is not written yet`,
  });
  return notRun;
}
