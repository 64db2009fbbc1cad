import { Command } from 'commander';
import { LOCAL_OPERATOR } from '../../core/auth/principal.js';
import { withAdminNode } from '../admin-node.js';
import type { CliIo } from '../cli-io.js';
import { adminContext } from '../shared-options.js';
import { admin, credentialJson, credentialText } from './enterprise.js';
import { print } from './output.js';

/** `idnode auditor add`: read-only credentials for metering, the ledger and reports. */
export function auditorCommand(io: CliIo): Command {
  const command = new Command('auditor').description('manage auditor credentials (read-only access to metering and reports)');
  admin(command.command('add').description('issue an auditor credential'))
    .requiredOption('--name <name>', 'who the auditor is')
    .action(async (options: Record<string, unknown>) => {
      const issued = await withAdminNode(adminContext(options, io), (node) => node.principals.addAuditor(LOCAL_OPERATOR, String(options['name'])));
      print(io, options['json'] === true, credentialJson(issued), () => `Issued auditor credential\n${credentialText(issued)}`);
    });
  return command;
}
