import { Command } from 'commander';
import type { IssuedCredential, PrincipalSummary } from '../../core/enterprises/principals-admin.js';
import { LOCAL_OPERATOR } from '../../core/auth/principal.js';
import { withAdminNode } from '../admin-node.js';
import type { CliIo } from '../cli-io.js';
import { addAdminOptions, adminContext } from '../shared-options.js';
import { basicUser, print } from './output.js';

/** `idnode enterprise add|list|revoke|rotate-secret`: enterprise prefixes and their credentials. */
export function enterpriseCommand(io: CliIo): Command {
  const command = new Command('enterprise').description('allocate enterprise prefixes and manage their credentials');

  admin(command.command('add').description('allocate an enterprise prefix below a node prefix and issue its credential'))
    .requiredOption('--prefix <prefix>', 'enterprise prefix, e.g. 88.999.1')
    .requiredOption('--name <name>', 'enterprise name')
    .action(async (options: Record<string, unknown>) => {
      const issued = await withAdminNode(adminContext(options, io), (node) => node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: String(options['prefix']), name: String(options['name']) }));
      print(io, options['json'] === true, credentialJson(issued), () => `Allocated enterprise prefix ${issued.prefix}\n${credentialText(issued)}`);
    });

  admin(command.command('list').description('list enterprises, revoked ones included')).action(async (options: Record<string, unknown>) => {
    const enterprises = await withAdminNode(adminContext(options, io), (node) => node.principals.listEnterprises(LOCAL_OPERATOR));
    print(io, options['json'] === true, enterprises, () => listText(enterprises));
  });

  admin(command.command('revoke').description('revoke an enterprise credential (effective at once, also on a running server)'))
    .requiredOption('--prefix <prefix>', 'enterprise prefix')
    .action(async (options: Record<string, unknown>) => {
      const summary = await withAdminNode(adminContext(options, io), (node) => node.principals.revokeEnterprise(LOCAL_OPERATOR, String(options['prefix'])));
      print(io, options['json'] === true, summary, () => `Revoked ${summary.id} (prefix ${summary.prefix}) at ${summary.revokedAt}\n`);
    });

  admin(command.command('rotate-secret').description('issue a new secret for an enterprise; the old one stops working at once'))
    .requiredOption('--prefix <prefix>', 'enterprise prefix')
    .action(async (options: Record<string, unknown>) => {
      const issued = await withAdminNode(adminContext(options, io), (node) => node.principals.rotateEnterpriseSecret(LOCAL_OPERATOR, String(options['prefix'])));
      print(io, options['json'] === true, credentialJson(issued), () => `New secret for enterprise prefix ${issued.prefix}; the old one no longer works\n${credentialText(issued)}`);
    });

  return command;
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
