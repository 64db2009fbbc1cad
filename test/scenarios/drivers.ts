import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { authMetadata, type IdnodeClients } from '../helpers/grpc-client.js';
import type { BothNode } from '../helpers/grpc-node.js';
import { send, type Json } from '../helpers/http.js';
import { readAnswer, resolutionRequest, udpExchange, tcpExchange } from '../helpers/hdl-client.js';
import { basic } from '../helpers/rest-node.js';
import { CATALOGUE, type ErrorCode } from '../../src/core/errors/catalogue.js';

/** Credentials of a scenario actor; undefined: anonymous. */
export type Who = { id: string; secret: string } | undefined;

/** A REST wire value as the scenarios write it. */
export interface ScenarioValue {
  index: number;
  type: string;
  data: string | { format: string; value: string };
  ttl?: number;
  permissions?: string;
}

/**
 * What an operation ended with, in front-end-neutral terms: success with what was written or resolved, or
 * the catalogue code and Handle response code of the failure.
 */
export interface Outcome {
  ok: boolean;
  code?: string;
  responseCode?: number;
  /** The front end's own status (HTTP status, gRPC status code): differs between front ends by design. */
  wireStatus?: number;
  /** REST: the WWW-Authenticate header of a 401. */
  challenge?: string;
  handle?: string;
  created?: boolean;
  values?: { index: number; type: string; format: string; value: string; ttl: number; permissions: string }[];
  results?: { position: number; handle: string; status: string; code?: string }[];
  summary?: { received: number; created: number; alreadyExisted: number; updated: number; failed: number };
}

export interface Driver {
  readonly protocol: 'rest' | 'grpc' | 'hdl' | 'snms';
  resolve(who: Who, handle: string, filters?: { indexes?: number[]; types?: string[] }): Promise<Outcome>;
  // The operations below are offered by some front ends only; a driver leaves out those its front end lacks
  // (the Handle protocol front end resolves only).
  create?(who: Who, handle: string, values: ScenarioValue[]): Promise<Outcome>;
  update?(who: Who, handle: string, values: ScenarioValue[], indexes?: number[]): Promise<Outcome>;
  remove?(who: Who, handle: string): Promise<Outcome>;
  batch?(who: Who, items: { handle: string; values: ScenarioValue[] }[]): Promise<Outcome>;
  /** The streaming import (REST NDJSON, gRPC BulkRegister). */
  stream?(who: Who, items: { handle: string; values: ScenarioValue[] }[]): Promise<Outcome>;
  /** One lookup over the pipelined resolution stream. */
  resolveStream?(who: Who, handle: string): Promise<Outcome>;
  listHandles?(who: Who, prefix: string): Promise<Outcome>;
  /**
   * Reverse lookup of `type`=`value` (REST: hrls and the native search, which must agree): ok when `handle` is
   * among the results, else `{ok: false, code: 'NOT_FOUND'}` (not a refusal: the search answered without it).
   */
  searchByValue?(who: Who, handle: string, type: string, value: string): Promise<Outcome>;
  listPrefixes?(who: Who): Promise<Outcome>;
  homePrefix?(who: Who, prefix: string): Promise<Outcome>;
  unhomePrefix?(who: Who, prefix: string): Promise<Outcome>;
  listEnterprises?(who: Who): Promise<Outcome>;
  addEnterprise?(who: Who, prefix: string, name: string): Promise<Outcome>;
  revokeEnterprise?(who: Who, prefix: string): Promise<Outcome>;
  rotateEnterpriseSecret?(who: Who, prefix: string): Promise<Outcome>;
  reinstateEnterprise?(who: Who, prefix: string): Promise<Outcome>;
  listAuditors?(who: Who): Promise<Outcome>;
  addAuditor?(who: Who, name: string): Promise<Outcome>;
  revokeAuditor?(who: Who, id: string): Promise<Outcome>;
  nodeStatus?(who: Who): Promise<Outcome>;
  whoami?(who: Who): Promise<Outcome>;
  setQuota?(who: Who, prefix: string): Promise<Outcome>;
  quotaReport?(who: Who): Promise<Outcome>;
  /** Metered figures per day (REST /api/v1/metering/daily, gRPC DailyFigures). */
  dailyFigures?(who: Who, from: string, to: string): Promise<Outcome>;
  meteringTotals?(who: Who, from: string, to: string): Promise<Outcome>;
  eligibility?(who: Who, year: number): Promise<Outcome>;
  policies?(who: Who): Promise<Outcome>;
  ledgerExport?(who: Who): Promise<Outcome>;
  ledgerStatus?(who: Who): Promise<Outcome>;
  ledgerSeal?(who: Who): Promise<Outcome>;
  nodeKey?(who: Who): Promise<Outcome>;
  dashboard?(who: Who, year: number): Promise<Outcome>;
  /** Creates a metadata template version of `prefix` (a minimal one-item template). */
  createTemplate?(who: Who, prefix: string, version: string): Promise<Outcome>;
  listTemplates?(who: Who, prefix: string): Promise<Outcome>;
}

