// The console at /console: a page per task of the signed-in role, all through the node's JSON API (the same
// routes as curl and the CLI use), nothing computed here that the node does not answer. Plain JavaScript, no
// build step; its words come from the page's dictionary (#web-strings, src/i18n/web-strings.ts).
//
// Sign-in exchanges the identity and secret for a login token (POST /identity/token, 24 h); only the token is
// kept, in sessionStorage (gone when the tab closes), and sent as a Bearer token.

import { h } from './dom.js';

const { locale, strings } = JSON.parse(document.getElementById('web-strings').textContent);
const t = (key, fill = {}) => (strings[key] ?? key).replace(/\{(\w+)\}/g, (place, name) => (name in fill ? String(fill[name]) : place));
const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
const number = (value) => numberFormat.format(value);
const percent = (ratio) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
const dateTime = (iso) => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));

const SESSION_KEY = 'idnode-console';
const POLL_MS = 3000;
const IMPORT_CHUNK_LINES = 500;
const PAGE_SIZE = 20;

/** What each role sees, in order; the first is where it lands. */
const SECTIONS = {
  operator: ['status', 'enterprises', 'auditors', 'prefixes', 'dashboard', 'reports'],
  enterprise: ['identifiers', 'import', 'figures'],
  auditor: ['dashboard', 'reports'],
};

let session = readSession();
/** Stops the current section's polling when another is shown. */
let stopSection = () => {};

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
  } catch {
    return null;
  }
}

