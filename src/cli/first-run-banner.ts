import type { FirstRunCredentials } from '../core/first-run.js';
import { basicUser } from './commands/output.js';

/**
 * The block printed once, on the first start of a data directory: both secrets (they are never shown
 * again) and a copy-pasteable curl session against the REST front end at `url` that registers and resolves
 * an identifier under the demo prefix (left out when REST is off: `url` undefined).
 */
export function firstRunBanner(credentials: FirstRunCredentials, url: string | undefined): string {
  const { operator, demoEnterprise } = credentials;
  const demoPrefix = demoEnterprise.prefix!;
  const rule = '='.repeat(78);
  return [
    rule,
    'idnode first run: credentials issued. They are shown ONCE and stored only as hashes; keep them now.',
    '',
    'Operator (node administrator)',
    `  identity: ${operator.id}`,
    `  secret:   ${operator.secret}`,
    '',
    `Demo enterprise (prefix ${demoPrefix})`,
    `  identity: ${demoEnterprise.id}`,
    `  secret:   ${demoEnterprise.secret}`,
    '',
    ...(url === undefined ? [] : curlSession(`${url}/api/handles/${demoPrefix}/hello-world`, demoEnterprise.id, demoEnterprise.secret)),
    ...(url === undefined ? [] : [`Or sign in with either credential in a browser: ${url}/console`, '']),
    `Lost a secret? idnode operator rotate-secret | idnode enterprise rotate-secret --prefix ${demoPrefix}`,
    rule,
    '',
  ].join('\n');
}

function curlSession(handleUrl: string, id: string, secret: string): string[] {
  const body = JSON.stringify({ values: [{ index: 1, type: 'URL', data: { format: 'string', value: 'https://example.com/' } }] });
  return [
    'Register an identifier under the demo prefix, then resolve it:',
    `  curl -X PUT '${handleUrl}' \\`,
    `    -u '${basicUser(id)}:${secret}' \\`,
    `    -H 'Content-Type: application/json' \\`,
    `    -d '${body}'`,
    `  curl '${handleUrl}'`,
    '',
  ];
}
