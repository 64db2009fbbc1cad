import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { readH2loadLog } from './h2load-output.js';
import type { Pinning } from './pinning.js';
import { processTreeCpuMicros, reapedChildrenCpuMicros } from './proc.js';
import { spawnTracked } from './processes.js';
import { LatencyRecorder, type LatencySummary } from './stats.js';

/**
 * wrk (Debian's `wrk`) and h2load in HTTP/1.1 mode as the HTTP load generators of `npm run bench:wrk`: C
 * programs on their own core (taskset), so neither side of a comparison is limited by the generator, which
 * autocannon was at ≈ 35,000 requests/s on this machine.
 */

/** One measured run: requests answered, their rate, and CPU µs per request of the server and of the generator. */
export interface GeneratorRun {
  readonly requests: number;
  readonly perSec: number;
  /** Answers that were not 2xx/3xx (wrk) or not the expected status (h2load), plus socket errors. */
  readonly unexpected: number;
  readonly serverCpuMicrosPerOp: number;
  readonly generatorCpuMicrosPerOp: number;
  /** Share of one core the generator used over the run. */
  readonly generatorCpuShare: number;
  /** Constant-rate runs only: every request's latency from the per-request log. */
  readonly latency?: LatencySummary;
}

/**
 * A wrk Lua script: GETs of the paths in the file named by WRK_PATHS in order (again from the top at the end),
 * or PUTs of new identifiers (WRK_PUT_PREFIX + a counter, WRK_BODY, WRK_AUTH) when WRK_PUT_PREFIX is set.
 * One wrk thread: one Lua state, so the counter names every identifier once.
 */
export const WRK_SCRIPT = `
local put = os.getenv("WRK_PUT_PREFIX")
local paths = {}
local i = 0
if put == nil then
  for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
end
local headers = { ["content-type"] = "application/json", ["authorization"] = os.getenv("WRK_AUTH") }
local body = os.getenv("WRK_BODY")
request = function()
  i = i + 1
  if put ~= nil then return wrk.format("PUT", put .. i, headers, body) end
  if i > #paths then i = 1 end
  return wrk.format(nil, paths[i])
end
`;

export interface WrkOptions {
  readonly wrk: string;
  readonly url: string;
  readonly connections: number;
  readonly durationSec: number;
  readonly serverPid: number;
  readonly scriptFile: string;
  readonly env: Readonly<Record<string, string>>;
  readonly pinning: Pinning;
  readonly logFile: string;
}

/** One closed-loop wrk run (one thread, on the generator core). */
export async function runWrk(options: WrkOptions): Promise<GeneratorRun> {
  const args = ['-t', '1', '-c', String(options.connections), '-d', `${options.durationSec}s`, '-s', options.scriptFile, options.url];
  const { stdout, serverMicros, generatorMicros, wallSec } = await runGenerator(options.wrk, args, options);
  const rate = /^Requests\/sec:\s+([\d.]+)/m.exec(stdout);
  const total = /^\s*(\d+) requests in ([\d.]+)(ms|s|m)/m.exec(stdout);
  if (!rate || !total) throw new IdnodeError('INTERNAL_ERROR', `wrk printed no summary: "${stdout.slice(-400)}"`);
  const requests = Number(total[1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  // What went wrong is in wrk's own summary: shown, so an unexpected count is never a bare number.
  if (non2xx + socketErrors > 0) process.stderr.write(`wrk ${options.url}: ${errors?.[0] ?? ''} non-2xx ${non2xx}\n`);
  return {
    requests,
    perSec: Number(rate[1]),
    unexpected: non2xx + socketErrors,
    serverCpuMicrosPerOp: serverMicros / requests,
    generatorCpuMicrosPerOp: generatorMicros / requests,
    generatorCpuShare: generatorMicros / 1e6 / wallSec,
  };
}

export interface PacedOptions {
  readonly h2load: string;
  /** Absolute URLs, one a line (h2load -i). */
  readonly urisFile: string;
  readonly ratePerSec: number;
  readonly clients: number;
  readonly durationSec: number;
  readonly serverPid: number;
  readonly pinning: Pinning;
  readonly logFile: string;
  readonly expectedStatus: number;
}

/**
 * A constant-rate run: h2load --h1 with `clients` connections, each sending ratePerSec / clients requests a
 * second on its own schedule (--rps), for durationSec. Latency is every request's, from h2load's per-request
 * log. Note on coordinated omission: an HTTP/1.1 client has one request in flight, so a slow answer delays
 * that client's next request; with many clients each at a low rate (the default here: 32) one stall delays few
 * requests, but the percentiles are still those of requests sent, not of requests due.
 */
export async function runPaced(options: PacedOptions): Promise<GeneratorRun> {
  const requestLog = `${options.logFile}.requests`;
  rmSync(requestLog, { force: true });
  const perClient = Math.max(1, Math.round(options.ratePerSec / options.clients));
  const args = ['--h1', '-t', '1', '-c', String(options.clients), '--rps', String(perClient), '-D', `${options.durationSec}s`, '-i', options.urisFile, `--log-file=${requestLog}`];
  const { serverMicros, generatorMicros, wallSec } = await runGenerator(options.h2load, args, options);
  const latencies = new LatencyRecorder();
  const byStatus = readH2loadLog(existsSync(requestLog) ? readFileSync(requestLog, 'utf8') : '', latencies);
  const requests = [...byStatus.values()].reduce((sum, n) => sum + n, 0);
  const unexpected = requests - (byStatus.get(options.expectedStatus) ?? 0);
  // Which answers they were, so an unexpected count is never a bare number (h2load logs -1 for a failed request).
  if (unexpected > 0) process.stderr.write(`h2load ${options.urisFile}: statuses ${JSON.stringify(Object.fromEntries(byStatus))}\n`);
  return {
    requests,
    perSec: requests / options.durationSec,
    unexpected,
    serverCpuMicrosPerOp: serverMicros / requests,
    generatorCpuMicrosPerOp: generatorMicros / requests,
    generatorCpuShare: generatorMicros / 1e6 / wallSec,
    latency: latencies.summary(),
  };
}

/** Runs a generator to its end on the generator core; CPU of the server (its /proc) and of the generator (reaped). */
async function runGenerator(
  command: string,
  args: readonly string[],
  options: { serverPid: number; pinning: Pinning; logFile: string; env?: Readonly<Record<string, string>> },
): Promise<{ stdout: string; serverMicros: number; generatorMicros: number; wallSec: number }> {
  const serverBefore = processTreeCpuMicros(options.serverPid);
  const generatorBefore = reapedChildrenCpuMicros();
  const started = performance.now();
  const child = spawnTracked(command, args, { pinning: options.pinning, core: 'generator', logFile: options.logFile, pipeStdout: true, env: { ...process.env, ...options.env } });
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  });
  const wallSec = (performance.now() - started) / 1000;
  if (code !== 0) throw new IdnodeError('INTERNAL_ERROR', `${command} exited with ${code}; see ${options.logFile}`);
  return { stdout, serverMicros: processTreeCpuMicros(options.serverPid) - serverBefore, generatorMicros: reapedChildrenCpuMicros() - generatorBefore, wallSec };
}

/** Writes the wrk script beside the other scratch files; returns its path. */
export function writeWrkScript(path: string): string {
  writeFileSync(path, WRK_SCRIPT);
  return path;
}