class ApiError extends Error {
  constructor(status, code, message) {
    super(code ? `${code}: ${message}` : message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the node's API with the session's token; resolves to the JSON (or text) answer, rejects with ApiError. */
async function api(method, path, { json, body, contentType } = {}) {
  const headers = {};
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  else if (contentType !== undefined) headers['content-type'] = contentType;
  const response = await fetch(path, { method, headers, body: json !== undefined ? JSON.stringify(json) : body });
  const type = response.headers.get('content-type') ?? '';
  const answer = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    if (response.status === 401 && session) signOut(answer.message);
    throw new ApiError(response.status, answer?.code, answer?.message ?? response.statusText);
  }
  return answer;
}

const handlePath = (handle) => `/api/handles/${handle.split('/').map(encodeURIComponent).join('/')}`;

function notice(kind, text) {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** Runs an action, showing its error (or nothing) in `place`. */
async function attempt(place, action) {
  place.replaceChildren();
  try {
    await action();
  } catch (error) {
    place.replaceChildren(notice('error', t('common.error', { message: error.message })));
  }
}

function credentialBox(issued) {
  return h(
    'div',
    { class: 'credential', 'data-credential': issued.id },
    h('strong', {}, t('credential.title')),
    h('div', {}, `${t('credential.id')}: `, h('code', { 'data-field': 'credential-id' }, issued.id)),
    h('div', {}, `${t('credential.secret')}: `, h('code', { 'data-field': 'credential-secret' }, issued.secret)),
  );
}

function table(headings, rows) {
  return h('table', {}, h('thead', {}, h('tr', {}, headings.map((heading) => h('th', {}, heading)))), h('tbody', {}, rows));
}

function field(labelText, input) {
  return h('label', {}, labelText, input);
}

function stateOf(summary) {
  return summary.revokedAt === undefined ? t('common.active') : t('common.revoked', { at: dateTime(summary.revokedAt) });
}

// ---- sign-in ----------------------------------------------------------------------------------------------

function signOut(reason) {
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
  render(reason);
}

function signInView(reason) {
  const place = h('div');
  const id = h('input', { name: 'id', required: true, autocomplete: 'username', size: 32 });
  const secret = h('input', { name: 'secret', type: 'password', required: true, autocomplete: 'current-password', size: 44 });
  const form = h(
    'form',
    { class: 'signin', 'data-form': 'signin' },
    h('h1', {}, t('signin.title')),
    reason ? notice('error', t('signin.failed', { message: reason })) : undefined,
    field(t('signin.id'), id),
    field(t('signin.secret'), secret),
    h('p', {}, h('button', { type: 'submit' }, t('signin.submit'))),
    place,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(place, async () => {
      const response = await fetch('/identity/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: id.value.trim(), password: secret.value }) });
      const answer = await response.json();
      if (answer.status !== 1) throw new Error(answer.message ?? response.statusText);
      session = { token: answer.data.token };
      try {
        session.who = await api('GET', '/api/v1/whoami');
      } catch (error) {
        session = null;
        throw error;
      }
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
      location.hash = `#${SECTIONS[session.who.kind][0]}`;
      render();
    });
  });
  return form;
}

// ---- the operator ---------------------------------------------------------------------------------------

function statusSection(main) {
  const place = h('div');
  const body = h('tbody', { 'data-section-body': 'status' });
  main.append(h('h1', {}, t('nav.status')), place, h('table', {}, body));
  let previous;
  const row = (key, label, value) => h('tr', { 'data-status': key }, h('th', {}, label), h('td', { 'data-field': key }, value));
  const refresh = () =>
    attempt(place, async () => {
      const status = await api('GET', '/api/v1/status');
      const sample = { at: performance.now(), day: status.today.day, registrations: status.today.registrations, resolutions: status.today.resolutions };
      let rates = t('status.rates.wait');
      if (previous && previous.day === sample.day && sample.at > previous.at) {
        const seconds = (sample.at - previous.at) / 1000;
        rates = t('status.rates.detail', {
          registrations: number((sample.registrations - previous.registrations) / seconds),
          resolutions: number((sample.resolutions - previous.resolutions) / seconds),
        });
      }
      previous = sample;
      const clock = status.clock.mode === 'simulated' ? `${t('status.clock.simulated')} ${status.clock.start ?? ''} ×${status.clock.rate ?? 1}` : t('status.clock.system');
      body.replaceChildren(
        row('store', t('status.store'), status.store),
        row('clock', t('status.clock'), clock),
        row('now', t('status.now'), dateTime(status.now)),
        row('listeners', t('status.listeners'), status.frontEnds ? Object.entries(status.frontEnds).map(([name, address]) => `${name} ${address}`).join(', ') : t('status.listeners.none')),
        row('cache', t('status.cache'), `${percent(status.cache.hitRatio)} (${t('status.cache.detail', { hits: number(status.cache.hits), misses: number(status.cache.misses), entries: number(status.cache.entries) })})`),
        row('flush-lag', t('status.flushLag'), t('status.flushLag.detail', { seconds: number(status.metering.flushLagSeconds), pending: number(status.metering.pending), failed: number(status.metering.failedFlushes) })),
        row('top-level', t('status.topLevel'), status.topLevel ? `${status.topLevel.state} (${status.topLevel.url})` : t('status.topLevel.none')),
        row('today', t('status.today', { day: status.today.day }), t('status.today.detail', { registrations: number(status.today.registrations), resolutions: number(status.today.resolutions), refused: number(status.today.refusedWrites) })),
        row('rates', t('status.rates'), rates),
        row('prefixes', t('nav.prefixes'), status.homedPrefixes.map((homed) => homed.prefix).join(', ') || t('common.none')),
      );
    });
  void refresh();
  const timer = setInterval(refresh, POLL_MS);
  return () => clearInterval(timer);
}

function enterprisesSection(main) {
  const place = h('div');
  const list = h('div');
  const prefix = h('input', { name: 'prefix', required: true });
  const name = h('input', { name: 'name', required: true });
  const form = h('form', { class: 'inline', 'data-form': 'add-enterprise' }, field(t('enterprises.prefix'), prefix), field(t('enterprises.name'), name), h('button', { type: 'submit' }, t('enterprises.add')));
  const listPlace = h('div');
  main.append(h('h1', {}, t('nav.enterprises')), h('h2', {}, t('enterprises.add')), form, place, listPlace, list);
  const issued = async (credential) => {
    place.replaceChildren(credentialBox(credential));
    await load();
  };
  const act = (label, kind, path, method, confirmText) =>
    h('button', { class: kind, type: 'button', 'data-action': label, onclick: () => {
      if (confirmText && !confirm(t('common.confirm', { action: confirmText }))) return;
      void attempt(place, async () => {
        const answer = await api(method, path);
        if (answer.secret) await issued(answer);
        else await load();
      });
    } }, t(`enterprises.${label}`));
  const load = () =>
    attempt(listPlace, async () => {
      const { enterprises } = await api('GET', '/api/v1/enterprises');
      const base = (enterprise) => `/api/v1/enterprises/${encodeURIComponent(enterprise.prefix)}`;
      list.replaceChildren(
        enterprises.length === 0
          ? h('p', {}, t('common.none'))
          : table(
              [t('common.prefix'), t('common.name'), t('common.state'), t('common.created'), t('common.actions')],
              enterprises.map((enterprise) =>
                h(
                  'tr',
                  { 'data-enterprise': enterprise.prefix, 'data-state': enterprise.revokedAt === undefined ? 'active' : 'revoked' },
                  h('td', {}, h('code', {}, enterprise.prefix)),
                  h('td', {}, enterprise.name),
                  h('td', {}, stateOf(enterprise)),
                  h('td', {}, dateTime(enterprise.createdAt)),
                  h(
                    'td',
                    {},
                    enterprise.revokedAt === undefined
                      ? [act('rotate', 'secondary', `${base(enterprise)}/rotate-secret`, 'POST', t('enterprises.rotate')), ' ', act('revoke', 'danger', base(enterprise), 'DELETE', t('enterprises.revoke'))]
                      : act('reinstate', 'secondary', `${base(enterprise)}/reinstate`, 'POST'),
                  ),
                ),
              ),
            ),
      );
    });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(place, async () => {
      await issued(await api('POST', '/api/v1/enterprises', { json: { prefix: prefix.value.trim(), name: name.value } }));
      form.reset();
    });
  });
  void load();
}

function auditorsSection(main) {
  const place = h('div');
  const list = h('div');
  const name = h('input', { name: 'name', required: true });
  const form = h('form', { class: 'inline', 'data-form': 'add-auditor' }, field(t('auditors.name'), name), h('button', { type: 'submit' }, t('auditors.add')));
  main.append(h('h1', {}, t('nav.auditors')), form, place, list);
  const load = async () => {
    const { auditors } = await api('GET', '/api/v1/auditors');
    list.replaceChildren(
      auditors.length === 0
        ? h('p', {}, t('common.none'))
        : table(
            [t('common.id'), t('common.name'), t('common.state'), t('common.created'), t('common.actions')],
            auditors.map((auditor) =>
              h(
                'tr',
                { 'data-auditor': auditor.id, 'data-state': auditor.revokedAt === undefined ? 'active' : 'revoked' },
                h('td', {}, h('code', {}, auditor.id)),
                h('td', {}, auditor.name),
                h('td', {}, stateOf(auditor)),
                h('td', {}, dateTime(auditor.createdAt)),
                h(
                  'td',
                  {},
                  auditor.revokedAt === undefined
                    ? h('button', { class: 'danger', type: 'button', 'data-action': 'revoke', onclick: () => {
                        if (!confirm(t('common.confirm', { action: t('auditors.revoke') }))) return;
                        void attempt(place, async () => {
                          await api('DELETE', `/api/v1/auditors/${encodeURIComponent(auditor.id)}`);
                          await load();
                        });
                      } }, t('auditors.revoke'))
                    : '',
                ),
              ),
            ),
          ),
    );
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(place, async () => {
      const issued = await api('POST', '/api/v1/auditors', { json: { name: name.value } });
      form.reset();
      await load();
      place.replaceChildren(credentialBox(issued));
    });
  });
  void attempt(place, load);
}

