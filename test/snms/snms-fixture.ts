import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import type { Clock } from '../../src/core/clock/clock.js';
import { send, type Sent } from '../helpers/http.js';
import { startRestNode, type RestNode } from '../helpers/rest-node.js';

/** 2026-05-01T10:00:00Z, 18:00 in China Standard Time. */
export const START_MS = Date.UTC(2026, 4, 1, 10, 0, 0);
export const PREFIX_A = '88.999.1';
export const PREFIX_B = '88.999.2';

export interface SnmsFixture {
  readonly rest: RestNode;
  readonly url: string;
  /** The node's wall clock: tests move it (token expiry, the hashed login's day). */
  readonly clock: Clock & { set(ms: number): void; advance(ms: number): void };
  /** The enterprises' secrets. */
  readonly secrets: { a: string; b: string };
  /** POST/PUT/GET/DELETE with an optional bearer token. */
  call(method: string, path: string, options?: { token?: string; json?: unknown }): Promise<Sent>;
  login(username: string, password: string): Promise<string>;
}

/** A node on a real SQLite file with two enterprises (88.999.1, 88.999.2), on a clock the test sets. */
export async function startSnmsFixture(t: Test): Promise<SnmsFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'idnode-snms-'));
  let nowMs = START_MS;
  const clock = { now: () => nowMs, set: (ms: number) => void (nowMs = ms), advance: (ms: number) => void (nowMs += ms) };
  const rest = await startRestNode({ dir, clock });
  t.teardown(async () => {
    await rest.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const a = await rest.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: PREFIX_A, name: 'A' });
  const b = await rest.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: PREFIX_B, name: 'B' });
  const call: SnmsFixture['call'] = (method, path, options = {}) =>
    send(`${rest.url}${path}`, { method, headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }, ...(options.json === undefined ? {} : { json: options.json }) });
  const login = async (username: string, password: string): Promise<string> => {
    const answer = await call('POST', '/identity/token', { json: { username, password } });
    if (answer.body?.status !== 1) throw new Error(`login failed: ${JSON.stringify(answer.body)}`);
    return answer.body.data.token as string;
  };
  return { rest, url: rest.url, clock, secrets: { a: a.secret, b: b.secret }, call, login };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A template of PREFIX_A exercising every item type and rule. */
export function fullTemplate(version = '1.0', prefix = PREFIX_A) {
  return {
    prefix,
    version,
    industryCategory: 'C',
    industrySpecific: '38',
    industryTrade: '381',
    industrySubclass: '3811',
    items: [
      { name: '产品型号', idType: 'product.model', idIndex: 2000, required: true, metadata: { type: 'string', minLength: 2, maxLength: 8 } },
      { name: '批次', idType: 'product.batch', idIndex: 2001, required: false, metadata: { type: 'string', pattern: 'B[0-9]{3}' } },
      { name: '重量', idType: 'product.weight', idIndex: 2002, required: false, metadata: { type: 'number' } },
      { name: '生产日期', idType: 'product.date', idIndex: 2003, required: false, metadata: { type: 'date' } },
      { name: '说明书', idType: 'product.manual', idIndex: 2004, required: false, metadata: { type: 'URL' } },
      { name: '颜色', idType: 'product.colour', idIndex: 2005, required: false, metadata: { type: 'enumeration', options: ['red', 'blue'] } },
    ],
  };
}

/** SNMS values that satisfy fullTemplate. */
export function goodValues(model = 'M100') {
  return [
    { index: 1, type: 'URL', data: { format: 'string', value: 'https://example.com/p' } },
    { index: 2000, type: 'product.model', auth: '1110', data: { format: 'string', value: model } },
    { index: 2001, type: 'product.batch', data: { format: 'string', value: 'B001' } },
    { index: 2002, type: 'product.weight', data: { format: 'string', value: '12.5' } },
    { index: 2003, type: 'product.date', data: { format: 'string', value: '2026-04-30' } },
    { index: 2004, type: 'product.manual', data: { format: 'string', value: 'https://example.com/manual.pdf' } },
    { index: 2005, type: 'product.colour', data: { format: 'string', value: 'red' } },
  ];
}
