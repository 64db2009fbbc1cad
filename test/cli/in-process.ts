import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/program.js';

export interface InProcessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs an admin command line in this process through the same runCli the `idnode` binary calls (its result
 * is the process's exit code there). For serve, use spawnNode: it ends its process.
 */
export async function runInProcess(args: readonly string[], options: { env?: Record<string, string>; cwd: string }): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env: options.env ?? {},
    cwd: options.cwd,
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    exit: (code) => {
      throw new Error(`unexpected exit(${code}) from an admin command`);
    },
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