function prefixesSection(main) {
  const place = h('div');
  const list = h('ul', { 'data-list': 'prefixes' });
  const prefix = h('input', { name: 'prefix', required: true });
  const form = h('form', { class: 'inline', 'data-form': 'home-prefix' }, field(t('prefixes.prefix'), prefix), h('button', { type: 'submit' }, t('prefixes.home')));
  main.append(h('h1', {}, t('nav.prefixes')), list, form, place);
  const load = async () => {
    const { prefixes } = await api('GET', '/api/prefixes');
    list.replaceChildren(...(prefixes.length === 0 ? [h('li', {}, t('common.none'))] : prefixes.map((homed) => h('li', { 'data-prefix': homed }, h('code', {}, homed)))));
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(place, async () => {
      await api('POST', `/api/prefixes/${encodeURIComponent(prefix.value.trim())}`);
      form.reset();
      await load();
    });
  });
  void attempt(place, load);
}

// ---- the enterprise ---------------------------------------------------------------------------------------

function identifiersSection(main) {
  const prefix = session.who.prefix;
  const place = h('div');
  const view = h('div', { 'data-view': 'identifier' });
  const list = h('div');
  const suffix = h('input', { name: 'suffix', required: true });
  const find = h('form', { class: 'inline', 'data-form': 'find' }, field(`${t('identifiers.suffix')} (${prefix}/…)`, suffix), h('button', { type: 'submit' }, t('identifiers.open')));
  const newSuffix = h('input', { name: 'new-suffix', required: true });
  const type = h('input', { name: 'type', value: 'URL', required: true, size: 10 });
  const data = h('input', { name: 'data', required: true, size: 40 });
  const create = h('form', { class: 'inline', 'data-form': 'create' }, field(t('identifiers.suffix'), newSuffix), field(t('identifiers.type'), type), field(t('identifiers.data'), data), h('button', { type: 'submit' }, t('identifiers.create')));
  main.append(h('h1', {}, `${t('nav.identifiers')} · ${prefix}`), h('h2', {}, t('identifiers.search')), find, h('h2', {}, t('identifiers.create')), create, place, view, list);
  let page = 0;

  const open = (handle) =>
    attempt(place, async () => {
      let record;
      try {
        record = await api('GET', handlePath(handle));
      } catch (error) {
        if (error.code === 'HANDLE_NOT_FOUND') {
          view.replaceChildren(notice('error', t('identifiers.notFound', { handle })));
          return;
        }
        throw error;
      }
      const editable = record.values.map((value) => ({ index: value.index, type: value.type, data: value.data.format === 'string' ? value.data.value : value.data, ...(value.ttl === 86400 ? {} : { ttl: value.ttl }), ...(value.permissions === '1110' ? {} : { permissions: value.permissions }) }));
      const text = h('textarea', { name: 'values', 'aria-label': t('identifiers.values') });
      text.value = JSON.stringify(editable, null, 2);
      const save = h('button', { type: 'button', 'data-action': 'save', onclick: () => attempt(place, async () => {
        await api('PUT', handlePath(handle), { json: { values: JSON.parse(text.value) } });
        place.replaceChildren(notice('ok', t('identifiers.saved', { handle })));
        await open(handle).then(() => place.replaceChildren(notice('ok', t('identifiers.saved', { handle }))));
      }) }, t('identifiers.save'));
      const remove = h('button', { type: 'button', class: 'danger', 'data-action': 'delete', onclick: () => {
        if (!confirm(t('common.confirm', { action: `${t('identifiers.delete')} ${handle}` }))) return;
        void attempt(place, async () => {
          await api('DELETE', handlePath(handle));
          view.replaceChildren(notice('ok', t('identifiers.deleted', { handle })));
          await load();
        });
      } }, t('identifiers.delete'));
      view.replaceChildren(
        h('h2', { 'data-field': 'handle' }, handle),
        table(
          [t('identifiers.index'), t('identifiers.type'), t('identifiers.data')],
          record.values.map((value) => h('tr', { 'data-value-index': value.index }, h('td', { class: 'number' }, String(value.index)), h('td', {}, value.type), h('td', {}, value.data.format === 'string' ? value.data.value : JSON.stringify(value.data.value)))),
        ),
        field(t('identifiers.values'), text),
        h('p', {}, save, ' ', remove),
      );
    });

  const load = async () => {
    const listing = await api('GET', `/api/handles?prefix=${encodeURIComponent(prefix)}&page=${page}&pageSize=${PAGE_SIZE}`);
    const total = Number(listing.totalCount);
    list.replaceChildren(
      h('p', { 'data-field': 'total' }, t('identifiers.total', { total: number(total), page: number(page + 1) })),
      h('ul', { 'data-list': 'identifiers' }, listing.handles.map((handle) => h('li', {}, h('a', { href: '#identifiers', 'data-handle': handle, onclick: (event) => { event.preventDefault(); void open(handle); } }, handle)))),
      h(
        'p',
        {},
        h('button', { type: 'button', class: 'secondary', disabled: page === 0, onclick: () => { page--; void attempt(place, load); } }, t('identifiers.previous')),
        ' ',
        h('button', { type: 'button', class: 'secondary', disabled: (page + 1) * PAGE_SIZE >= total, onclick: () => { page++; void attempt(place, load); } }, t('identifiers.next')),
      ),
    );
  };
  find.addEventListener('submit', (event) => {
    event.preventDefault();
    void open(`${prefix}/${suffix.value.trim()}`);
  });
  create.addEventListener('submit', (event) => {
    event.preventDefault();
    const handle = `${prefix}/${newSuffix.value.trim()}`;
    void attempt(place, async () => {
      await api('PUT', `${handlePath(handle)}?overwrite=false`, { json: { values: [{ index: 1, type: type.value.trim(), data: data.value }] } });
      create.reset();
      await load();
      await open(handle);
      place.replaceChildren(notice('ok', t('identifiers.saved', { handle })));
    });
  });
  void attempt(place, load);
}

