import type { HeadroomLine } from './result.js';

/** The award policy's thresholds (docs/design.md §2) as average rates. */
export const RESOLUTIONS_PER_DAY = 3_000_000;
export const REGISTRATIONS_PER_YEAR = 10_000_000;
export const RESOLUTION_THRESHOLD_PER_SEC = RESOLUTIONS_PER_DAY / 86_400;
export const REGISTRATION_THRESHOLD_PER_SEC = REGISTRATIONS_PER_YEAR / (365 * 86_400);

/**
 * What a policy threshold costs on this machine: the share of one core its average rate uses (rate × CPU
 * per operation) and how many times over the measured throughput covers it. Averages only: a real day
 * has peaks, which the headroom factor is there to absorb.
 */
export function headroomLine(thresholdPerSec: number, basis: string, scenario: string, throughput: number, cpuMicrosPerOp: number): HeadroomLine {
  return {
    thresholdPerSec,
    basis,
    scenario,
    throughput,
    cpuMicrosPerOp,
    coreShare: (thresholdPerSec * cpuMicrosPerOp) / 1e6,
    headroomFactor: throughput / thresholdPerSec,
  };
}
