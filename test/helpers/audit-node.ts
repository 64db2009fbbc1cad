import type { Test } from 'tap';
import type { Clock } from '../../src/core/clock/clock.js';
import type { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import type { CoreConfig } from '../../src/core/node.js';
import { basic, startRestNode, type RestNode } from './rest-node.js';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';

/** A clock tests set by hand (epoch ms). */
export class ManualClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  /** Sets the clock to an ISO-8601 instant (with its offset, e.g. 2024-12-31T23:59:59.999+08:00). */
  set(iso: string): void {
    this.ms = Date.parse(iso);
    if (Number.isNaN(this.ms)) throw new Error(`not an instant: ${iso}`);
  }
}

export interface AuditNode {
  readonly rest: RestNode;
  readonly url: string;
  /** Authorization headers of the operator, the demo enterprise and an auditor. */
  readonly auth: { readonly operator: string; readonly demo: string; readonly auditor: string };
  readonly auditor: { readonly id: string; readonly secret: string };
  readonly demoPrefix: string;
}

/** A real REST node on SQLite (see startRestNode) with an auditor credential; closed at the end of `t`. */
export async function startAuditNode(t: Test, options: { clock?: Clock; config?: Partial<CoreConfig>; time?: ManualScheduler } = {}): Promise<AuditNode> {
  const rest = await startRestNode({
    dir: t.testdir(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.time ? { time: options.time } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
  t.teardown(() => rest.close());
  const auditor = await rest.node.principals.addAuditor(LOCAL_OPERATOR, 'Test auditor');
  const { operator, demoEnterprise } = rest.credentials;
  return {
    rest,
    url: rest.url,
    auth: { operator: basic(operator.id, operator.secret), demo: basic(demoEnterprise.id, demoEnterprise.secret), auditor: basic(auditor.id, auditor.secret) },
    auditor,
    demoPrefix: demoEnterprise.prefix!,
  };
}