function importSection(main) {
  const place = h('div');
  const file = h('input', { type: 'file', name: 'file', accept: '.ndjson,.jsonl,.json,application/x-ndjson', required: true });
  const overwrite = h('input', { type: 'checkbox', name: 'overwrite' });
  const progress = h('progress', { max: 1, value: 0, hidden: true });
  const progressText = h('p', { 'data-field': 'progress' });
  const result = h('div', { 'data-view': 'import-result' });
  const form = h('form', { 'data-form': 'import' }, field(t('import.file'), file), h('label', { class: 'check' }, overwrite, t('import.overwrite')), h('p', {}, h('button', { type: 'submit' }, t('import.start'))));
  main.append(h('h1', {}, t('nav.import')), form, progress, progressText, place, result);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(place, async () => {
      const lines = (await file.files[0].text()).split(/\r?\n/);
      if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      if (!lines.some((line) => line.trim() !== '')) throw new Error(t('import.empty'));
      const totals = { created: 0, alreadyExisted: 0, updated: 0, failed: 0 };
      const failures = [];
      progress.hidden = false;
      result.replaceChildren();
      // In chunks, so the bar follows what the node has committed; line numbers are the file's.
      for (let start = 0; start < lines.length; start += IMPORT_CHUNK_LINES) {
        const chunk = lines.slice(start, start + IMPORT_CHUNK_LINES);
        if (chunk.some((line) => line.trim() !== '')) {
          const { summary } = await api('POST', `/api/v1/import?overwrite=${overwrite.checked}`, { body: chunk.join('\n'), contentType: 'application/x-ndjson' });
          for (const key of Object.keys(totals)) totals[key] += summary[key];
          for (const failure of summary.failures) failures.push({ ...failure, line: (failure.line ?? failure.position + 1) + start });
        }
        const done = Math.min(lines.length, start + IMPORT_CHUNK_LINES);
        progress.value = done / lines.length;
        progressText.textContent = t('import.progress', { done: number(done), total: number(lines.length) });
      }
      result.replaceChildren(
        notice(totals.failed === 0 ? 'ok' : 'error', t('import.summary', { created: number(totals.created), existed: number(totals.alreadyExisted), updated: number(totals.updated), failed: number(totals.failed) })),
        failures.length === 0
          ? ''
          : table(
              [t('import.line'), t('import.handle'), t('import.code'), t('import.message')],
              failures.map((failure) => h('tr', { 'data-failed-line': failure.line }, h('td', { class: 'number' }, String(failure.line)), h('td', {}, failure.handle), h('td', {}, h('code', {}, failure.code ?? '')), h('td', {}, failure.message ?? ''))),
            ),
      );
    });
  });
}

