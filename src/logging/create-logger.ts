import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

export interface LoggerOptions {
  readonly level: LogLevel;
  /** File descriptor to write JSON lines to: 1 (stdout, the server's) by default; the admin CLI uses 2. */
  readonly fd?: 1 | 2;
}

/**
 * The process's pino logger: JSON lines, written synchronously so that nothing logged is lost when the
 * process exits (graceful or forced). Credentials are redacted wherever a request or an object carries them,
 * as a second line of defence: nothing should log them in the first place.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'secret', '*.secret', 'password', '*.password'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: options.fd ?? 1, sync: true }),
  );
}
