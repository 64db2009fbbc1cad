#!/usr/bin/env node
/**
 * The `idnode` entry point: `node dist/cli/main.js <command>` (bin/idnode.js), or in development
 * `node --import tsx src/cli/main.ts <command>`. Importing this module runs the command line.
 */
import { processIo } from './cli-io.js';
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), processIo);
