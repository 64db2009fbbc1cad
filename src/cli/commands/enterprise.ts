import { Command } from 'commander';
import type { IssuedCredential, PrincipalSummary } from '../../core/enterprises/principals-admin.js';
import { LOCAL_OPERATOR } from '../../core/auth/principal.js';
import type { QuotaView } from '../../core/quotas/quota-admin.js';
import { onAdminNode } from '../on-admin-node.js';
import type { CliIo } from '../cli-io.js';
import { addAdminOptions, adminContext } from '../shared-options.js';
import { basicUser, print } from './output.js';

/** `idnode enterprise add|list|revoke|reinstate|rotate-secret|quota`: enterprise prefixes and their credentials. */
export function enterpriseCommand(io: CliIo): Command {
  const command = new Command('enterprise').description('allocate enterprise prefixes and manage their credentials');

  admin(command.command('add').description('allocate an enterprise prefix below a node prefix and issue its credential'))
    .requiredOption('--prefix <prefix>', 'enterprise prefix, e.g. 88.999.1')
    .requiredOption('--name <name>', 'enterprise name')
    .action(async (options: Record<string, unknown>) => {
      const issued = await onAdminNode(adminContext(options, io), (node) => node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: String(options['prefix']), name: String(options['name']) }));
      print(io, options['json'] === true, credentialJson(issued), () => `Allocated enterprise prefix ${issued.prefix}\n${credentialText(issued)}`);
    });

  admin(command.command('list').description('list enterprises, revoked ones included')).action(async (options: Record<string, unknown>) => {
    const enterprises = await onAdminNode(adminContext(options, io), (node) => node.principals.listEnterprises(LOCAL_OPERATOR));
    print(io, options['json'] === true, enterprises, () => listText(enterprises));
  });

  admin(command.command('revoke').description('revoke an enterprise credential (effective at once, also on a running server)'))
    .requiredOption('--prefix <prefix>', 'enterprise prefix')
    .action(async (options: Record<string, unknown>) => {
      const summary = await onAdminNode(adminContext(options, io), (node) => node.principals.revokeEnterprise(LOCAL_OPERATOR, String(options['prefix'])));
      print(io, options['json'] === true, summary, () => `Revoked ${summary.id} (prefix ${summary.prefix}) at ${summary.revokedAt}\n`);
    });

  admin(command.command('reinstate').description('reinstate a revoked enterprise with a new secret (its prefix and identifiers were kept)'))
    .requiredOption('--prefix <prefix>', 'enterprise prefix')
    .action(async (options: Record<string, unknown>) => {
      const issued = await onAdminNode(adminContext(options, io), (node) => node.principals.reinstateEnterprise(LOCAL_OPERATOR, String(options['prefix'])));
      print(io, options['json'] === true, credentialJson(issued), () => `Reinstated enterprise prefix ${issued.prefix} with a new secret\n${credentialText(issued)}`);
    });

  admin(command.command('rotate-secret').description('issue a new secret for an enterprise; the old one stops working at once'))
    .requiredOption('--prefix <prefix>', 'enterprise prefix')
    .action(async (options: Record<string, unknown>) => {
      const issued = await onAdminNode(adminContext(options, io), (node) => node.principals.rotateEnterpriseSecret(LOCAL_OPERATOR, String(options['prefix'])));
      print(io, options['json'] === true, credentialJson(issued), () => `New secret for enterprise prefix ${issued.prefix}; the old one no longer works\n${credentialText(issued)}`);
    });

  admin(command.command('quota').description("show an enterprise's quota and today's usage, or set it (a number; 0: no limit; default: the node-wide default)"))
    .requiredOption('--prefix <prefix>', 'enterprise prefix')
    .option('--registrations-per-day <n>', 'new identifiers per metering day')
    .option('--resolutions-per-day <n>', 'resolutions per metering day of its identifiers')
    .option('--requests-per-second <n>', 'requests per second with its credentials (per process)')
    .action(async (options: Record<string, unknown>) => {
      const change: Record<string, unknown> = {};
      for (const [option, field] of QUOTA_OPTIONS) {
        const text = options[option];
        if (typeof text === 'string') change[field] = text === 'default' ? null : /^[0-9]+$/.test(text) ? Number(text) : text;
      }
      const prefix = String(options['prefix']);
      const view = await onAdminNode(adminContext(options, io), (node) =>
        Object.keys(change).length === 0 ? node.quotaAdmin.get(LOCAL_OPERATOR, prefix) : node.quotaAdmin.set(LOCAL_OPERATOR, prefix, change),
      );
      print(io, options['json'] === true, view, () => quotaText(view));
    });

  return command;
}

const QUOTA_OPTIONS = [
  ['registrationsPerDay', 'registrationsPerDay'],
  ['resolutionsPerDay', 'resolutionsPerDay'],
  ['requestsPerSecond', 'requestsPerSecond'],
] as const;

function quotaText(view: QuotaView): string {
  const limit = (field: keyof QuotaView['limits']) => `${view.limits[field] === 0 ? 'no limit' : view.limits[field]}${view.overrides[field] === undefined ? ' (node default)' : ''}`;
  return (
    `Quota of enterprise ${view.prefix}\n` +
    `  registrations per day: ${limit('registrationsPerDay')}; ${view.usage.registrations} on ${view.usage.day}\n` +
    `  resolutions per day:   ${limit('resolutionsPerDay')}; ${view.usage.resolutions} on ${view.usage.day}\n` +
    `  requests per second:   ${limit('requestsPerSecond')}\n` +
    'A running server applies a change made here within a minute.\n'
  );
}

/** The options every admin command takes: the store-locating settings and --json. */
export function admin(command: Command): Command {
  return addAdminOptions(command).option('--json', 'print JSON instead of text');
}

export function credentialJson(issued: IssuedCredential): Record<string, string> {
  return { ...(issued.prefix === undefined ? {} : { prefix: issued.prefix }), id: issued.id, secret: issued.secret };
}

export function credentialText(issued: IssuedCredential): string {
  return (
    `  identity: ${issued.id}\n` +
    `  secret:   ${issued.secret}\n` +
    `The secret is shown only now and is not stored in clear. HTTP Basic: user ${basicUser(issued.id)}, password the secret.\n`
  );
}

function listText(enterprises: readonly PrincipalSummary[]): string {
  if (enterprises.length === 0) return 'No enterprises.\n';
  return enterprises
    .map((enterprise) => `${enterprise.prefix}\t${enterprise.revokedAt === undefined ? 'active' : `revoked ${enterprise.revokedAt}`}\t${enterprise.id}\t${enterprise.name}\n`)
    .join('');
}
