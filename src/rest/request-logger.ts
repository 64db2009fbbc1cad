import type { Bindings, ChildLoggerOptions, Level, Logger as PinoLogger } from 'pino';

/**
 * Fastify's `childLoggerFactory`: a request's logger (request.log) that becomes a pino child of `parent` with
 * `bindings` (the request id) only when something is logged through it. Making a pino child on every request
 * cost the write path microseconds (its bindings are redacted and serialised), and most requests log nothing
 * at the usual levels: a call at a level `parent` does not log returns at once. What is logged is exactly what
 * the child would have written (the same child, made at the first line). With options of its own (a route's
 * log level) the child is made at once.
 */
export function requestLogger(parent: PinoLogger, bindings: Bindings, options: ChildLoggerOptions): PinoLogger {
  if (Object.keys(options).length > 0) return parent.child(bindings, options);
  // Fastify and the core call the methods of LazyChild only; a pino Logger in type so fastify's options accept it.
  return new LazyChild(parent, bindings) as unknown as PinoLogger;
}

class LazyChild {
  #child: PinoLogger | undefined;

  constructor(
    private readonly parent: PinoLogger,
    private readonly childBindings: Bindings,
  ) {}

  fatal(...args: unknown[]): void {
    this.#log('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#log('error', args);
  }
  warn(...args: unknown[]): void {
    this.#log('warn', args);
  }
  info(...args: unknown[]): void {
    this.#log('info', args);
  }
  debug(...args: unknown[]): void {
    this.#log('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#log('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): PinoLogger {
    return this.#real().child(bindings, options);
  }

  isLevelEnabled(level: string): boolean {
    return (this.#child ?? this.parent).isLevelEnabled(level);
  }

  bindings(): Bindings {
    return this.#real().bindings();
  }

  get level(): string {
    return (this.#child ?? this.parent).level;
  }

  #log(level: Level, args: unknown[]): void {
    if (this.#child === undefined && !this.parent.isLevelEnabled(level)) return;
    (this.#real()[level] as (...rest: unknown[]) => void)(...args);
  }

  #real(): PinoLogger {
    return (this.#child ??= this.parent.child(this.childBindings));
  }
}
