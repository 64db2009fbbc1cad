import { spawn } from 'node:child_process';
import { childEnv, NODE_CLI_ARGS, REPO_ROOT } from './child-node.js';
import { collectOutput, exitOf, type Exit } from './spawn-node.js';

export interface CliRun extends Exit {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one `idnode` command line as a real process (from source) and resolves when it ends. The test
 * runner's IDNODE_* variables are not passed on; `env` is added. Killed after `timeoutMs` (default 30 s).
 */
export async function runCli(args: readonly string[], options: { env?: Readonly<Record<string, string>>; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [...NODE_CLI_ARGS, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const exit = await exitOf(child);
  clearTimeout(timer);
  return { ...exit, stdout: output.stdout(), stderr: output.stderr() };
}
