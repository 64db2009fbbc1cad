import { Command, CommanderError } from 'commander';
import { isIdnodeError } from '../core/errors/catalogue.js';
import { CommandFailed, EXIT_CONFIG, EXIT_FAILURE, EXIT_OK, type CliIo } from './cli-io.js';
import { auditorCommand } from './commands/auditor.js';
import { backupCommands } from './commands/backup.js';
import { enterpriseCommand } from './commands/enterprise.js';
import { keyCommand } from './commands/key.js';
import { ledgerCommand } from './commands/ledger.js';
import { reportCommand } from './commands/report.js';
import { resolveCommand } from './commands/resolve.js';
import { importCommand } from './commands/import.js';
import { operatorCommand } from './commands/operator.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { templateCommand } from './commands/template.js';
import { topCommand } from './commands/top.js';
import { traceCommand } from './commands/trace.js';
import { VERSION } from '../version.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('idnode')
    .description('idnode: a secondary identifier-resolution node (Handle-compatible)')
    .version(VERSION);
  for (const command of [serveCommand(io), enterpriseCommand(io), operatorCommand(io), auditorCommand(io), importCommand(io), reportCommand(io), ledgerCommand(io), keyCommand(io), ...backupCommands(io), resolveCommand(io), traceCommand(io), templateCommand(io), topCommand(io), simulateCommand(io)]) {
    program.addCommand(command);
  }
  // Set on every command (addCommand does not propagate them): errors come back as exceptions, output goes through io.
  for (const command of allCommands(program)) {
    command
      .exitOverride()
      .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
      .showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

/**
 * Runs one command line (without the node and script arguments) and resolves with the exit code:
 * 0 success; 1 an IdnodeError from the core (printed `error: CODE: message`) or an unexpected failure;
 * 2 a usage error or an invalid configuration (every problem printed, one per line); a command that printed its
 * own failure (CommandFailed) sets the code itself. `idnode serve` does
 * not resolve: it ends the process through io.exit when it stops.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommandFailed) return error.exitCode;
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_CONFIG;
    if (isIdnodeError(error) && error.code === 'CONFIG_INVALID') {
      io.stderr(error.message.startsWith('invalid configuration:') ? `${error.message}\n` : `error: ${error.code}: ${error.message}\n`);
      return EXIT_CONFIG;
    }
    if (isIdnodeError(error)) {
      io.stderr(`error: ${error.code}: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    io.stderr(`error: INTERNAL_ERROR: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap((child) => allCommands(child as Command))];
}
