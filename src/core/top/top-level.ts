import { createPublicKey } from 'node:crypto';
import { yearOf } from '../clock/calendar-day.js';
import type { Clock, Random } from '../clock/clock.js';
import { IdnodeError } from '../errors/catalogue.js';
import { isUnderPrefix, normalisePrefix } from '../identifier/identifier.js';
import type { LedgerEntry } from '../ledger/ledger-entry.js';
import { keyIdOf, parsePublicKey, publicKeyPem } from '../ledger/node-key.js';
import { zeroKindCounts } from '../metering/figures.js';
import { generateSecret, storeSecret, verifySecret } from '../auth/secrets.js';
import { PREFIX_HANDLE_PREFIX, prefixHandleRecord } from '../resolver/stages/prefix-handle-route.js';
import type { CounterKind, HandleRecord } from '../store/store.js';
import { checkReport } from './check-report.js';
import type { ConnectionState, NodeConnection, YearTotals } from './connection-report.js';
import type { RefusalKind, TopNodeRecord, TopPrefixRecord, TopStore } from './top-store.js';

/** The largest refused report kept (its JSON text is cut there). */
const MAX_KEPT_REFUSAL_BYTES = 65_536;

/**
 * The simulated national top-level node's logic (docs/design.md §5), free of I/O beyond its TopStore: node
 * accounts, prefix records (one owner per prefix), each node's signing key (registered on its first
 * connection) and its sealed daily reports, verified on intake (checkReport); refusals are kept with their
 * reasons. The server (src/top) only decodes, calls and encodes.
 */
export class TopLevel {
  constructor(
    private readonly store: TopStore,
    private readonly clock: Clock,
    private readonly random: Random,
    /** The kinds the award policy counts as resolutions (the yearly totals' countedResolutions). */
    private readonly countedResolutionKinds: readonly CounterKind[],
  ) {}

  /**
   * Opens an account for a node allowed to home `prefixes` (and prefixes below them). Returns its id and
   * secret (shown once). Throws REQUEST_INVALID for an empty name or no prefix, a PREFIX_* code for an invalid
   * prefix, PREFIX_CLAIMED when a prefix overlaps another active account's.
   */
  async addNode(name: string, prefixes: readonly string[]): Promise<{ id: string; secret: string }> {
    if (name.trim() === '') throw new IdnodeError('REQUEST_INVALID', 'name the node (--name)');
    if (prefixes.length === 0) throw new IdnodeError('REQUEST_INVALID', 'give the node at least one prefix (--prefix 88.123)');
    const wanted = prefixes.map(normalisePrefix);
    const nodes = await this.store.listNodes();
    for (const prefix of wanted) {
      const other = nodes.find((node) => node.revokedAtMs === undefined && node.prefixes.some((held) => isUnderPrefix(prefix, held) || isUnderPrefix(held, prefix)));
      if (other !== undefined) throw new IdnodeError('PREFIX_CLAIMED', `prefix ${prefix} overlaps the prefixes of node ${other.id} (${other.name}): ${other.prefixes.join(', ')}`);
    }
    const secret = generateSecret(this.random);
    for (let n = nodes.length + 1; ; n++) {
      const record: TopNodeRecord = {
        id: `node-${n}`,
        name: name.trim(),
        prefixes: wanted,
        secret: storeSecret(secret, this.random),
        createdAtMs: this.clock.now(),
        revokedAtMs: undefined,
        publicKeyPem: undefined,
        keyId: undefined,
        firstConnectedAtMs: undefined,
      };
      if (await this.store.insertNode(record)) return { id: record.id, secret };
    }
  }

  listNodes(): Promise<TopNodeRecord[]> {
    return this.store.listNodes();
  }

  /** Revokes an account: it can no longer connect, home or report. Throws REQUEST_INVALID when unknown, PRINCIPAL_REVOKED when revoked already. */
  async revokeNode(id: string): Promise<void> {
    const node = await this.store.getNode(id);
    if (node === undefined) throw new IdnodeError('REQUEST_INVALID', `no node account ${id}`);
    if (!(await this.store.revokeNode(id, this.clock.now()))) throw new IdnodeError('PRINCIPAL_REVOKED', `node account ${id} is already revoked`);
  }

  /** The active account `id` whose secret is `secret`. Throws AUTHENTICATION_FAILED otherwise (unknown, wrong, revoked alike). */
  async authenticate(id: string, secret: string): Promise<TopNodeRecord> {
    const node = await this.store.getNode(id);
    if (node === undefined || node.revokedAtMs !== undefined || !verifySecret(secret, node.secret)) {
      throw new IdnodeError('AUTHENTICATION_FAILED', 'unknown node account, wrong secret, or revoked account');
    }
    return node;
  }

