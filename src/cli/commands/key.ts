import { Command } from 'commander';
import { onAdminNode } from '../on-admin-node.js';
import type { CliIo } from '../cli-io.js';
import { adminContext } from '../shared-options.js';
import { admin } from './enterprise.js';
import { print } from './output.js';

/** `idnode key export`: the node's public signing key, for verifying its ledger. */
export function keyCommand(io: CliIo): Command {
  const command = new Command('key').description("the node's Ed25519 signing key (created at the first start)");
  admin(command.command('export').description('print the public key (PEM), for `idnode ledger verify --public-key`')).action(
    async (options: Record<string, unknown>) => {
      const key = await onAdminNode(adminContext(options, io), async (node) => ({ keyId: node.ledger.keyId, publicKey: node.ledger.publicKeyPem }));
      print(io, options['json'] === true, key, () => key.publicKey);
    },
  );
  return command;
}
