import { Command } from 'commander';
import { LOCAL_OPERATOR } from '../../core/auth/principal.js';
import { onAdminNode } from '../on-admin-node.js';
import type { CliIo } from '../cli-io.js';
import { adminContext } from '../shared-options.js';
import type { PrincipalSummary } from '../../core/enterprises/principals-admin.js';
import { admin, credentialJson, credentialText } from './enterprise.js';
import { print } from './output.js';

/** `idnode auditor add|list|revoke`: read-only credentials for metering, the ledger and reports. */
export function auditorCommand(io: CliIo): Command {
  const command = new Command('auditor').description('manage auditor credentials (read-only access to metering and reports)');
  admin(command.command('add').description('issue an auditor credential'))
    .requiredOption('--name <name>', 'who the auditor is')
    .action(async (options: Record<string, unknown>) => {
      const issued = await onAdminNode(adminContext(options, io), (node) => node.principals.addAuditor(LOCAL_OPERATOR, String(options['name'])));
      print(io, options['json'] === true, credentialJson(issued), () => `Issued auditor credential\n${credentialText(issued)}`);
    });

  admin(command.command('list').description('list auditors, revoked ones included')).action(async (options: Record<string, unknown>) => {
    const auditors = await onAdminNode(adminContext(options, io), (node) => node.principals.listAuditors(LOCAL_OPERATOR));
    print(io, options['json'] === true, auditors, () => listText(auditors));
  });

  admin(command.command('revoke').description('revoke an auditor credential (effective at once, also on a running server)'))
    .requiredOption('--id <identity>', 'the auditor identity, e.g. 300:0.NA/AUDITOR.1A2B3C4D (see auditor list)')
    .action(async (options: Record<string, unknown>) => {
      const summary = await onAdminNode(adminContext(options, io), (node) => node.principals.revokeAuditor(LOCAL_OPERATOR, String(options['id'])));
      print(io, options['json'] === true, summary, () => `Revoked auditor ${summary.id} (${summary.name}) at ${summary.revokedAt}\n`);
    });
  return command;
}

function listText(auditors: readonly PrincipalSummary[]): string {
  if (auditors.length === 0) return 'No auditors.\n';
  return auditors.map((auditor) => `${auditor.id}\t${auditor.revokedAt === undefined ? 'active' : `revoked ${auditor.revokedAt}`}\t${auditor.name}\n`).join('');
}
