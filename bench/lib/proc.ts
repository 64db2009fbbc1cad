import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { IdnodeError } from '../../src/core/errors/catalogue.js';

/**
 * The server's own CPU and memory accounting, read from Linux /proc so the bench measures any process
 * without instrumenting it: CPU from /proc/<pid>/stat (utime + stime, every thread, in clock ticks), peak
 * RSS from /proc/<pid>/status (VmHWM), and steal from /proc/stat (time the hypervisor gave to others).
 */

/** utime + stime in clock ticks, from the text of /proc/<pid>/stat. Throws when the text is not one. */
export function parseStatCpuTicks(statText: string): number {
  // fields[0] is field 3 (state), so utime (field 14) is fields[11] and stime (15) is fields[12].
  return sumOfStatFields(statText, 11, 'utime/stime');
}

/**
 * cutime + cstime in clock ticks, from the text of /proc/<pid>/stat: the CPU of the process's children that
 * have exited and been waited for. Throws when the text is not one.
 */
export function parseStatChildrenCpuTicks(statText: string): number {
  // cutime is field 16 and cstime field 17 (fields[13] and fields[14], counted as above).
  return sumOfStatFields(statText, 13, 'cutime/cstime');
}

/** fields[first] + fields[first + 1] of a /proc/<pid>/stat line, counting from field 3 (state). */
function sumOfStatFields(statText: string, first: number, names: string): number {
  // The command name (field 2) is in parentheses and may itself contain spaces or parentheses.
  const close = statText.lastIndexOf(')');
  const fields = close < 0 ? [] : statText.slice(close + 2).trim().split(/\s+/);
  const a = Number(fields[first]);
  const b = Number(fields[first + 1]);
  if (!Number.isInteger(a) || !Number.isInteger(b)) {
    throw new IdnodeError('INTERNAL_ERROR', `not a /proc/<pid>/stat line (no ${names}): "${statText.slice(0, 80)}"`);
  }
  return a + b;
}

/** A VmHWM/VmRSS-style field of /proc/<pid>/status in kB; undefined when the field is absent. */
export function parseStatusKb(statusText: string, field: 'VmHWM' | 'VmRSS'): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(statusText);
  return match ? Number(match[1]) : undefined;
}

export interface CpuTimes {
  /** Sum of every field of the aggregate "cpu" line, in ticks. */
  readonly total: number;
  /** The steal field (8th), in ticks; 0 on kernels that do not report it. */
  readonly steal: number;
}

/** The aggregate "cpu" line of /proc/stat. Throws when there is none. */
export function parseCpuTimes(procStatText: string): CpuTimes {
  const line = procStatText.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (line === undefined) throw new IdnodeError('INTERNAL_ERROR', 'no aggregate "cpu" line in /proc/stat');
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // guest and guest_nice (fields 9, 10) are already included in user and nice.
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { total, steal: values[7] ?? 0 };
}

/** Percent of all CPU time stolen between two readings (0 when no time passed). */
export function stealPercent(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  return total > 0 ? ((after.steal - before.steal) / total) * 100 : 0;
}

let ticksPerSecond: number | undefined;

/** The kernel's USER_HZ (getconf CLK_TCK), 100 where it cannot be asked. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU microseconds the process has used so far (all threads). Throws when the process is gone. */
export function processCpuMicros(pid: number): number {
  return (parseStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1e6) / clockTicksPerSecond();
}

/**
 * CPU microseconds used so far by the process and its live descendants (serve --workers: the primary and its
 * workers), from /proc/<pid>/task/<tid>/children. A descendant that exits between two readings takes its CPU
 * with it: read across a run in which the processes stay up.
 */
export function processTreeCpuMicros(pid: number): number {
  let total = processCpuMicros(pid);
  for (const child of childPids(pid)) {
    try {
      total += processTreeCpuMicros(child);
    } catch {
      // Gone since the listing: its CPU is no longer anyone's.
    }
  }
  return total;
}

/** The pids of `pid`'s live children (serve --workers: the primary's workers). */
export function childPids(pid: number): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ')) if (child.trim() !== '') pids.push(Number(child));
    } catch {
      // The thread ended since the listing.
    }
  }
  return pids;
}

/**
 * CPU microseconds used by this process's children that have exited and been reaped so far (Node reaps
 * each child as it exits). A child generator's CPU over its whole life is the difference across its run.
 */
export function reapedChildrenCpuMicros(): number {
  return (parseStatChildrenCpuTicks(readFileSync('/proc/self/stat', 'utf8')) * 1e6) / clockTicksPerSecond();
}

/** Peak resident set size of the process so far, in MiB; undefined when it cannot be read. */
export function processPeakRssMb(pid: number): number | undefined {
  try {
    const kb = parseStatusKb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM');
    return kb === undefined ? undefined : kb / 1024;
  } catch {
    return undefined;
  }
}

export function readCpuTimes(): CpuTimes {
  return parseCpuTimes(readFileSync('/proc/stat', 'utf8'));
}

export interface Schedstat {
  /** Time spent running on a CPU, ns. */
  readonly runNs: number;
  /** Time spent runnable but waiting for a CPU (another process had it), ns. */
  readonly waitNs: number;
}

/** The text of /proc/<pid>/schedstat ("run_ns wait_ns timeslices"), for the process's main thread. */
export function parseSchedstat(text: string): Schedstat {
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  if (!Number.isFinite(run) || !Number.isFinite(wait)) throw new IdnodeError('INTERNAL_ERROR', `not a /proc/<pid>/schedstat line: "${text.slice(0, 80)}"`);
  return { runNs: run!, waitNs: wait! };
}

/**
 * How long the process's main thread (where Node runs JavaScript) waited for a CPU so far, ns; 0 where the
 * kernel does not keep schedstats. Waiting means the machine's other load took the core from it.
 */
export function processWaitNs(pid: number | 'self'): number {
  try {
    return parseSchedstat(readFileSync(`/proc/${pid}/schedstat`, 'utf8')).waitNs;
  } catch {
    return 0;
  }
}

/**
 * How long every thread of the process waited for a CPU so far, ns (a multi-threaded generator such as
 * h2load does its work off the main thread); 0 where the kernel does not keep schedstats or the process is gone.
 */
export function processThreadsWaitNs(pid: number): number {
  let total = 0;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) total += parseSchedstat(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8')).waitNs;
  } catch {
    // The process (or one thread) exited between the listing and the read: what was read so far stands.
  }
  return total;
}
