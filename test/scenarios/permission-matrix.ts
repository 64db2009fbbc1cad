import type { Driver, Outcome, OptionalOperation, Who } from './drivers.js';

/**
 * Who may do what: every operation of every front end × the caller's role × the target prefix's relation to
 * the caller, with the answer derived from the rules of src/core/auth/access.ts. The one place this is
 * written down for tests: permission-matrix.test.ts drives it through every front end whose driver offers
 * the operation, and docs/permissions.md holds renderTable()'s output (the test compares them).
 */

/**
 * identity: an identity held in a handle under the enterprise's own prefix (HS_SECKEY at 300 of
 * `88.999.A/MATRIX-ID`), granted every right by an HS_ADMIN value of that handle naming it.
 */
export type Role = 'anonymous' | 'enterprise' | 'identity' | 'auditor' | 'operator';
export const ROLES: readonly Role[] = ['anonymous', 'enterprise', 'identity', 'auditor', 'operator'];

/** The target prefix: the calling enterprise's own, another enterprise's, or one this node does not home. */
export type Relation = 'own' | 'another' | 'not-homed';
export const RELATIONS: readonly Relation[] = ['own', 'another', 'not-homed'];

/** NOT_FOUND: no refusal, but the search answers without the handle (the value is not readable to the caller, or not stored). */
export type Answer = 'allowed' | 'AUTHENTICATION_REQUIRED' | 'PERMISSION_DENIED' | 'NOT_HOMED' | 'NOT_FOUND';

/**
 * public: anyone. resolve: anyone, for a homed prefix. owner: the operator, or the enterprise holding the
 * prefix (or an identity of that prefix granted the right), for a homed prefix (homing is checked before the
 * caller). write: as owner, but an anonymous caller is refused first, from its headers or metadata, before
 * its body is read (docs/design.md §4, "Hardening"). bulk: as owner, per item, but anonymous callers and
 * auditors are refused the whole request first.
 * audit: auditors and the operator. operator: the operator only. read-private: a search finds a handle by a
 * value that is not public for whoever canReadPrivate under its prefix (the operator, the enterprise holding it,
 * an identity of it granted reading), and answers everyone else without it; nothing is stored under a prefix
 * not homed, so nothing is found there.
 */
export type Rule = 'public' | 'resolve' | 'owner' | 'write' | 'bulk' | 'audit' | 'operator' | 'read-private';

export function answer(rule: Rule, role: Role, relation: Relation | undefined): Answer {
  const notHomed = relation === 'not-homed';
  const owns = role === 'operator' || ((role === 'enterprise' || role === 'identity') && relation === 'own');
  switch (rule) {
    case 'public':
      return 'allowed';
    case 'resolve':
      return notHomed ? 'NOT_HOMED' : 'allowed';
    case 'owner':
      if (notHomed) return 'NOT_HOMED';
      if (role === 'anonymous') return 'AUTHENTICATION_REQUIRED';
      return owns ? 'allowed' : 'PERMISSION_DENIED';
    case 'write':
      if (role === 'anonymous') return 'AUTHENTICATION_REQUIRED';
      return answer('owner', role, relation);
    case 'bulk':
      if (role === 'anonymous') return 'AUTHENTICATION_REQUIRED';
      if (role === 'auditor') return 'PERMISSION_DENIED';
      if (notHomed) return 'NOT_HOMED';
      return owns ? 'allowed' : 'PERMISSION_DENIED';
    case 'audit':
      if (role === 'anonymous') return 'AUTHENTICATION_REQUIRED';
      return role === 'auditor' || role === 'operator' ? 'allowed' : 'PERMISSION_DENIED';
    case 'operator':
      if (role === 'anonymous') return 'AUTHENTICATION_REQUIRED';
      return role === 'operator' ? 'allowed' : 'PERMISSION_DENIED';
    case 'read-private':
      return !notHomed && owns ? 'allowed' : 'NOT_FOUND';
  }
}