function figuresSection(main) {
  const prefix = session.who.prefix;
  const place = h('div');
  const body = h('tbody');
  main.append(h('h1', {}, `${t('nav.figures')} · ${prefix}`), place, h('table', {}, body));
  const limit = (value) => (value === 0 ? t('figures.noLimit') : number(value));
  void attempt(place, async () => {
    const quota = await api('GET', `/api/v1/enterprises/${encodeURIComponent(prefix)}/quota`);
    const row = (key, label, value) => h('tr', { 'data-figure': key }, h('th', {}, label), h('td', { 'data-field': key }, value));
    body.replaceChildren(
      row('day', t('figures.day'), quota.usage.day),
      row('registrations', t('figures.registrations'), `${number(quota.usage.registrations)} (${t('figures.limit')} ${limit(quota.limits.registrationsPerDay)})`),
      row('resolutions', t('figures.resolutions'), `${number(quota.usage.resolutions)} (${t('figures.limit')} ${limit(quota.limits.resolutionsPerDay)})`),
      row('rate', t('figures.rate'), limit(quota.limits.requestsPerSecond)),
    );
  });
}

// ---- the auditor (and the operator) ----------------------------------------------------------------------

/**
 * A page of the node's own HTML (the dashboard, a report), fetched with the session's token and shown framed,
 * sandboxed (no scripts). Its own refresh is left out (a framed copy cannot reload itself with the token): the
 * section's Show button fetches it again.
 */
