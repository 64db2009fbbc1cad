import t from 'tap';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { TopLevelConnection } from '../../src/core/connection/top-level-connection.js';
import type { TopLevelLink } from '../../src/core/connection/top-level-link.js';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { LedgerEntry } from '../../src/core/ledger/ledger-entry.js';
import { silentLogger } from '../../src/core/log/logger.js';
import type { PrincipalRecord } from '../../src/core/store/store.js';
import type { ConnectionState } from '../../src/core/top/connection-report.js';
import { ManualClock } from '../helpers/audit-node.js';

/** A top-level node in memory: what it holds, and switches to make it fail. */
class FakeTop implements TopLevelLink {
  readonly url = 'http://top.test';
  readonly nodeId = 'node-1';
  down = false;
  /** The next report is stored but its acknowledgement is lost. */
  loseNextAck = false;
  refuseHoming: string | undefined;
  held: LedgerEntry[] = [];
  prefixes = new Map<string, string>();
  reportsReceived: number[] = [];
  connects = 0;
  private check(): void {
    if (this.down) throw new IdnodeError('TOP_LEVEL_UNREACHABLE', 'connection refused');
  }
  async connect(): Promise<ConnectionState> {
    this.check();
    this.connects++;
    const last = this.held.at(-1);
    return { nodeId: this.nodeId, firstConnectedAt: '2024-01-01T00:00:00.000Z', prefixes: [...this.prefixes.keys()], ...(last ? { lastSeq: last.seq, lastDay: last.day, lastReportAt: '2024-01-02T00:00:00.000Z' } : {}) };
  }
  async homePrefix(prefix: string, site: string): Promise<void> {
    this.check();
    if (prefix === this.refuseHoming) throw new IdnodeError('PREFIX_CLAIMED', `${prefix} belongs to node-2`);
    this.prefixes.set(prefix, site);
  }
  async report(entry: LedgerEntry): Promise<void> {
    this.check();
    this.reportsReceived.push(entry.seq);
    if (this.held.some((held) => held.seq === entry.seq)) throw new IdnodeError('REPORT_REFUSED', 'replayed');
    this.held.push(entry);
    if (this.loseNextAck) {
      this.loseNextAck = false;
      throw new IdnodeError('TOP_LEVEL_UNREACHABLE', 'connection reset before the answer');
    }
  }
  async resolvePrefixHandle(): Promise<undefined> {
    return undefined;
  }
}

const entry = (seq: number): LedgerEntry => ({ seq, day: `2024-01-${String(seq).padStart(2, '0')}` }) as LedgerEntry;

t.test('the connection homes, reports in order, backs off while the top is down, and never sends a day twice', async (t) => {
  const time = new ManualScheduler();
  const top = new FakeTop();
  const sealed: LedgerEntry[] = [entry(1), entry(2)];
  const enterprises: PrincipalRecord[] = [{ id: '300:0.NA/88.1.E', role: 'enterprise', prefix: '88.1.E', name: 'E', secret: { hash: Buffer.alloc(1), salt: Buffer.alloc(1) }, createdAtMs: 1, revokedAtMs: undefined }];
  let site = 'site-1';
  const connection = new TopLevelConnection(
    top,
    { publicKeyPem: 'PEM', entries: async () => sealed },
    { list: () => [{ prefix: '88.1', source: 'config', createdAtMs: 1 }] },
    { listPrincipals: async () => enterprises },
    { currentBytes: () => Buffer.from(site) },
    new ManualClock(Date.parse('2024-01-03T00:00:00Z')),
    silentLogger,
    { retryBaseMs: 100, retryMaxMs: 400, monotonic: time, scheduler: time },
  );
  t.match(connection.status(), { state: 'connecting', backlog: 0 });
  t.match(await connection.fact(), { connected: false, detail: /no exchange with the top-level node has succeeded yet/ });
  connection.start();
  connection.start();
  await time.advance(1);
  await connection.tick();
  t.same([...top.prefixes.keys()], ['88.1', '88.1.E']);
  t.same(top.reportsReceived, [1, 2]);
  t.match(connection.status(), { state: 'connected', prefixesHomed: ['88.1', '88.1.E'], lastSeqAcknowledged: 2, lastDayAcknowledged: '2024-01-02', backlog: 0, daysReported: 2 });
  t.match(await connection.fact(), { connected: true, detail: /account node-1.*88\.1, 88\.1\.E.*through 2024-01-02/ });

  // Down: days pile up, retries back off (100, 200, 400, 400 ms), the state says so, the criterion is not met.
  top.down = true;
  sealed.push(entry(3), entry(4));
  await time.advance(1000);
  await connection.tick();
  t.match(connection.status(), { state: 'retrying', backlog: 2, failuresInARow: 1, lastError: /TOP_LEVEL_UNREACHABLE/ });
  t.match(await connection.fact(), { connected: false, detail: /the last exchange failed.*2 sealed day\(s\) are not acknowledged yet/ });
  await time.advance(2000);
  const failures = connection.status().failuresInARow;
  t.ok(failures >= 3 && failures <= 8, `backed off: ${failures} attempts in 2 s`);

  // While healthy, a round a second at most; here the retries run at their own pace.
  // Back, with the acknowledgement of day 3 lost: day 3 is not sent again, day 4 follows.
  top.down = false;
  top.loseNextAck = true;
  await time.advance(400);
  await connection.tick();
  t.same(top.reportsReceived, [1, 2, 3]);
  await time.advance(400);
  await connection.tick();
  t.same(top.reportsReceived, [1, 2, 3, 4], 'each day exactly once');
  t.match(connection.status(), { state: 'connected', backlog: 0, lastSeqAcknowledged: 4 });

  // A new enterprise prefix is homed at once (nudge); a changed site is homed again; a refused prefix keeps the criterion unmet.
  enterprises.push({ ...enterprises[0]!, id: '300:0.NA/88.1.F', prefix: '88.1.F' });
  connection.nudge();
  await connection.tick();
  t.ok(top.prefixes.has('88.1.F'));
  site = 'site-2';
  await time.advance(1000);
  await connection.tick();
  t.equal(top.prefixes.get('88.1'), Buffer.from('site-2').toString('base64'));
  top.refuseHoming = '88.1.G';
  enterprises.push({ ...enterprises[0]!, id: '300:0.NA/88.1.G', prefix: '88.1.G' });
  await time.advance(1000);
  await connection.tick();
  t.match(connection.status(), { state: 'retrying', prefixesPending: ['88.1.G'], lastError: /PREFIX_CLAIMED/ });
  t.match(await connection.fact(), { connected: false, detail: /does not hold 88\.1\.G yet/ });
  await connection.stop();
  await connection.stop();
});
