import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { addSettingOptions, configFromOptions } from '../shared-options.js';

/** `idnode serve`: runs the node until SIGTERM/SIGINT, then ends the process with serve's exit code. */
export function serveCommand(io: CliIo): Command {
  return addSettingOptions(new Command('serve').description('run the node (its REST and gRPC front ends) until SIGTERM or SIGINT'), 'all').action(
    async (options: Record<string, unknown>) => {
      const config = configFromOptions(options, io);
      // Loaded here so that the admin commands do not load the HTTP stack.
      const { serve } = await import('../serve.js');
      io.exit(await serve(config, io));
    },
  );
}