/** What one cell acts on: a fresh handle or prefix of its own, so that no cell sees another's effects. */
export interface Target {
  /** The prefix of the cell's relation (operations by prefix), or a fresh one the cell's preparation made. */
  readonly prefix: string;
  /** A handle under `prefix` that no other cell uses. */
  readonly handle: string;
  /** What the cell's preparation returned, when it made something with an id of its own (an auditor). */
  readonly subject?: string;
}

/** What a cell's preparation may do, as the operator, before the store is looked at. */
export interface Setup {
  /** Stores `handle` with one URL value. */
  seed(handle: string): Promise<void>;
  /** Stores `handle` with one URL value and a private EMAIL value (permissions 1100) naming the handle. */
  seedPrivate(handle: string): Promise<void>;
  home(prefix: string): Promise<void>;
  addEnterprise(prefix: string): Promise<void>;
  revokeEnterprise(prefix: string): Promise<void>;
  /** Issues an auditor credential; returns its id. */
  addAuditor(): Promise<string>;
}

export interface MatrixOperation {
  readonly name: string;
  readonly rule: Rule;
  /** Whether the answer depends on the target prefix (one cell per Relation), or not (one cell). */
  readonly byPrefix: boolean;
  /** How each front end offers it, for the table (none: not offered). */
  readonly rest?: string;
  readonly grpc?: string;
  /** The Handle binary protocol. */
  readonly hdl?: string;
  readonly cli?: string;
  /** The driver method that performs it; a front end whose driver lacks it does not offer it. */
  readonly driverMethod?: OptionalOperation | 'resolve' | 'create' | 'update' | 'remove' | 'batch' | 'stream';
  /** Performs it; `undefined` when the driver lacks the method. */
  run?(driver: Driver, who: Who, target: Target): Promise<Outcome | undefined> | undefined;
  /** Makes the cell's target before the store is looked at; a string returned becomes the target's subject. */
  prepare?(setup: Setup, target: Target): Promise<void | string>;
  /** Operations not by prefix act on a fresh prefix: below the node prefix unless this says otherwise. */
  freshPrefix?(cell: number): string;
  /** Whether it changes the store when allowed (else the store must be as it was, allowed or not). */
  readonly changes?: boolean;
}

/** Enterprise prefixes of the matrix node (below its node prefix 88.999), and one it does not home. */
export const OWN_PREFIX = '88.999.A';
export const OTHER_PREFIX = '88.999.B';
export const UNHOMED_PREFIX = '99.999';
export const PREFIX_OF: Record<Relation, string> = { own: OWN_PREFIX, another: OTHER_PREFIX, 'not-homed': UNHOMED_PREFIX };

const URL_VALUE = [{ index: 1, type: 'URL', data: 'https://example.org/matrix' }];
const ITEM = (target: Target) => [{ handle: target.handle, values: URL_VALUE }];
const YEAR = 2025;
const seeded = async (setup: Setup, target: Target) => {
  if (!target.prefix.startsWith(UNHOMED_PREFIX)) await setup.seed(target.handle);
};
const seededPrivate = async (setup: Setup, target: Target) => {
  if (!target.prefix.startsWith(UNHOMED_PREFIX)) await setup.seedPrivate(target.handle);
};
/** The private EMAIL value seedPrivate stores for `handle`. */
export const privateEmailOf = (handle: string) => `${handle.replace('/', '.')}@matrix.example`;

/** A fresh template version for each cell that creates one (versions are per prefix; cells share prefixes). */
let templateVersions = 0;
const nextTemplateVersion = (): string => `m${++templateVersions}`;

/** A one-item batch or stream as one answer: the call's refusal, else its item's. */
function firstItem(outcome: Outcome): Outcome {
  if (!outcome.ok) return outcome;
  const failed = outcome.results?.find((result) => result.status === 'failed');
  return failed ? { ok: false, code: failed.code } : { ok: outcome.summary?.created === 1 };
}

