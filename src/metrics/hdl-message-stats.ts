import type { Registry } from 'prom-client';
import { customMetric } from './latency-histogram.js';

export type HdlTransport = 'udp' | 'tcp';

/**
 * What became of one Handle protocol message: answered (ok, or a refusal by its catalogue class), answered
 * truncated over UDP (too large; the client retries over TCP), answered with a protocol error because it
 * was malformed, or dropped unanswered (not even its envelope was readable, or the node was at its limit of
 * messages in flight).
 */
export type HdlOutcome = 'ok' | 'client_error' | 'server_error' | 'truncated' | 'malformed' | 'dropped';

const TRANSPORTS: readonly HdlTransport[] = ['udp', 'tcp'];
const OUTCOMES: readonly HdlOutcome[] = ['ok', 'client_error', 'server_error', 'truncated', 'malformed', 'dropped'];

/**
 * idnode_hdl_messages_total{transport,outcome}: counted in a plain array (no label lookup per message: a
 * flood of hostile datagrams must cost as little as possible) and exposed at scrape time. Every pair is
 * exposed from the start, at 0.
 */
export class HdlMessageStats {
  private readonly counts = new Float64Array(TRANSPORTS.length * OUTCOMES.length);

  constructor(registry: Registry) {
    registry.registerMetric(
      customMetric('idnode_hdl_messages_total', 'Handle protocol messages received, by transport (udp, tcp) and outcome (ok, client_error, server_error, truncated, malformed, dropped).', 'counter', () =>
        TRANSPORTS.flatMap((transport, t) => OUTCOMES.map((outcome, o) => ({ labels: { transport, outcome }, value: this.counts[t * OUTCOMES.length + o]! }))),
      ),
    );
  }

  record(transport: HdlTransport, outcome: HdlOutcome): void {
    this.counts[(transport === 'udp' ? 0 : OUTCOMES.length) + OUTCOMES.indexOf(outcome)]!++;
  }
}
