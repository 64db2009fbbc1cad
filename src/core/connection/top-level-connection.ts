import { LOCAL_OPERATOR } from '../auth/principal.js';
import type { Clock } from '../clock/clock.js';
import type { Monotonic } from '../clock/monotonic.js';
import type { Cancel, Scheduler } from '../clock/scheduler.js';
import type { ConnectionFact } from '../eligibility/report.js';
import { isIdnodeError } from '../errors/catalogue.js';
import type { HomedPrefixes } from '../homing/homed-prefixes.js';
import type { Ledger } from '../ledger/ledger.js';
import type { LedgerEntry } from '../ledger/ledger-entry.js';
import type { Logger } from '../log/logger.js';
import type { NodeSite } from '../site/node-site.js';
import type { PrincipalStore } from '../store/store.js';
import type { TopLevelLink } from './top-level-link.js';

export interface ConnectionOptions {
  /** The first retry's delay after a failure, in monotonic ms; doubled per failure in a row. */
  readonly retryBaseMs: number;
  /** The longest delay between retries (the top-level node may be down for hours: the node keeps trying). */
  readonly retryMaxMs: number;
  readonly monotonic: Monotonic;
  readonly scheduler: Scheduler;
}

/** How often a round runs while the connection is healthy (monotonic ms). */
const STEADY_ROUND_MS = 1000;

/** The connection's state, for /readyz, /metrics, the dashboard and the eligibility report. */
export interface ConnectionStatus {
  readonly url: string;
  readonly nodeId: string;
  /** connected: the last exchange succeeded; connecting: none yet; retrying: the last one failed. */
  readonly state: 'connecting' | 'connected' | 'retrying';
  /** When the top-level node first registered this node's key (its answer). */
  readonly connectedSince?: string;
  /** Prefixes the top-level node holds for this node, as it last said. */
  readonly prefixesHomed: readonly string[];
  /** Prefixes this node homes that the top-level node does not hold yet (or refused: see lastError). */
  readonly prefixesPending: readonly string[];
  readonly lastDayAcknowledged?: string;
  readonly lastSeqAcknowledged: number;
  readonly lastAcknowledgedAt?: string;
  /** Sealed days not acknowledged yet. */
  readonly backlog: number;
  readonly daysReported: number;
  readonly failuresInARow: number;
  readonly lastError?: string;
  readonly lastContactAt?: string;
}

/**
 * The node's side of the connection with its national top-level node (docs/design.md §5): on start and after
 * any failure it connects (registering or checking its key, learning the last day the top holds), homes its
 * node prefixes and every enterprise prefix allocated here (again when the site changed), then reports every
 * sealed day after the last acknowledged one, in order, one at a time. A failure stops the round and is
 * retried with exponential backoff (retryBaseMs doubling up to retryMaxMs) on the injected scheduler; the
 * next round reconnects first and takes the last acknowledged day from the top-level node's answer, so a day
 * whose acknowledgement was lost is never sent twice and no day is skipped, whatever the downtime.
 */
export class TopLevelConnection {
  private cancelTicks: Cancel | undefined;
  private running: Promise<void> | undefined;
  private connected = false;
  private connectedSince: string | undefined;
  private prefixesHomed = new Set<string>();
  /** The site bytes each prefix was last homed with in this process (re-homed when the site changes). */
  private readonly homedWithSite = new Map<string, string>();
  private prefixesPending: string[] = [];
  private lastSeq = 0;
  private lastDay: string | undefined;
  private lastAckAtMs: number | undefined;
  private backlog = 0;
  private daysReported = 0;
  private failures = 0;
  private nextAttemptAt = 0;
  private lastError: string | undefined;
  private lastContactAtMs: number | undefined;
  private sealedSeq = 0;
  private exchanged = false;
  private lastRoundAt = 0;
  private nudged = false;

