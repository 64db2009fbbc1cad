import type { Test } from 'tap';
import type { IssuedCredential } from '../../src/core/enterprises/principals-admin.js';
import type { HandleRecord } from '../../src/core/store/store.js';
import { send, type Sent } from '../helpers/http.js';
import { basic, startRestNode, type RestNode, type RestNodeOptions } from '../helpers/rest-node.js';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';

/** Enterprise prefixes of the fixture: A and B are siblings below the node prefix 88.999. */
export const PREFIX_A = '88.999.A';
export const PREFIX_B = '88.999.B';
/** Not homed on the test node. */
export const UNHOMED = '99.999';

export interface Callers {
  readonly operator: string;
  readonly a: string;
  readonly b: string;
  readonly auditor: string;
}

export interface Fixture {
  readonly rest: RestNode;
  readonly a: IssuedCredential;
  readonly b: IssuedCredential;
  readonly auditor: IssuedCredential;
  /** Authorization header values (username with %3A, as HANDLE.NET clients send it). */
  readonly auth: Callers;
  /** `${url}/api/handles/${handle}`; `handle` goes into the URL as given (encode it yourself if needed). */
  handleUrl(handle: string): string;
  /** The record as the store holds it now, read past the cache. */
  stored(handle: string): Promise<HandleRecord | undefined>;
  /** PUT as `authorization` (undefined: anonymous). */
  put(handle: string, values: unknown, authorization?: string, query?: string): Promise<Sent>;
}

/**
 * A real node on a real SQLite file in t.testdir(), with enterprises A (88.999.A) and B (88.999.B) and an
 * auditor besides the first-run operator and demo enterprise. Closed at teardown of `t`.
 */
export async function startFixture(t: Test, options: Omit<RestNodeOptions, 'dir'> = {}): Promise<Fixture> {
  const rest = await startRestNode({ dir: t.testdir(), ...options });
  t.teardown(() => rest.close());
  const a = await rest.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: PREFIX_A, name: 'Enterprise A' });
  const b = await rest.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: PREFIX_B, name: 'Enterprise B' });
  const auditor = await rest.node.principals.addAuditor(LOCAL_OPERATOR, 'Auditor');
  const operator = rest.credentials.operator;
  const auth: Callers = {
    operator: basic(operator.id, operator.secret),
    a: basic(a.id, a.secret),
    b: basic(b.id, b.secret),
    auditor: basic(auditor.id, auditor.secret),
  };
  const handleUrl = (handle: string) => `${rest.url}/api/handles/${handle}`;
  return {
    rest,
    a,
    b,
    auditor,
    auth,
    handleUrl,
    stored: (handle) => rest.store.getHandle(handle),
    put: (handle, values, authorization, query = '') =>
      send(handleUrl(handle) + query, {
        method: 'PUT',
        headers: authorization === undefined ? {} : { authorization },
        json: values,
      }),
  };
}

/** ISO-8601 UTC without milliseconds, as the wire carries timestamps. */
export const WIRE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Asserts the catalogue error shape: status, responseCode, code, and a non-empty message. */
export function assertError(t: Test, reply: Sent, status: number, responseCode: number, code: string, label = code): void {
  t.equal(reply.status, status, `${label}: HTTP ${status}`);
  t.equal(reply.body?.responseCode, responseCode, `${label}: responseCode ${responseCode}`);
  t.equal(reply.body?.code, code, `${label}: code ${code}`);
  t.type(reply.body?.message, 'string', `${label}: has a message`);
  t.ok(String(reply.body?.message).length > 0, `${label}: message not empty`);
  t.same(
    Object.keys(reply.body ?? {}).filter((key) => !['responseCode', 'handle', 'code', 'message'].includes(key)),
    [],
    `${label}: error body carries only responseCode, handle, code, message`,
  );
}
