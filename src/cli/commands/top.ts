import { Command } from 'commander';
import type { SettingKey } from '../../config/settings.js';
import type { CliIo } from '../cli-io.js';
import { addSettingOptions, configFromOptions } from '../shared-options.js';
import { print } from './output.js';

/** The settings `idnode top` takes as flags: serve's listener, TLS, log, clock and ready-file settings. */
const TOP_SETTINGS: readonly SettingKey[] = ['dataDir', 'host', 'httpPort', 'grpcPort', 'readyFile', 'tls.certFile', 'tls.keyFile', 'logLevel', 'clock.start', 'clock.rate', 'clock.realStart'];

/**
 * `idnode top`: runs the simulated national top-level node; `idnode top node add|list|revoke` manage the node
 * accounts in its data directory (safe while it runs: SQLite WAL).
 */
export function topCommand(io: CliIo): Command {
  const command = addSettingOptions(
    new Command('top').description('run a simulated national top-level node (REST and gRPC) until SIGTERM or SIGINT; `top node` manages node accounts'),
    TOP_SETTINGS,
  ).action(async (options: Record<string, unknown>) => {
    const config = configFromOptions(options, io);
    const { top } = await import('../top.js');
    io.exit(await top(config, io));
  });
  // The subcommands read their options with the parent's (optsWithGlobals): commander gives a flag that both
  // declare (--data-dir, --config) to the parent wherever it stands on the command line.
  const node = new Command('node').description('manage the accounts of the secondary nodes that connect');
  const accounts = async <T>(options: Record<string, unknown>, work: (top: import('../../core/top/top-level.js').TopLevel) => Promise<T>): Promise<T> => {
    const { openTopLevel } = await import('../top.js');
    const opened = openTopLevel(configFromOptions(options, io));
    try {
      return await work(opened.top);
    } finally {
      await opened.close();
    }
  };
  addSettingOptions(node.command('add').description('open an account for a node allowed to home the given prefixes (and prefixes below them)'), ['dataDir'])
    .requiredOption('--name <name>', 'who runs the node')
    .requiredOption('--prefix <prefix>', 'a node prefix of the node; repeat for several', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option('--json', 'print JSON')
    .action(async (_options: Record<string, unknown>, self: Command) => {
      const options = self.optsWithGlobals();
      const issued = await accounts(options, (top) => top.addNode(String(options['name']), options['prefix'] as string[]));
      print(io, options['json'] === true, issued, () => `Node account ${issued.id}\n  secret: ${issued.secret}\n(shown once: start the node with --top-level-id ${issued.id} --top-level-secret <secret>)\n`);
    });
  addSettingOptions(node.command('list').description('list node accounts'), ['dataDir'])
    .option('--json', 'print JSON')
    .action(async (_options: Record<string, unknown>, self: Command) => {
      const options = self.optsWithGlobals();
      const nodes = (await accounts(options, (top) => top.listNodes())).map((record) => ({
        id: record.id,
        name: record.name,
        prefixes: record.prefixes,
        createdAt: new Date(record.createdAtMs).toISOString(),
        ...(record.revokedAtMs === undefined ? {} : { revokedAt: new Date(record.revokedAtMs).toISOString() }),
        ...(record.keyId === undefined ? {} : { keyId: record.keyId, firstConnectedAt: new Date(record.firstConnectedAtMs!).toISOString() }),
      }));
      print(io, options['json'] === true, nodes, () =>
        nodes.map((record) => `${record.id}\t${record.name}\t${record.prefixes.join(',')}\t${record.revokedAt === undefined ? (record.keyId === undefined ? 'never connected' : `connected since ${record.firstConnectedAt}`) : `revoked ${record.revokedAt}`}\n`).join(''),
      );
    });
  addSettingOptions(node.command('revoke').description('revoke a node account: it can no longer connect, home prefixes or report').argument('<id>', 'the account id (node-<n>)'), ['dataDir'])
    .action(async (id: string, _options: Record<string, unknown>, self: Command) => {
      const options = self.optsWithGlobals();
      await accounts(options, (top) => top.revokeNode(id));
      io.stdout(`Revoked node account ${id}\n`);
    });
  command.addCommand(node);
  return command;
}
