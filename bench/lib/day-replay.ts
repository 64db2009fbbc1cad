import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { Pinning } from './pinning.js';
import { reapedChildrenCpuMicros } from './proc.js';
import { spawnTracked } from './processes.js';

/**
 * wrk's Lua script for an exact replay: the paths of WRK_PATHS are each requested once, in order, over all
 * connections (one wrk thread: one Lua state); then every further request is a filler, GET /api/v1/status
 * without credentials, which idnode answers 401 and meters as nothing. Answers 200 and 404 are counted as
 * resolutions answered, any status but 401 as `other`; when those reach the number of paths the script says
 * "finished" and the caller stops wrk (SIGINT), so no resolution is in flight when it stops. wrk calls
 * request() once before connecting and never sends that request: the first call returns the filler.
 */
export const REPLAY_SCRIPT = `
local paths = {}
local total = 0
sent = 0
answered = 0
other = 0
local calls = 0
local finished = false
local threads = {}
local filler = nil
function setup(thread) table.insert(threads, thread) end
function init(args)
  for line in io.lines(os.getenv("WRK_PATHS")) do total = total + 1; paths[total] = line end
  filler = wrk.format("GET", "/api/v1/status")
end
request = function()
  calls = calls + 1
  if calls == 1 then return filler end
  if sent < total then
    sent = sent + 1
    if sent == 1 then io.write("REPLAY started\\n"); io.flush() end
    return wrk.format("GET", paths[sent])
  end
  return filler
end
response = function(status, headers, body)
  if status == 200 or status == 404 then answered = answered + 1 elseif status ~= 401 then other = other + 1 end
  if not finished and answered + other >= total then finished = true; io.write("REPLAY finished\\n"); io.flush() end
end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do io.write(string.format("REPLAY sent=%d answered=%d other=%d\\n", t:get("sent"), t:get("answered"), t:get("other"))) end
  io.write(string.format("REPLAY socket_errors=%d\\n", summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
`;

export interface ReplayRun {
  /** Resolution requests sent (paths handed to wrk's connections). */
  readonly sent: number;
  /** Resolutions answered 200 or 404. */
  readonly answered: number;
  /** Resolutions answered with any other status. */
  readonly other: number;
  readonly socketErrors: number;
  /** From the first resolution sent to the last answer, as wrk's output announced them. */
  readonly wallSec: number;
  /** wrk's own CPU (user + system) over its whole life, paths loading included, in µs. */
  readonly generatorCpuMicros: number;
  /** wrk's whole life: loading the paths, connecting, the replay, stopping. */
  readonly generatorLifeSec: number;
}

export interface ReplayOptions {
  readonly wrk: string;
  readonly url: string;
  readonly pathsFile: string;
  readonly scriptFile: string;
  readonly connections: number;
  readonly pinning: Pinning;
  readonly logFile: string;
  /** Longest the replay may take before it is abandoned (wrk's -d). */
  readonly maxSec: number;
}

/** Replays every path of the file once through wrk (one thread, pinned to the generator core); see REPLAY_SCRIPT. */
export async function replayPaths(options: ReplayOptions): Promise<ReplayRun> {
  writeFileSync(options.scriptFile, REPLAY_SCRIPT);
  const cpuBefore = reapedChildrenCpuMicros();
  const born = performance.now();
  const args = ['-t', '1', '-c', String(options.connections), '-d', `${Math.ceil(options.maxSec)}s`, '--timeout', '60s', '-s', options.scriptFile, options.url];
  const child = spawnTracked(options.wrk, args, { pinning: options.pinning, core: 'generator', logFile: options.logFile, pipeStdout: true, env: { ...process.env, WRK_PATHS: options.pathsFile } });
  let started = Number.NaN;
  let finished = Number.NaN;
  const fields: Record<string, number> = {};
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    if (line === 'REPLAY started') started = performance.now();
    else if (line === 'REPLAY finished') {
      finished = performance.now();
      child.kill('SIGINT');
    } else if (line.startsWith('REPLAY ')) for (const [, key, value] of line.matchAll(/(\w+)=(\d+)/g)) fields[key!] = Number(value);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0 || fields['answered'] === undefined) throw new IdnodeError('INTERNAL_ERROR', `wrk exited with ${code} without its counts; see ${options.logFile}`);
  if (Number.isNaN(finished)) throw new IdnodeError('INTERNAL_ERROR', `wrk stopped after ${options.maxSec} s before every resolution was answered (${fields['answered']} of ${fields['sent']})`);
  return {
    sent: fields['sent']!,
    answered: fields['answered']!,
    other: fields['other']!,
    socketErrors: fields['socket_errors'] ?? 0,
    wallSec: (finished - started) / 1000,
    generatorCpuMicros: reapedChildrenCpuMicros() - cpuBefore,
    generatorLifeSec: (performance.now() - born) / 1000,
  };
}
