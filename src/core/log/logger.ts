/**
 * The logging surface the core needs. pino's Logger satisfies it; the core does not import pino so that it
 * stays free of I/O choices. `obj` carries structured fields; secrets never go in either argument.
 */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
};