/** The smallest valid metadata template of `prefix`, for the scenarios. */
export function minimalTemplate(prefix: string, version: string) {
  return { prefix, version, industryCategory: 'C', items: [{ name: 'model', idType: 'product.model', idIndex: 2000, required: true, metadata: { type: 'string' } }] };
}

/** A driver of a front end that writes too (REST, gRPC). */
export type WritingDriver = Driver & Required<Pick<Driver, 'create' | 'update' | 'remove' | 'batch' | 'stream'>>;

/** The operations a driver may lack (see Driver). */
export type OptionalOperation = { [K in keyof Driver]-?: undefined extends Driver[K] ? K : never }[keyof Driver];

export function restDriver(node: BothNode): WritingDriver {
  const headers = (who: Who): Record<string, string> => (who ? { authorization: basic(who.id, who.secret) } : {});
  const path = (handle: string) => `${node.url}/api/handles/${handle.split('/').map(encodeURIComponent).join('/')}`;
  const failure = (body: Json): Outcome => ({ ok: false, code: body.code, responseCode: body.responseCode });
  /** Any other REST call: ok for a 2xx, else the error body's code, with the HTTP status and challenge. */
  const request = async (method: string, path: string, who: Who, json?: unknown): Promise<Outcome> => {
    const response = await fetch(`${node.url}${path}`, {
      method,
      headers: { ...headers(who), ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    const text = await response.text();
    const challenge = response.headers.get('www-authenticate');
    const common = { wireStatus: response.status, ...(challenge === null ? {} : { challenge }) };
    if (response.status < 300) return { ok: true, ...common };
    return { ...failure(JSON.parse(text)), ...common };
  };
  const segment = encodeURIComponent;
  return {
    protocol: 'rest',
    listHandles: (who, prefix) => request('GET', `/api/handles?prefix=${segment(prefix)}`, who),
    listPrefixes: (who) => request('GET', '/api/prefixes', who),
    searchByValue: async (who, handle, type, value) => {
      const query = new URLSearchParams({ [type]: value, limit: '1000' });
      const [hrls, native] = await Promise.all(
        [`/hrls/handles?${query}`, `/api/v1/search?${query}`].map(async (route) => {
          const response = await fetch(`${node.url}${route}`, { headers: headers(who) });
          const body: Json = await response.json();
          if (response.status !== 200) throw new Error(`${route}: HTTP ${response.status} ${JSON.stringify(body)}`);
          return (Array.isArray(body) ? body : body.handles) as string[];
        }),
      );
      if (JSON.stringify(hrls) !== JSON.stringify(native)) throw new Error(`hrls answered ${JSON.stringify(hrls)}, the native search ${JSON.stringify(native)}`);
      return hrls!.includes(handle) ? { ok: true } : { ok: false, code: 'NOT_FOUND' };
    },
    homePrefix: (who, prefix) => request('POST', `/api/prefixes/${segment(prefix)}`, who),
    unhomePrefix: (who, prefix) => request('DELETE', `/api/prefixes/${segment(prefix)}`, who),
    listEnterprises: (who) => request('GET', '/api/v1/enterprises', who),
    addEnterprise: (who, prefix, name) => request('POST', '/api/v1/enterprises', who, { prefix, name }),
    revokeEnterprise: (who, prefix) => request('DELETE', `/api/v1/enterprises/${segment(prefix)}`, who),
    rotateEnterpriseSecret: (who, prefix) => request('POST', `/api/v1/enterprises/${segment(prefix)}/rotate-secret`, who),
    reinstateEnterprise: (who, prefix) => request('POST', `/api/v1/enterprises/${segment(prefix)}/reinstate`, who),
    listAuditors: (who) => request('GET', '/api/v1/auditors', who),
    addAuditor: (who, name) => request('POST', '/api/v1/auditors', who, { name }),
    revokeAuditor: (who, id) => request('DELETE', `/api/v1/auditors/${segment(id)}`, who),
    nodeStatus: (who) => request('GET', '/api/v1/status', who),
    whoami: (who) => request('GET', '/api/v1/whoami', who),
    setQuota: (who, prefix) => request('PUT', `/api/v1/enterprises/${segment(prefix)}/quota`, who, { registrationsPerDay: 1000 }),
    quotaReport: (who) => request('GET', '/api/v1/quotas', who),
    dailyFigures: (who, from, to) => request('GET', `/api/v1/metering/daily?from=${from}&to=${to}`, who),
    meteringTotals: (who, from, to) => request('GET', `/api/v1/metering/totals?from=${from}&to=${to}`, who),
    eligibility: (who, year) => request('GET', `/api/v1/eligibility?year=${year}`, who),
    policies: (who) => request('GET', '/api/v1/policies', who),
    ledgerExport: (who) => request('GET', '/api/v1/ledger', who),
    ledgerStatus: (who) => request('GET', '/api/v1/ledger/status', who),
    ledgerSeal: (who) => request('POST', '/api/v1/ledger/seal', who),
    nodeKey: (who) => request('GET', '/api/v1/node-key', who),
    dashboard: (who, year) => request('GET', `/dashboard?year=${year}`, who),
    createTemplate: (who, prefix, version) => request('POST', '/api/v1/templates', who, minimalTemplate(prefix, version)),
    listTemplates: (who, prefix) => request('GET', `/api/v1/templates/${segment(prefix)}`, who),
    async create(who, handle, values) {
      const reply = await send(`${path(handle)}?overwrite=false`, { method: 'PUT', headers: headers(who), json: { values } });
      return reply.status < 300 ? { ok: true, handle: reply.body.handle, created: reply.status === 201 } : failure(reply.body);
    },
    async update(who, handle, values, indexes = []) {
      const query = indexes.map((index) => `index=${index}`).join('&');
      const reply = await send(`${path(handle)}${query ? `?${query}` : ''}`, { method: 'PUT', headers: headers(who), json: { values } });
      return reply.status < 300 ? { ok: true, handle: reply.body.handle, created: reply.status === 201 } : failure(reply.body);
    },
    async remove(who, handle) {
      const reply = await send(path(handle), { method: 'DELETE', headers: headers(who) });
      return reply.status < 300 ? { ok: true, handle: reply.body.handle } : failure(reply.body);
    },
    async resolve(who, handle, filters = {}) {
      const query = [...(filters.indexes ?? []).map((index) => `index=${index}`), ...(filters.types ?? []).map((type) => `type=${encodeURIComponent(type)}`)].join('&');
      const reply = await send(`${path(handle)}${query ? `?${query}` : ''}`, { headers: headers(who) });
      if (reply.status !== 200) return failure(reply.body);
      return { ok: true, handle: reply.body.handle, responseCode: reply.body.responseCode, values: reply.body.values.map(restValue) };
    },
    async batch(who, items) {
      const reply = await send(`${node.url}/api/v1/handles/batch`, { method: 'POST', headers: headers(who), json: { items } });
      if (reply.status !== 200) return failure(reply.body);
      return { ok: true, results: reply.body.results.map(restResult), summary: counts(reply.body.summary) };
    },
    async stream(who, items) {
      const response = await fetch(`${node.url}/api/v1/import`, {
        method: 'POST',
        headers: { ...headers(who), 'content-type': 'application/x-ndjson' },
        body: items.map((item) => JSON.stringify(item)).join('\n'),
      });
      const body = (await response.json()) as Json;
      if (response.status !== 200) return failure(body);
      return { ok: true, results: body.summary.failures.map(restResult), summary: counts(body.summary) };
    },
  };
}

export function grpcDriver(node: BothNode): WritingDriver {
  const clients: IdnodeClients = node.clients;
  const metadata = (who: Who) => (who ? authMetadata(who.id, who.secret) : new Metadata());
  const call = async (client: 'registry' | 'resolver' | 'metering' | 'templates', method: string, who: Who, request: object) => clients.unary(clients[client], method, request, metadata(who));
  const failure = (outcome: { code: string | undefined; responseCode: string | undefined }): Outcome => ({
    ok: false,
    code: outcome.code,
    responseCode: Number(outcome.responseCode),
  });
  /** Any other unary call: ok, or the trailers' code with the gRPC status. */
  const unary = async (client: 'metering' | 'templates', method: string, who: Who, request: object): Promise<Outcome> => {
    const reply = await call(client, method, who, request);
    return reply.ok ? { ok: true, wireStatus: 0 } : { ...failure(reply), wireStatus: reply.status };
  };
  const written = (reply: Awaited<ReturnType<typeof call>>): Outcome =>
    reply.ok ? { ok: true, handle: reply.value.handle, created: reply.value.status === 'WRITE_STATUS_CREATED' } : failure(reply);
  return {
    protocol: 'grpc',
    dailyFigures: (who, from, to) => unary('metering', 'DailyFigures', who, { fromDay: from, toDay: to }),
    eligibility: (who, year) => unary('metering', 'Eligibility', who, { year }),
    createTemplate: (who, prefix, version) => unary('templates', 'Create', who, minimalTemplate(prefix, version)),
    listTemplates: (who, prefix) => unary('templates', 'List', who, { prefix }),
    async resolveStream(who, handle) {
      const reply = await new Promise<Json>((resolve, reject) => {
        const stream = clients.resolver['ResolveStream']!.call(clients.resolver, metadata(who));
        stream.once('data', (data: Json) => {
          resolve(data);
          stream.cancel();
        });
        stream.once('error', (error: ServiceError) => (error.code === 1 ? undefined : reject(error)));
        stream.write({ handle, indexes: [], types: [] });
      });
      if (reply.error) return { ok: false, code: reply.error.code, responseCode: reply.error.responseCode };
      return { ok: true, handle: reply.response.handle, responseCode: reply.response.responseCode };
    },
    async create(who, handle, values) {
      return written(await call('registry', 'Create', who, { handle, values: values.map(valueMessage) }));
    },
    async update(who, handle, values, indexes = []) {
      return written(await call('registry', 'Update', who, { handle, values: values.map(valueMessage), indexes }));
    },
    async remove(who, handle) {
      const reply = await call('registry', 'Delete', who, { handle });
      return reply.ok ? { ok: true, handle: reply.value.handle } : failure(reply);
    },
    async resolve(who, handle, filters = {}) {
      const reply = await call('resolver', 'Resolve', who, { handle, indexes: filters.indexes ?? [], types: filters.types ?? [] });
      if (!reply.ok) return failure(reply);
      return { ok: true, handle: reply.value.handle, responseCode: reply.value.responseCode, values: reply.value.values.map(grpcValue) };
    },
    async batch(who, items) {
      const reply = await call('registry', 'RegisterBatch', who, { items: items.map(itemMessage) });
      if (!reply.ok) return failure(reply);
      return { ok: true, results: reply.value.results.map(grpcResult), summary: counts(reply.value.summary) };
    },
    async stream(who, items) {
      const outcome = await new Promise<{ error: ServiceError | null; value: Json }>((resolve) => {
        const stream = clients.registry['BulkRegister']!.call(clients.registry, metadata(who), (error: ServiceError | null, value: Json) => resolve({ error, value }));
        for (let i = 0; i < items.length; i += 3) stream.write({ items: items.slice(i, i + 3).map(itemMessage) });
        stream.end();
      });
      if (outcome.error) {
        const code = outcome.error.metadata.get('idnode-error-code')[0];
        const responseCode = outcome.error.metadata.get('idnode-response-code')[0];
        return failure({ code: code as string | undefined, responseCode: responseCode as string | undefined });
      }
      return { ok: true, results: outcome.value.failures.map(grpcResult), summary: counts(outcome.value) };
    },
  };
}

/**
 * The Handle protocol (resolution only), over UDP, falling back to TCP when the answer comes back truncated.
 * A caller with credentials signs nothing the node could check, so the request carries a credential section
 * naming the identity: the node parses it and answers as to anyone (docs: README, "Handle protocol").
 */
export function hdlDriver(node: BothNode): Driver {
  return {
    protocol: 'hdl',
    async resolve(who, handle, filters = {}) {
      const credential = who
        ? { version: 0, reserved: 0, options: 0, signerHandle: who.id.slice(who.id.indexOf(':') + 1), signerIndex: Number(who.id.slice(0, who.id.indexOf(':'))), type: 'HS_SIGNED', signedInfo: Buffer.from(who.secret) }
        : undefined;
      const bytes = resolutionRequest(handle, filters, credential ? { credential } : {});
      let answer = readAnswer(await udpExchange(node.hdlPort, bytes));
      if (answer.truncated) answer = readAnswer(await tcpExchange(node.hdlPort, bytes));
      if (answer.responseCode === 1 || answer.responseCode === 200) {
        return { ok: true, handle, responseCode: answer.responseCode, values: (answer.values ?? []).map(hdlValue), wireStatus: answer.responseCode };
      }
      // An error answer's message starts with the catalogue code ("NOT_HOMED: …").
      return { ok: false, code: answer.error!.slice(0, answer.error!.indexOf(':')), responseCode: answer.responseCode, wireStatus: answer.responseCode };
    },
  };
}

function hdlValue(value: NonNullable<ReturnType<typeof readAnswer>['values']>[number]): NonNullable<Outcome['values']>[number] {
  const data = value.data.format === 'admin' ? JSON.stringify(value.data.value) : value.data.value;
  return { index: value.index, type: value.type, format: value.data.format, value: data, ttl: value.ttl, permissions: value.permissions };
}

function valueMessage(value: ScenarioValue): Json {
  const data = typeof value.data === 'string' ? { value: value.data } : { format: value.data.format, value: value.data.value };
  return { index: value.index, type: value.type, data, ...(value.ttl === undefined ? {} : { ttl: value.ttl }), ...(value.permissions === undefined ? {} : { permissions: value.permissions }) };
}

function itemMessage(item: { handle: string; values: ScenarioValue[] }): Json {
  return { handle: item.handle, values: item.values.map(valueMessage) };
}

function restValue(value: Json): NonNullable<Outcome['values']>[number] {
  const data = value.data.format === 'admin' ? JSON.stringify(value.data.value) : value.data.value;
  return { index: value.index, type: value.type, format: value.data.format, value: data, ttl: value.ttl, permissions: value.permissions ?? '1110' };
}

function grpcValue(value: Json): NonNullable<Outcome['values']>[number] {
  const data = value.data.format === 'admin' ? JSON.stringify(value.data.admin) : value.data.value;
  return { index: value.index, type: value.type, format: value.data.format, value: data, ttl: value.ttl, permissions: value.permissions };
}

const STATUS: Record<string, string> = {
  ITEM_STATUS_CREATED: 'created',
  ITEM_STATUS_ALREADY_EXISTS: 'already-exists',
  ITEM_STATUS_UPDATED: 'updated',
  ITEM_STATUS_FAILED: 'failed',
};

function restResult(result: Json): NonNullable<Outcome['results']>[number] {
  return { position: result.position, handle: result.handle, status: result.status, ...(result.code === undefined ? {} : { code: result.code }) };
}

function grpcResult(result: Json): NonNullable<Outcome['results']>[number] {
  return { position: result.position, handle: result.handle, status: STATUS[result.status]!, ...(result.error ? { code: result.error.code } : {}) };
}

function counts(summary: Json): NonNullable<Outcome['summary']> {
  const { received, created, alreadyExisted, updated, failed } = summary;
  return { received, created, alreadyExisted, updated, failed };
}

/**
 * The SNMS-style API (src/snms) as a driver: a caller logs in at /identity/token once and sends the token as a
 * bearer credential (an actor with a wrong secret fails at login, with the same catalogue error Basic gives).
 * SNMS has no resolution filters, partial updates or streamed import: those operations are left out.
 */
export function snmsDriver(node: BothNode): Driver & Required<Pick<Driver, 'create' | 'update' | 'remove' | 'batch'>> {
  const tokens = new Map<string, string>();
  const failure = (body: Json): Outcome => ({ ok: false, code: body.code, responseCode: CATALOGUE[body.code as ErrorCode].handleCode });
  /** The Authorization header of `who`, or the failed login's outcome. */
  const authorise = async (who: Who): Promise<Record<string, string> | Outcome> => {
    if (who === undefined) return {};
    const key = `${who.id}\u0000${who.secret}`;
    let token = tokens.get(key);
    if (token === undefined) {
      const login = await send(`${node.url}/identity/token`, { method: 'POST', json: { username: who.id, password: who.secret } });
      if (login.body.status !== 1) return failure(login.body);
      token = login.body.data.token as string;
      tokens.set(key, token);
    }
    return { authorization: `Bearer ${token}` };
  };
  const call = async (method: string, path: string, who: Who, json?: unknown): Promise<{ outcome: Outcome } | { body: Json }> => {
    const headers = await authorise(who);
    if ('ok' in headers) return { outcome: headers as Outcome };
    const reply = await send(`${node.url}${path}`, { method, headers: headers as Record<string, string>, ...(json === undefined ? {} : { json }) });
    return reply.body.status === 1 ? { body: reply.body } : { outcome: failure(reply.body) };
  };
  // SNMS clients always send data as {format, value}.
  const item = (handle: string, values: ScenarioValue[]) => ({ handle, value: values.map((value) => valueMessage(typeof value.data === 'string' ? { ...value, data: { format: 'string', value: value.data } } : value)) });
  const write = async (method: string, who: Who, handle: string, values: ScenarioValue[]): Promise<Outcome> => {
    const answer = await call(method, '/identityv2/data', who, item(handle, values));
    return 'outcome' in answer ? answer.outcome : { ok: true, handle: answer.body.data.handle, created: answer.body.data.result === 'created' };
  };
  return {
    protocol: 'snms',
    async resolve(who, handle, filters = {}) {
      if ((filters.indexes ?? []).length + (filters.types ?? []).length > 0) throw new Error('SNMS detail has no filters');
      const answer = await call('GET', `/identityv2/data/detail?handle=${encodeURIComponent(handle)}`, who);
      if ('outcome' in answer) return answer.outcome;
      const values = answer.body.data.value.map(snmsValue);
      return { ok: true, handle: answer.body.data.handle, responseCode: values.length > 0 ? 1 : 200, values };
    },
    create: (who, handle, values) => write('POST', who, handle, values),
    update: (who, handle, values, indexes = []) => {
      if (indexes.length > 0) throw new Error('SNMS updates every value');
      return write('PUT', who, handle, values);
    },
    async remove(who, handle) {
      const answer = await call('DELETE', `/identityv2/data?handle=${encodeURIComponent(handle)}`, who);
      return 'outcome' in answer ? answer.outcome : { ok: true, handle: answer.body.data.handle };
    },
    async batch(who, items) {
      const answer = await call('POST', '/identityv2/data/batchCreate', who, items.map((entry) => item(entry.handle, entry.values)));
      if ('outcome' in answer) return answer.outcome;
      const { total: received, created, alreadyExisted, updated, failed, results } = answer.body.data;
      return {
        ok: true,
        results: results.map((result: Json, position: number) => ({ position, handle: result.handle, status: result.status, ...(result.code === undefined ? {} : { code: result.code }) })),
        summary: { received, created, alreadyExisted, updated, failed },
      };
    },
  };
}

function snmsValue(value: Json): NonNullable<Outcome['values']>[number] {
  const data = value.data.format === 'admin' ? JSON.stringify(value.data.value) : value.data.value;
  return { index: value.index, type: value.type, format: value.data.format, value: data, ttl: value.ttl, permissions: value.auth };
}