  constructor(
    private readonly link: TopLevelLink,
    private readonly ledger: Pick<Ledger, 'publicKeyPem' | 'entries'>,
    private readonly homing: Pick<HomedPrefixes, 'list'>,
    private readonly principals: Pick<PrincipalStore, 'listPrincipals'>,
    private readonly site: Pick<NodeSite, 'currentBytes'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: ConnectionOptions,
  ) {}

  /** Starts the rounds (serve calls it once the site describes the bound listeners): one now, then on every tick. */
  start(): void {
    if (this.cancelTicks !== undefined) return;
    this.cancelTicks = this.options.scheduler.every(Math.max(10, Math.min(1000, this.options.retryBaseMs)), () => this.tick());
    this.nudge();
  }

  /** Stops the rounds; resolves once a round under way has finished. */
  async stop(): Promise<void> {
    this.cancelTicks?.();
    this.cancelTicks = undefined;
    await this.running;
  }

  /** Runs a round now unless one is running or a retry is waiting (a prefix was allocated, a day sealed). */
  nudge(): void {
    this.nudged = true;
    void this.tick();
  }

  /** One round, for the scheduler: never rejects. Resolves when the round (if any) ended. */
  tick(): Promise<void> {
    const now = this.options.monotonic.now();
    if (this.running !== undefined || now < this.nextAttemptAt) return this.running ?? Promise.resolve();
    // While all is well, a round a second is enough (a new day is sealed at most that often); a nudge runs one at once.
    if (this.failures === 0 && this.exchanged && !this.nudged && now - this.lastRoundAt < STEADY_ROUND_MS) return Promise.resolve();
    this.nudged = false;
    this.lastRoundAt = now;
    this.running = this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    try {
      // Read first, so that the backlog is known (and shown) while the top-level node cannot be reached.
      const entries: LedgerEntry[] = await this.ledger.entries(LOCAL_OPERATOR);
      this.sealedSeq = entries.at(-1)?.seq ?? 0;
      if (!this.connected) {
        const state = await this.link.connect(this.ledger.publicKeyPem);
        this.contact();
        this.connected = true;
        this.connectedSince = state.firstConnectedAt;
        this.prefixesHomed = new Set(state.prefixes);
        this.lastSeq = state.lastSeq ?? 0;
        this.lastDay = state.lastDay;
        if (state.lastReportAt !== undefined) this.lastAckAtMs = Date.parse(state.lastReportAt);
      }
      await this.homePrefixes();
      await this.reportDays(entries);
      this.failures = 0;
      this.lastError = undefined;
      this.exchanged = true;
    } catch (error) {
      this.failures++;
      // The next round reconnects first: the top-level node's answer is the truth about what it holds.
      this.connected = false;
      const delay = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** Math.min(this.failures - 1, 30));
      this.nextAttemptAt = this.options.monotonic.now() + delay;
      this.lastError = isIdnodeError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      const log = isIdnodeError(error) && error.class === 'retry-later' ? 'warn' : 'error';
      this.logger[log]({ err: error, failuresInARow: this.failures, retryInMs: delay, backlog: this.backlog }, 'top-level connection: exchange failed; retrying with backoff');
    }
  }

  private contact(): void {
    this.lastContactAtMs = this.clock.now();
  }

  /** The prefixes this node homes: its homed prefixes and every enterprise prefix allocated (and not revoked) here. */
  private async wantedPrefixes(): Promise<string[]> {
    const enterprises = await this.principals.listPrincipals('enterprise');
    const prefixes = new Set([...this.homing.list().map((homed) => homed.prefix), ...enterprises.filter((principal) => principal.revokedAtMs === undefined && principal.prefix !== undefined).map((principal) => principal.prefix!)]);
    return [...prefixes].sort();
  }

  private async homePrefixes(): Promise<void> {
    const site = this.site.currentBytes().toString('base64');
    const wanted = await this.wantedPrefixes();
    this.prefixesPending = wanted.filter((prefix) => this.homedWithSite.get(prefix) !== site);
    for (const prefix of [...this.prefixesPending]) {
      await this.link.homePrefix(prefix, site);
      this.contact();
      this.homedWithSite.set(prefix, site);
      this.prefixesHomed.add(prefix);
      this.prefixesPending = this.prefixesPending.filter((pending) => pending !== prefix);
      this.logger.info({ prefix, topLevel: this.link.url }, 'top-level connection: prefix homed at the top-level node');
    }
  }

  private async reportDays(entries: readonly LedgerEntry[]): Promise<void> {
    const due = entries.filter((entry) => entry.seq > this.lastSeq);
    this.backlog = due.length;
    for (const entry of due) {
      await this.link.report(entry);
      this.contact();
      this.lastSeq = entry.seq;
      this.lastDay = entry.day;
      this.lastAckAtMs = this.clock.now();
      this.daysReported++;
      this.backlog--;
      this.logger.info({ day: entry.day, seq: entry.seq, topLevel: this.link.url }, 'top-level connection: sealed day acknowledged');
    }
  }

  status(): ConnectionStatus {
    return {
      url: this.link.url,
      nodeId: this.link.nodeId,
      state: this.failures > 0 ? 'retrying' : this.exchanged ? 'connected' : 'connecting',
      ...(this.connectedSince === undefined ? {} : { connectedSince: this.connectedSince }),
      prefixesHomed: [...this.prefixesHomed].sort(),
      prefixesPending: this.prefixesPending,
      ...(this.lastDay === undefined ? {} : { lastDayAcknowledged: this.lastDay }),
      lastSeqAcknowledged: this.lastSeq,
      ...(this.lastAckAtMs === undefined ? {} : { lastAcknowledgedAt: new Date(this.lastAckAtMs).toISOString() }),
      backlog: Math.max(this.backlog, this.sealedSeq - this.lastSeq),
      daysReported: this.daysReported,
      failuresInARow: this.failures,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.lastContactAtMs === undefined ? {} : { lastContactAt: new Date(this.lastContactAtMs).toISOString() }),
    };
  }

  /**
   * The evidence of the eligibility report's connection criterion: met only when an exchange with the
   * top-level node has succeeded, it holds every prefix this node homes, and it has acknowledged every sealed
   * day (none waiting).
   */
  async fact(): Promise<ConnectionFact> {
    const status = this.status();
    const wanted = await this.wantedPrefixes();
    const missing = wanted.filter((prefix) => !status.prefixesHomed.includes(prefix));
    const reports = status.lastDayAcknowledged === undefined ? 'no sealed day acknowledged yet' : `${status.lastSeqAcknowledged} sealed day(s) acknowledged, through ${status.lastDayAcknowledged} (last at ${status.lastAcknowledgedAt ?? 'an earlier run'})`;
    const evidence =
      `Top-level node ${status.url}, account ${status.nodeId}` +
      `${status.connectedSince === undefined ? '' : `, key registered ${status.connectedSince}`}; ` +
      `prefixes held there: ${status.prefixesHomed.length === 0 ? 'none' : status.prefixesHomed.join(', ')}; ${reports}; backlog ${status.backlog}` +
      `${status.lastContactAt === undefined ? '' : `; last contact ${status.lastContactAt}`}.`;
    const problems: string[] = [];
    if (status.state !== 'connected') problems.push(status.state === 'connecting' ? 'no exchange with the top-level node has succeeded yet' : `the last exchange failed (${status.lastError ?? 'unknown'})`);
    if (missing.length > 0) problems.push(`the top-level node does not hold ${missing.join(', ')} yet`);
    if (status.backlog > 0) problems.push(`${status.backlog} sealed day(s) are not acknowledged yet`);
    if (problems.length === 0) return { connected: true, detail: `Connected with the national top-level node: it holds every prefix this node homes and has acknowledged every sealed day. ${evidence}` };
    return { connected: false, detail: `Not connected yet: ${problems.join('; ')}. ${evidence}` };
  }
}
