import type { Scenario } from '../lib/scenario.js';
import { grpcResolve } from './grpc-resolve.js';
import { hdlResolveTcp, hdlResolveUdp } from './hdl-resolve.js';
import { postgresUniform } from './postgres-uniform.js';
import { restBatch } from './rest-batch.js';
import { restImportNdjson } from './rest-import-ndjson.js';
import { restNotFoundMix } from './rest-not-found-mix.js';
import { restReadWriteMix } from './rest-read-write-mix.js';
import { restRegisterSingle } from './rest-register-single.js';
import { restUniform } from './rest-uniform.js';
import { restZipfHalfRate } from './rest-zipf-half-rate.js';
import { restZipfWarm } from './rest-zipf-warm.js';
import { snmsBatchCreate, snmsDetail } from './snms.js';

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
  hdlResolveUdp,
  hdlResolveTcp,
  snmsBatchCreate,
  snmsDetail,
  postgresUniform,
];