export const OPERATIONS: readonly MatrixOperation[] = [
  { name: 'resolve an identifier', rule: 'resolve', byPrefix: true, rest: 'GET /api/handles/{handle}', grpc: 'Resolver.Resolve', hdl: 'resolution (opCode 1), UDP and TCP', driverMethod: 'resolve', prepare: seeded, run: (d, who, t) => d.resolve(who, t.handle) },
  { name: 'resolve over a stream', rule: 'resolve', byPrefix: true, grpc: 'Resolver.ResolveStream', driverMethod: 'resolveStream', prepare: seeded, run: (d, who, t) => d.resolveStream?.(who, t.handle) },
  { name: 'create an identifier', rule: 'write', byPrefix: true, rest: 'PUT /api/handles/{handle}?overwrite=false', grpc: 'Registry.Create', driverMethod: 'create', changes: true, run: (d, who, t) => d.create?.(who, t.handle, URL_VALUE) },
  { name: 'change an identifier', rule: 'write', byPrefix: true, rest: 'PUT /api/handles/{handle}', grpc: 'Registry.Update', driverMethod: 'update', changes: true, prepare: seeded, run: (d, who, t) => d.update?.(who, t.handle, [{ ...URL_VALUE[0]!, data: 'https://example.org/changed' }]) },
  { name: 'delete an identifier', rule: 'write', byPrefix: true, rest: 'DELETE /api/handles/{handle}', grpc: 'Registry.Delete', driverMethod: 'remove', changes: true, prepare: seeded, run: (d, who, t) => d.remove?.(who, t.handle) },
  { name: 'list identifiers under a prefix', rule: 'owner', byPrefix: true, rest: 'GET /api/handles?prefix={prefix}', driverMethod: 'listHandles', prepare: seeded, run: (d, who, t) => d.listHandles?.(who, t.prefix) },
  { name: 'register a batch', rule: 'bulk', byPrefix: true, rest: 'POST /api/v1/handles/batch', grpc: 'Registry.RegisterBatch', driverMethod: 'batch', changes: true, run: async (d, who, t) => (d.batch === undefined ? undefined : firstItem(await d.batch(who, ITEM(t)))) },
  { name: 'import a stream', rule: 'bulk', byPrefix: true, rest: 'POST /api/v1/import', grpc: 'Registry.BulkRegister', cli: 'idnode import (over REST, with the credential given)', driverMethod: 'stream', changes: true, run: async (d, who, t) => (d.stream === undefined ? undefined : firstItem(await d.stream(who, ITEM(t)))) },
  { name: 'create a metadata template', rule: 'write', byPrefix: true, rest: 'POST /api/v1/templates (also PUT, DELETE)', grpc: 'Templates.Create (also Update, Delete)', cli: 'idnode template add, update, delete', driverMethod: 'createTemplate', changes: true, run: (d, who, t) => d.createTemplate?.(who, t.prefix, nextTemplateVersion()) },
  { name: 'read metadata templates', rule: 'public', byPrefix: false, rest: 'GET /api/v1/templates/{prefix}[/{version}]', grpc: 'Templates.List, Templates.Get', cli: 'idnode template list, show', driverMethod: 'listTemplates', run: (d, who) => d.listTemplates?.(who, OWN_PREFIX) },
  { name: 'search by a public value', rule: 'public', byPrefix: false, rest: 'GET /hrls/handles, GET /api/v1/search', driverMethod: 'searchByValue', prepare: seeded, run: (d, who, t) => d.searchByValue?.(who, t.handle, 'URL', 'https://example.org/seed') },
  { name: 'search by a value that is not public', rule: 'read-private', byPrefix: true, rest: 'GET /hrls/handles, GET /api/v1/search', driverMethod: 'searchByValue', prepare: seededPrivate, run: (d, who, t) => d.searchByValue?.(who, t.handle, 'EMAIL', privateEmailOf(t.handle)) },
  { name: 'list homed prefixes', rule: 'public', byPrefix: false, rest: 'GET /api/prefixes', driverMethod: 'listPrefixes', run: (d, who) => d.listPrefixes?.(who) },
  { name: 'home a prefix', rule: 'operator', byPrefix: false, rest: 'POST /api/prefixes/{prefix}, POST /api/prefixes', driverMethod: 'homePrefix', changes: true, freshPrefix: (cell) => `77.${cell}`, run: (d, who, t) => d.homePrefix?.(who, t.prefix) },
  { name: 'unhome a prefix', rule: 'operator', byPrefix: false, rest: 'DELETE /api/prefixes/{prefix}', driverMethod: 'unhomePrefix', changes: true, freshPrefix: (cell) => `77.${cell}`, prepare: (s, t) => s.home(t.prefix), run: (d, who, t) => d.unhomePrefix?.(who, t.prefix) },
  { name: 'list enterprises', rule: 'operator', byPrefix: false, rest: 'GET /api/v1/enterprises', cli: 'idnode enterprise list', driverMethod: 'listEnterprises', run: (d, who) => d.listEnterprises?.(who) },
  { name: 'add an enterprise', rule: 'operator', byPrefix: false, rest: 'POST /api/v1/enterprises', cli: 'idnode enterprise add', driverMethod: 'addEnterprise', changes: true, run: (d, who, t) => d.addEnterprise?.(who, t.prefix, 'Matrix enterprise') },
  { name: "revoke an enterprise's credential", rule: 'operator', byPrefix: false, rest: 'DELETE /api/v1/enterprises/{prefix}', cli: 'idnode enterprise revoke', driverMethod: 'revokeEnterprise', changes: true, prepare: (s, t) => s.addEnterprise(t.prefix), run: (d, who, t) => d.revokeEnterprise?.(who, t.prefix) },
  { name: "rotate an enterprise's secret", rule: 'operator', byPrefix: false, rest: 'POST /api/v1/enterprises/{prefix}/rotate-secret', cli: 'idnode enterprise rotate-secret', driverMethod: 'rotateEnterpriseSecret', changes: true, prepare: (s, t) => s.addEnterprise(t.prefix), run: (d, who, t) => d.rotateEnterpriseSecret?.(who, t.prefix) },
  { name: 'reinstate a revoked enterprise', rule: 'operator', byPrefix: false, rest: 'POST /api/v1/enterprises/{prefix}/reinstate', cli: 'idnode enterprise reinstate', driverMethod: 'reinstateEnterprise', changes: true, prepare: async (s, t) => { await s.addEnterprise(t.prefix); await s.revokeEnterprise(t.prefix); }, run: (d, who, t) => d.reinstateEnterprise?.(who, t.prefix) },
  { name: 'list auditors', rule: 'operator', byPrefix: false, rest: 'GET /api/v1/auditors', cli: 'idnode auditor list', driverMethod: 'listAuditors', run: (d, who) => d.listAuditors?.(who) },
  { name: 'add an auditor', rule: 'operator', byPrefix: false, rest: 'POST /api/v1/auditors', cli: 'idnode auditor add', driverMethod: 'addAuditor', changes: true, run: (d, who) => d.addAuditor?.(who, 'Matrix auditor') },
  { name: "revoke an auditor's credential", rule: 'operator', byPrefix: false, rest: 'DELETE /api/v1/auditors/{id}', cli: 'idnode auditor revoke', driverMethod: 'revokeAuditor', changes: true, prepare: (s) => s.addAuditor(), run: (d, who, t) => d.revokeAuditor?.(who, t.subject!) },
  { name: "set an enterprise's quota", rule: 'operator', byPrefix: false, rest: 'PUT /api/v1/enterprises/{prefix}/quota', cli: 'idnode enterprise quota --prefix P --registrations-per-day N …', driverMethod: 'setQuota', changes: true, prepare: (s, t) => s.addEnterprise(t.prefix), run: (d, who, t) => d.setQuota?.(who, t.prefix) },
  { name: 'read every enterprise\'s quota and usage (the quota report)', rule: 'audit', byPrefix: false, rest: 'GET /api/v1/quotas', driverMethod: 'quotaReport', run: (d, who) => d.quotaReport?.(who) },
  { name: "rotate the operator's secret", rule: 'operator', byPrefix: false, cli: 'idnode operator rotate-secret' },
  { name: 'metered figures per day', rule: 'audit', byPrefix: false, rest: 'GET /api/v1/metering/daily', grpc: 'Metering.DailyFigures', driverMethod: 'dailyFigures', run: (d, who) => d.dailyFigures?.(who, `${YEAR}-01-01`, `${YEAR}-12-31`) },
  { name: 'metered totals', rule: 'audit', byPrefix: false, rest: 'GET /api/v1/metering/totals', driverMethod: 'meteringTotals', run: (d, who) => d.meteringTotals?.(who, `${YEAR}-01-01`, `${YEAR}-12-31`) },
  { name: 'award-eligibility report', rule: 'audit', byPrefix: false, rest: 'GET /api/v1/eligibility', grpc: 'Metering.Eligibility', cli: 'idnode report', driverMethod: 'eligibility', run: (d, who) => d.eligibility?.(who, YEAR) },
  { name: 'award policies', rule: 'audit', byPrefix: false, rest: 'GET /api/v1/policies', driverMethod: 'policies', run: (d, who) => d.policies?.(who) },
  { name: 'export the ledger', rule: 'audit', byPrefix: false, rest: 'GET /api/v1/ledger', cli: 'idnode ledger export', driverMethod: 'ledgerExport', run: (d, who) => d.ledgerExport?.(who) },
  { name: 'ledger status', rule: 'audit', byPrefix: false, rest: 'GET /api/v1/ledger/status', driverMethod: 'ledgerStatus', run: (d, who) => d.ledgerStatus?.(who) },
  { name: 'seal the ledger now', rule: 'operator', byPrefix: false, rest: 'POST /api/v1/ledger/seal', cli: 'idnode ledger seal', driverMethod: 'ledgerSeal', run: (d, who) => d.ledgerSeal?.(who) },
  { name: "the node's public key", rule: 'public', byPrefix: false, rest: 'GET /api/v1/node-key', cli: 'idnode key export', driverMethod: 'nodeKey', run: (d, who) => d.nodeKey?.(who) },
  { name: 'auditor dashboard', rule: 'audit', byPrefix: false, rest: 'GET /dashboard', driverMethod: 'dashboard', run: (d, who) => d.dashboard?.(who, YEAR) },
  { name: 'node status (the console)', rule: 'operator', byPrefix: false, rest: 'GET /api/v1/status', driverMethod: 'nodeStatus', run: (d, who) => d.nodeStatus?.(who) },
  { name: 'who the caller is', rule: 'public', byPrefix: false, rest: 'GET /api/v1/whoami', driverMethod: 'whoami', run: (d, who) => d.whoami?.(who) },
  { name: 'health, readiness, metrics, API description', rule: 'public', byPrefix: false, rest: 'GET /healthz, /readyz, /metrics, /openapi.json' },
  { name: 'landing page, console, API documentation page, their assets', rule: 'public', byPrefix: false, rest: 'GET /, /console, /docs, /assets/{name}' },
  { name: 'verify an exported ledger', rule: 'public', byPrefix: false, cli: 'idnode ledger verify (offline, no node)' },
];

