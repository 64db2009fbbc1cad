import { join } from 'node:path';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { LoadRun } from './http-load.js';
import { parseGeneratorReport } from './hdl-accounting.js';
import type { HdlLoadCommand } from './hdl-generator.js';
import { spawnTracked, stopChild } from './processes.js';
import { lineReader, type BenchEnv } from './servers.js';

/** The Handle-protocol load generator process (bench/generators/hdl-generator-main.ts), run by run. */
export interface HdlGenerator {
  readonly pid: number;
  run(command: HdlLoadCommand): Promise<LoadRun>;
  stop(): Promise<number | null>;
}

/**
 * Starts the generator as its own process on the generator core (when pinned), so the bench process's own
 * work never competes with it and its CPU is its own. It runs under tsx (its sources import the project's
 * client framing); tsx only transpiles at load, so what runs is plain JavaScript all the same.
 */
export function startHdlGenerator(env: BenchEnv): HdlGenerator {
  const logFile = join(env.workDir, 'hdl-generator.log');
  const script = join(env.root, 'bench/generators/hdl-generator-main.ts');
  const child = spawnTracked(process.execPath, ['--import', import.meta.resolve('tsx'), script], { pinning: env.pinning, core: 'generator', logFile, pipeStdout: true });
  const nextLine = lineReader(child, `the Handle-protocol generator; see ${logFile}`);
  return {
    pid: child.pid!,
    async run(command) {
      child.stdin!.write(`${JSON.stringify(command)}\n`);
      // A run is bounded by its own duration and drain; this bounds a generator that hangs regardless.
      const limitMs = (command.durationMs ?? 600_000) + command.drainMs + 30_000;
      let timer: NodeJS.Timeout | undefined;
      const line = await Promise.race([
        nextLine(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new IdnodeError('INTERNAL_ERROR', `the Handle-protocol generator gave no report within ${limitMs} ms; see ${logFile}`)), limitMs);
        }),
      ]).finally(() => clearTimeout(timer));
      return parseGeneratorReport(line);
    },
    async stop() {
      child.stdin!.end();
      return stopChild(child, 5_000);
    },
  };
}
