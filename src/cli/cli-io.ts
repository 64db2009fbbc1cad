/** The process surface the CLI uses, injected so that commands can run in-process in tests. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative paths from flags and the environment. */
  readonly cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Ends the process (serve only: it must not linger on a stray handle after shutdown). */
  exit(code: number): void;
}

export const processIo: CliIo = {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  exit: (code) => process.exit(code),
};

/** Exit codes: 0 success, 1 failure (a core error, a failed start or a forced shutdown), 2 bad configuration or usage. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_CONFIG = 2;

/**
 * Thrown by a command that has already printed why it failed (in its own format, e.g. a remote node's Handle
 * response code): runCli prints nothing more and returns `exitCode`.
 */
export class CommandFailed extends Error {
  constructor(readonly exitCode: number) {
    super(`the command failed (exit code ${exitCode}); it printed why`);
    this.name = 'CommandFailed';
  }
}
