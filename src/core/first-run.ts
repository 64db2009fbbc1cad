import { LOCAL_OPERATOR } from './auth/principal.js';
import { normalisePrefix } from './identifier/identifier.js';
import type { IssuedCredential } from './enterprises/principals-admin.js';
import type { IdNode } from './node.js';

export interface FirstRunCredentials {
  readonly operator: IssuedCredential;
  readonly demoEnterprise: IssuedCredential;
}

const FIRST_RUN_KEY = 'first-run-at';

/**
 * On the very first start of a data directory: issues the operator credential and a demo enterprise under
 * `<first node prefix>.DEMO`, returning their secrets (shown once, never stored in clear). Returns
 * `undefined` on every later start. Safe against two processes starting at once: only the one whose
 * marker the store kept does it.
 */
/**
 * The node prefix that names the operator identity (`300:0.NA/<it>`): the first configured node prefix,
 * so the identity follows the configuration's order, not the store's.
 */
export function operatorNodePrefix(node: IdNode): string {
  return normalisePrefix(node.config.nodePrefixes[0]!);
}

export async function firstRun(node: IdNode): Promise<FirstRunCredentials | undefined> {
  const marker = new Date(node.clock.now()).toISOString() + ' ' + process.pid;
  if ((await node.store.initMeta(FIRST_RUN_KEY, marker)) !== marker) return undefined;
  const nodePrefix = operatorNodePrefix(node);
  // The first start is made by whoever holds the data directory: the local operator.
  const operator = (await node.principals.ensureOperator(LOCAL_OPERATOR, nodePrefix)) ?? (await node.principals.rotateOperatorSecret(LOCAL_OPERATOR, nodePrefix));
  const demoEnterprise = await node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: `${nodePrefix}.DEMO`, name: 'Demo enterprise' });
  return { operator, demoEnterprise };
}
