// The API documentation at /docs: the node's OpenAPI description (/openapi.json, made by @fastify/swagger from
// the routes' own schemas) as a page where each operation can be called from the browser. Self-contained:
// nothing is fetched but the node's own description and the calls the reader makes.

import { h } from './dom.js';

const { strings } = JSON.parse(document.getElementById('web-strings').textContent);
const t = (key) => strings[key] ?? key;

const root = document.getElementById('docs');
const identity = h('input', { name: 'identity', size: 30, placeholder: '300:0.NA/88.999', autocomplete: 'username' });
const secret = h('input', { name: 'secret', type: 'password', size: 40, autocomplete: 'current-password' });

/** One operation: its summary, parameter inputs, a body for writes, Send, and the answer. */
function operation(path, method, spec) {
  const parameters = (spec.parameters ?? []).filter((parameter) => parameter.in === 'path' || parameter.in === 'query');
  const inputs = new Map(parameters.map((parameter) => [parameter, h('input', { name: parameter.name, required: parameter.required || undefined, placeholder: parameter.schema?.default ?? '' })]));
  const bodyType = spec.requestBody ? Object.keys(spec.requestBody.content ?? {})[0] ?? 'application/json' : undefined;
  const body = bodyType ? h('textarea', { name: 'body', 'aria-label': t('docs.body') }) : undefined;
  const output = h('pre', { 'data-field': 'response', hidden: true });
  const send = async () => {
    let url = path;
    const query = new URLSearchParams();
    for (const [parameter, input] of inputs) {
      if (input.value === '') continue;
      if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, encodeURIComponent(input.value));
      else query.append(parameter.name, input.value);
    }
    const headers = {};
    if (identity.value) headers.authorization = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${encodeURIComponent(identity.value)}:${secret.value}`)))}`;
    if (body && body.value !== '') headers['content-type'] = bodyType;
    output.hidden = false;
    try {
      const response = await fetch(`${url}${query.size > 0 ? `?${query}` : ''}`, { method: method.toUpperCase(), headers, body: body && body.value !== '' ? body.value : undefined });
      const text = await response.text();
      let shown = text;
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch {}
      output.textContent = `${response.status} ${response.statusText}\n\n${shown}`;
    } catch (error) {
      output.textContent = String(error);
    }
  };
  return h(
    'details',
    { class: 'operation', 'data-operation': `${method.toUpperCase()} ${path}` },
    h('summary', {}, h('span', { class: `method ${method}` }, method.toUpperCase()), ' ', h('code', {}, path), ' ', spec.summary ?? ''),
    h(
      'div',
      { class: 'body' },
      parameters.length === 0 ? '' : h('div', {}, h('strong', {}, t('docs.parameters')), h('div', { class: 'inline' }, [...inputs].map(([parameter, input]) => h('label', {}, `${parameter.name} (${parameter.in})${parameter.required ? ' *' : ''}`, input)))),
      body ? h('label', {}, `${t('docs.body')} (${bodyType})`, body) : '',
      h('p', {}, h('button', { type: 'button', 'data-action': 'send', onclick: () => void send() }, t('docs.send'))),
      output,
    ),
  );
}

const description = await (await fetch('/openapi.json')).json();
const groups = new Map();
for (const [path, methods] of Object.entries(description.paths ?? {})) {
  for (const [method, spec] of Object.entries(methods)) {
    const group = spec.tags?.[0] ?? path.split('/').filter((part) => part && !part.startsWith('{'))[path.startsWith('/api/v1/') ? 2 : path.startsWith('/api/') ? 1 : 0] ?? '/';
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(operation(path, method, spec));
  }
}
root.replaceChildren(
  h('p', { class: 'muted' }, `${description.info?.title ?? ''} ${description.info?.version ?? ''} · `, h('a', { href: '/openapi.json' }, '/openapi.json')),
  h('form', { class: 'inline', onsubmit: (event) => event.preventDefault() }, h('span', {}, t('docs.credentials')), identity, secret),
  ...[...groups].map(([group, operations]) => h('section', { 'data-group': group }, h('h2', {}, group), operations)),
);
