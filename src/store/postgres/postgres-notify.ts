import { createHash } from 'node:crypto';
import pg from 'pg';
import { quoteIdentifier } from './postgres-sql.js';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7999;
/** Channel names are identifiers: at most NAMEDATALEN - 1 bytes. */
const MAX_CHANNEL_BYTES = 63;

/**
 * The channel on which stores sharing `schema` announce changed handles. Notifications are database-wide,
 * so the schema is part of the name: stores on other schemas of the same database never hear each other.
 */
export function changeChannel(schema: string): string {
  const channel = `idnode.changes:${schema}`;
  if (Buffer.byteLength(channel, 'utf8') <= MAX_CHANNEL_BYTES) return channel;
  return `idnode.changes#${createHash('sha256').update(schema, 'utf8').digest('hex').slice(0, 40)}`;
}

/**
 * Payloads announcing `handles`: each is the sender's instance id then handles, one per line (a validated
 * handle holds no control character), packed under the 8000-byte limit (a handle is at most 255 bytes).
 */
export function changePayloads(instanceId: string, handles: Iterable<string>): string[] {
  const payloads: string[] = [];
  let current = instanceId;
  let bytes = Buffer.byteLength(instanceId, 'utf8');
  for (const handle of handles) {
    const size = 1 + Buffer.byteLength(handle, 'utf8');
    if (current !== instanceId && bytes + size > MAX_PAYLOAD_BYTES) {
      payloads.push(current);
      current = instanceId;
      bytes = Buffer.byteLength(instanceId, 'utf8');
    }
    current += `\n${handle}`;
    bytes += size;
  }
  if (current !== instanceId) payloads.push(current);
  return payloads;
}

/** The inverse of changePayloads. */
export function parseChangePayload(payload: string): { instanceId: string; handles: string[] } {
  const [instanceId = '', ...handles] = payload.split('\n');
  return { instanceId, handles };
}

export interface ChangeListenerOptions {
  readonly connection: pg.ClientConfig;
  readonly channel: string;
  /** Notifications carrying this id came from our own store instance and are ignored. */
  readonly instanceId: string;
  readonly onChange: (handle: string) => void;
  /** Called once the connection is back after a loss: changes made meanwhile were not heard. */
  readonly onGap: () => void;
  /** First retry delay after a lost connection, doubled up to 5 s (default 250 ms). */
  readonly retryDelayMs?: number;
}

/**
 * A dedicated connection that LISTENs on the change channel (a pooled connection cannot: LISTEN belongs to
 * one session). A lost connection is reopened with backoff, and `onGap` reports the interval in which
 * notifications were missed.
 */
export class ChangeListener {
  #client: pg.Client | undefined;
  #closed = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelayMs: number;

  private constructor(private readonly options: ChangeListenerOptions) {
    this.#retryDelayMs = options.retryDelayMs ?? 250;
  }

  /** Resolves once the first LISTEN is in place; rejects if that first connection fails. */
  static async start(options: ChangeListenerOptions): Promise<ChangeListener> {
    const listener = new ChangeListener(options);
    await listener.#connect();
    return listener;
  }

  /** The backend process id of the LISTEN session (for diagnostics and tests), undefined while reconnecting. */
  get backendPid(): number | undefined {
    return (this.#client as unknown as { processID?: number } | undefined)?.processID;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    // 'end' then fires onLost, which schedules nothing once closed.
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.options.connection);
    // Until LISTEN is in place a failure only rejects this attempt (the caller retries); an 'error' event
    // without a handler would crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.options.channel)}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    client.on('notification', (message) => {
      if (message.channel !== this.options.channel || message.payload === undefined) return;
      const { instanceId, handles } = parseChangePayload(message.payload);
      if (instanceId === this.options.instanceId) return;
      for (const handle of handles) this.options.onChange(handle);
    });
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = undefined;
      client.end().catch(() => {});
      this.#scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    this.#client = client;
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const delay = this.#retryDelayMs;
    this.#retryTimer = setTimeout(() => {
      this.#connect().then(
        () => {
          this.#retryDelayMs = this.options.retryDelayMs ?? 250;
          if (!this.#closed) this.options.onGap();
        },
        () => {
          this.#retryDelayMs = Math.min(this.#retryDelayMs * 2, 5000);
          this.#scheduleReconnect();
        },
      );
    }, delay);
    this.#retryTimer.unref();
  }
}