  /**
   * A node connects: its public key (PEM) is registered on the first connection and must be the same on every
   * later one. Returns what the top-level node holds of it, so the node reports from the day after the last
   * one held. Throws REQUEST_INVALID for text that is no Ed25519 public key, NODE_KEY_MISMATCH for another key.
   */
  async connect(node: TopNodeRecord, publicKeyText: unknown): Promise<ConnectionState> {
    if (typeof publicKeyText !== 'string') throw new IdnodeError('REQUEST_INVALID', 'publicKey must be the node\'s Ed25519 public key as PEM text');
    const key = parsePublicKey(publicKeyText, 'publicKey');
    const registered = await this.store.registerNodeKey(node.id, { publicKeyPem: publicKeyPem(key), keyId: keyIdOf(key) }, this.clock.now());
    if (registered === undefined) throw new IdnodeError('AUTHENTICATION_FAILED', `node account ${node.id} no longer exists`);
    if (registered.keyId !== keyIdOf(key)) {
      throw new IdnodeError('NODE_KEY_MISMATCH', `node ${node.id} registered key ${registered.keyId!.slice(0, 16)}… on its first connection; this is key ${keyIdOf(key).slice(0, 16)}…`);
    }
    return this.state(registered);
  }

  /** What the top-level node holds of `node` now (its key registered or not). */
  async state(node: TopNodeRecord): Promise<ConnectionState> {
    const current = (await this.store.getNode(node.id)) ?? node;
    const last = (await this.store.listReports(node.id)).at(-1);
    const prefixes = (await this.store.listPrefixes()).filter((record) => record.nodeId === node.id).map((record) => record.prefix);
    return {
      nodeId: node.id,
      ...(current.keyId === undefined ? {} : { keyId: current.keyId }),
      ...(current.firstConnectedAtMs === undefined ? {} : { firstConnectedAt: new Date(current.firstConnectedAtMs).toISOString() }),
      prefixes,
      ...(last === undefined ? {} : { lastSeq: last.seq, lastDay: last.day, lastReportAt: new Date(last.receivedAtMs).toISOString() }),
    };
  }

  /**
   * Homes `prefixInput` for `node` with its site (HS_SITE data, base64). Idempotent: homing it again replaces
   * the site. Throws REQUEST_INVALID for a missing site, a PREFIX_* code for an invalid prefix, PERMISSION_DENIED
   * for a prefix outside the account's prefixes, PREFIX_CLAIMED when another node holds it or it lies under
   * another account's prefixes.
   */
  async homePrefix(node: TopNodeRecord, prefixInput: string, siteBase64: unknown): Promise<TopPrefixRecord> {
    const prefix = normalisePrefix(prefixInput);
    if (typeof siteBase64 !== 'string' || siteBase64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(siteBase64)) {
      throw new IdnodeError('REQUEST_INVALID', 'site must be the serving node\'s HS_SITE data (RFC 3651 site info), base64');
    }
    const other = (await this.store.listNodes()).find((candidate) => candidate.id !== node.id && candidate.revokedAtMs === undefined && candidate.prefixes.some((held) => isUnderPrefix(prefix, held)));
    if (other !== undefined) throw new IdnodeError('PREFIX_CLAIMED', `prefix ${prefix} belongs to node ${other.id} (${other.name}); node ${node.id} cannot home it`);
    if (!node.prefixes.some((held) => isUnderPrefix(prefix, held))) {
      throw new IdnodeError('PERMISSION_DENIED', `node ${node.id} may home prefixes under ${node.prefixes.join(', ')} only, not ${prefix}`);
    }
    const now = this.clock.now();
    const record = await this.store.claimPrefix({ prefix, nodeId: node.id, siteBase64, createdAtMs: now, updatedAtMs: now });
    if (record.nodeId !== node.id) throw new IdnodeError('PREFIX_CLAIMED', `prefix ${prefix} is homed by node ${record.nodeId}; node ${node.id} cannot home it`);
    return record;
  }

  /**
   * One sealed day reported by `node`, verified (checkReport) against its registered key and the days held.
   * Accepted: stored, and its seq and day returned. Refused: kept with its reason, then thrown as
   * REPORT_REFUSED naming it. Throws REPORT_REFUSED as well when the node has not connected (no key yet).
   */
  async report(node: TopNodeRecord, raw: unknown): Promise<{ seq: number; day: string }> {
    const current = (await this.store.getNode(node.id)) ?? node;
    const receivedAtMs = this.clock.now();
    if (current.publicKeyPem === undefined) {
      await this.refuse(node.id, raw, { kind: 'no-key', reason: `node ${node.id} has not connected yet: connect with its public key before reporting` });
    }
    const held = (await this.store.listReports(node.id)).map((report) => JSON.parse(report.entry) as LedgerEntry);
    const verdict = checkReport(raw, createPublicKey(current.publicKeyPem!), held);
    if (!verdict.accepted) await this.refuse(node.id, raw, verdict);
    const entry = (verdict as { entry: LedgerEntry }).entry;
    if (!(await this.store.appendReport({ nodeId: node.id, seq: entry.seq, day: entry.day, entry: JSON.stringify(entry), receivedAtMs }))) {
      // Another request of the same node appended that day between the check and the append.
      await this.refuse(node.id, raw, { kind: 'replayed', reason: `day ${entry.day} (seq ${entry.seq}) was reported already; a day is accepted once`, day: entry.day, seq: entry.seq });
    }
    return { seq: entry.seq, day: entry.day };
  }