const RELATION_TEXT: Record<Relation, string> = { own: "the caller's own", another: "another enterprise's", 'not-homed': 'not homed here' };
const ANSWER_TEXT: Record<Answer, string> = {
  allowed: 'allowed',
  AUTHENTICATION_REQUIRED: 'AUTHENTICATION_REQUIRED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  NOT_HOMED: 'NOT_HOMED',
  NOT_FOUND: 'not found',
};

/** The Markdown table of docs/permissions.md: a row per operation (per target prefix where that matters). */
export function renderTable(): string {
  const lines = [
    '| Operation | REST | gRPC | Handle protocol | CLI | Target prefix | anonymous | enterprise | handle identity | auditor | operator |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const operation of OPERATIONS) {
    const relations: readonly (Relation | undefined)[] = operation.byPrefix ? RELATIONS : [undefined];
    for (const relation of relations) {
      const answers = ROLES.map((role) => ANSWER_TEXT[answer(operation.rule, role, relation)]);
      const where = [operation.rest, operation.grpc, operation.hdl, operation.cli].map((text) => (text === undefined ? '—' : `\`${text}\``));
      lines.push(`| ${operation.name} | ${where.join(' | ')} | ${relation === undefined ? 'any' : RELATION_TEXT[relation]} | ${answers.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
