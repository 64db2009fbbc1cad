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

export interface PrintedCredential {
  readonly id: string;
  readonly secret: string;
}

/**
 * The credentials of a first-run block (firstRunBanner) in a node's stderr; `undefined` while it holds none.
 * For programs that start nodes and administer them (idnode simulate, tests).
 */
export function parseFirstRunCredentials(stderr: string): { operator: PrintedCredential; demo: PrintedCredential & { prefix: string } } | undefined {
  const operator = /^Operator \(node administrator\)\n {2}identity: (\S+)\n {2}secret: +(\S+)$/m.exec(stderr);
  const demo = /^Demo enterprise \(prefix (\S+)\)\n {2}identity: (\S+)\n {2}secret: +(\S+)$/m.exec(stderr);
  if (operator === null || demo === null) return undefined;
  return { operator: { id: operator[1]!, secret: operator[2]! }, demo: { prefix: demo[1]!, id: demo[2]!, secret: demo[3]! } };
}