  private async refuse(nodeId: string, raw: unknown, refusal: { kind: RefusalKind; reason: string; day?: string; seq?: number }): Promise<never> {
    const text = safeJson(raw);
    await this.store.addRefusal({
      nodeId,
      atMs: this.clock.now(),
      kind: refusal.kind,
      reason: refusal.reason,
      day: refusal.day,
      seq: refusal.seq,
      entry: text.length > MAX_KEPT_REFUSAL_BYTES ? text.slice(0, MAX_KEPT_REFUSAL_BYTES) : text,
    });
    throw new IdnodeError('REPORT_REFUSED', `${refusal.kind}: ${refusal.reason}`);
  }

  /** The prefix handle 0.NA/<prefix> of a homed prefix (HS_SITE of its node, HS_ADMIN of the node's operator), or `undefined`. */
  async prefixHandle(prefixInput: string): Promise<HandleRecord | undefined> {
    const prefix = normalisePrefix(prefixInput);
    const record = await this.store.getPrefix(prefix);
    if (record === undefined) return undefined;
    const node = await this.store.getNode(record.nodeId);
    return prefixHandleRecord({
      handle: `${PREFIX_HANDLE_PREFIX}/${prefix}`,
      siteBase64: record.siteBase64,
      siteDescribedAtMs: record.updatedAtMs,
      operatorPrefix: node?.prefixes[0] ?? prefix,
      createdAtMs: record.createdAtMs,
    });
  }

  /**
   * The connection report (GET /api/v1/nodes): per node, its account, first connection, prefixes homed, days
   * reported and verified, the last report's time, its yearly totals as reported, and its refusals, with every
   * day the node signed twice flagged with both versions.
   */
  async connectionReport(): Promise<{ generatedAt: string; nodes: NodeConnection[] }> {
    const prefixes = await this.store.listPrefixes();
    const nodes: NodeConnection[] = [];
    for (const node of await this.store.listNodes()) {
      const reports = await this.store.listReports(node.id);
      const entries = reports.map((report) => JSON.parse(report.entry) as LedgerEntry);
      const refusals = await this.store.listRefusals(node.id);
      const last = reports.at(-1);
      nodes.push({
        id: node.id,
        name: node.name,
        accountPrefixes: node.prefixes,
        ...(node.revokedAtMs === undefined ? {} : { revokedAt: new Date(node.revokedAtMs).toISOString() }),
        ...(node.keyId === undefined ? {} : { keyId: node.keyId }),
        ...(node.firstConnectedAtMs === undefined ? {} : { firstConnectedAt: new Date(node.firstConnectedAtMs).toISOString() }),
        prefixes: prefixes.filter((record) => record.nodeId === node.id).map((record) => ({ prefix: record.prefix, homedAt: new Date(record.createdAtMs).toISOString() })),
        reports: {
          daysVerified: reports.length,
          ...(entries.length === 0 ? {} : { firstDay: entries[0]!.day, lastDay: entries.at(-1)!.day, lastSeq: entries.at(-1)!.seq, lastHash: entries.at(-1)!.hash }),
          ...(last === undefined ? {} : { lastReportAt: new Date(last.receivedAtMs).toISOString() }),
          simulatedDays: entries.filter((entry) => entry.clock === 'simulated').length,
        },
        years: this.yearTotals(entries),
        refusals: refusals.map((refusal) => ({
          at: new Date(refusal.atMs).toISOString(),
          kind: refusal.kind,
          reason: refusal.reason,
          ...(refusal.day === undefined ? {} : { day: refusal.day }),
          ...(refusal.seq === undefined ? {} : { seq: refusal.seq }),
        })),
        conflicts: refusals
          .filter((refusal) => refusal.kind === 'conflict')
          .map((refusal) => {
            const other = JSON.parse(refusal.entry) as LedgerEntry;
            return { day: other.day, seq: other.seq, held: entries.find((entry) => entry.day === other.day || entry.seq === other.seq)!, other };
          }),
      });
    }
    return { generatedAt: new Date(this.clock.now()).toISOString(), nodes };
  }

  private yearTotals(entries: readonly LedgerEntry[]): YearTotals[] {
    const years = new Map<number, { year: number; days: number; totals: Record<CounterKind, number> }>();
    for (const entry of entries) {
      const year = yearOf(entry.day);
      let totals = years.get(year);
      if (totals === undefined) {
        totals = { year, days: 0, totals: zeroKindCounts() };
        years.set(year, totals);
      }
      totals.days++;
      for (const [kind, count] of Object.entries(entry.totals)) if (kind in totals.totals) totals.totals[kind as CounterKind] += count;
    }
    return [...years.values()].map((year) => ({
      ...year,
      registrations: year.totals.registration,
      countedResolutions: this.countedResolutionKinds.reduce((sum, kind) => sum + year.totals[kind], 0),
    }));
  }
}


/** The refused report as text: it came as JSON, so it stringifies (undefined, a missing body, as "null"). */
function safeJson(raw: unknown): string {
  return JSON.stringify(raw) ?? 'null';
}