function framed(title, html) {
  const frame = h('iframe', { class: 'report', title, sandbox: 'allow-same-origin' });
  frame.srcdoc = html.replace(/<meta\s+http-equiv=["']?refresh["']?[^>]*>/gi, '');
  return frame;
}

function yearForm(name, onShow) {
  const year = h('input', { name: 'year', type: 'number', min: 2000, max: 2100, value: new Date().getFullYear(), size: 6 });
  const form = h('form', { class: 'inline', 'data-form': name }, field(t('reports.year'), year), h('button', { type: 'submit' }, t('reports.show')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onShow(year.value);
  });
  return { form, year };
}

function dashboardSection(main) {
  const place = h('div');
  const frame = h('div', { 'data-view': 'dashboard' });
  const show = (year) => attempt(place, async () => frame.replaceChildren(framed(t('nav.dashboard'), await api('GET', `/dashboard?year=${encodeURIComponent(year)}`))));
  const { form, year } = yearForm('dashboard-year', (value) => void show(value));
  main.append(h('h1', {}, t('nav.dashboard')), form, h('p', {}, h('a', { href: '/dashboard', target: '_blank', rel: 'noopener' }, t('reports.openDashboard'))), place, frame);
  void show(year.value);
}

function reportsSection(main) {
  const place = h('div');
  const frame = h('div', { 'data-view': 'report' });
  const download = h('p');
  const report = (year, format) => api('GET', `/api/v1/eligibility?year=${encodeURIComponent(year)}&format=${format}`);
  const show = (year) =>
    attempt(place, async () => {
      frame.replaceChildren(framed(t('nav.reports'), await report(year, 'html')));
      const markdown = await report(year, 'md');
      const url = URL.createObjectURL(new Blob([markdown], { type: 'text/markdown' }));
      download.replaceChildren(h('a', { href: url, download: `eligibility-${year}.md`, 'data-link': 'markdown' }, t('reports.markdown')));
    });
  const { form, year } = yearForm('report-year', (value) => void show(value));
  main.append(h('h1', {}, t('nav.reports')), form, download, place, frame);
  void show(year.value);
}

const RENDER = { status: statusSection, enterprises: enterprisesSection, auditors: auditorsSection, prefixes: prefixesSection, identifiers: identifiersSection, import: importSection, figures: figuresSection, dashboard: dashboardSection, reports: reportsSection };

// ---- the frame ---------------------------------------------------------------------------------------------

function render(reason) {
  stopSection();
  stopSection = () => {};
  const app = document.getElementById('app');
  if (!session) {
    app.replaceChildren(signInView(reason));
    return;
  }
  const sections = SECTIONS[session.who.kind] ?? [];
  const wanted = location.hash.slice(1);
  const current = sections.includes(wanted) ? wanted : sections[0];
  const main = h('section', { class: 'page', 'data-page': current });
  app.replaceChildren(
    h(
      'div',
      { class: 'whoami' },
      h('span', { 'data-field': 'whoami' }, t('signin.as', { id: session.who.id, role: t(`role.${session.who.kind}`) })),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'sign-out', onclick: () => signOut() }, t('signin.out')),
    ),
    h(
      'div',
      { class: 'console' },
      h('nav', { class: 'sections' }, sections.map((name) => h('a', { href: `#${name}`, class: name === current ? 'current' : undefined, 'data-nav': name }, t(`nav.${name}`))), h('a', { href: '/docs' }, t('nav.docs'))),
      main,
    ),
  );
  stopSection = RENDER[current](main) ?? (() => {});
}

window.addEventListener('hashchange', () => render());
render();
