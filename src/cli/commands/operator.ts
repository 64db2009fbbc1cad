import { Command } from 'commander';
import { operatorNodePrefix } from '../../core/first-run.js';
import { LOCAL_OPERATOR } from '../../core/auth/principal.js';
import { onAdminNode } from '../on-admin-node.js';
import type { CliIo } from '../cli-io.js';
import { adminContext } from '../shared-options.js';
import { admin, credentialJson, credentialText } from './enterprise.js';
import { print } from './output.js';

/** `idnode operator rotate-secret`: the recovery path for a lost operator secret (there is no other). */
export function operatorCommand(io: CliIo): Command {
  const command = new Command('operator').description("manage the node operator's credential");
  admin(command.command('rotate-secret').description('issue a new operator secret (creating the operator if absent); the old one stops working at once'))
    .action(async (options: Record<string, unknown>) => {
      const issued = await onAdminNode(adminContext(options, io), (node) => node.principals.rotateOperatorSecret(LOCAL_OPERATOR, operatorNodePrefix(node)));
      print(io, options['json'] === true, credentialJson(issued), () => `New operator secret; the old one no longer works\n${credentialText(issued)}`);
    });
  return command;
}
