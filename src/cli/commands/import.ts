import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { MAX_BATCH_ITEMS } from '../../core/bulk/bulk-types.js';
import { CommandFailed, EXIT_FAILURE, processIo, type CliIo } from '../cli-io.js';
import type { SourceFormat } from '../import/import-source.js';
import type { ImportSummary } from '../import/run-import.js';
import { integerIn } from './arguments.js';
import { basicUser } from './output.js';

/**
 * `idnode import FILE`: registers the identifiers of an NDJSON or CSV file on a running node, through its
 * REST batch API, with a progress bar (rate, ETA) on stderr, each failing line reported with its line
 * number, and the summary on stdout. Exit code 0 when every line was registered (or already was), 1 when
 * some were not (the others still went in) or the node refused the import, 2 for a usage error.
 */
export function importCommand(io: CliIo): Command {
  const command = new Command('import');
  return command
    .description('register the identifiers of an NDJSON or CSV file on a running node')
    .argument('<file>', 'NDJSON ({"handle": ..., "values": [...]} per line) or CSV (header: handle,1:URL,2:product.model,...)')
    .option('--url <url>', "the node's REST base URL", 'http://127.0.0.1:8000')
    .requiredOption('--identity <identity>', 'the credential identity {index}:{handle}, e.g. 300:0.NA/88.999.1')
    .option('--secret-file <file>', 'file whose first line is the secret')
    .option('--secret <secret>', 'the secret itself (other local users may see it in the process list: prefer --secret-file)')
    .option('--format <format>', 'ndjson or csv (default: csv for *.csv files, else ndjson)', parseFormat)
    .option('--overwrite', 'replace identifiers that exist with other values (default: report them as failed)', false)
    .option('--batch-size <n>', `lines per request, 1 to ${MAX_BATCH_ITEMS}`, integerIn(1, MAX_BATCH_ITEMS), 1000)
    .option('--concurrency <n>', 'requests in flight, 1 to 64', integerIn(1, 64), 4)
    .option('--json', 'print the summary as JSON')
    .option('--no-progress', 'do not show progress')
    .action(async (fileArgument: string, options: Record<string, unknown>) => {
      const usage = (message: string): never => command.error(`error: ${message}`);
      const file = resolve(io.cwd, fileArgument);
      const problem = unreadable(file);
      if (problem !== undefined) usage(`cannot read the import file ${fileArgument}: ${problem}`);
      const secret = secretOf(options, io.cwd, usage);
      const [{ runImport }, { formatOf }, { group }] = await Promise.all([import('../import/run-import.js'), import('../import/import-source.js'), import('../import/progress.js')]);
      const interactive = io === processIo && process.stderr.isTTY === true;
      const showProgress = options['progress'] !== false;
      const summary = await runImport({
        file,
        format: (options['format'] as SourceFormat | undefined) ?? formatOf(file),
        url: String(options['url']),
        authorization: 'Basic ' + Buffer.from(`${basicUser(String(options['identity']))}:${secret}`).toString('base64'),
        overwrite: options['overwrite'] === true,
        batchSize: options['batchSize'] as number,
        concurrency: options['concurrency'] as number,
        progressIntervalMs: interactive ? 200 : 2000,
        onFailure: (line, code, message) => io.stderr(`${interactive && showProgress ? '\r\x1b[K' : ''}line ${line}: ${code}: ${message}\n`),
        onProgress: (text, final) => {
          if (!showProgress) return;
          if (interactive) io.stderr(`\r\x1b[K${text}${final ? '\n' : ''}`);
          else io.stderr(`${text}\n`);
        },
      });
      io.stdout(options['json'] === true ? `${JSON.stringify({ file, ...summary })}\n` : summaryText(fileArgument, summary, group));
      if (summary.failed > 0) {
        // Not one error but several, each already printed with its line number: say what happened and exit 1.
        const registered = summary.lines - summary.failed;
        io.stderr(
          `import incomplete: ${group(summary.failed)} of ${group(summary.lines)} lines failed (each is reported above with its line number); ` +
            `the other ${group(registered)} ${registered === 1 ? 'is' : 'are'} registered. Fix those lines and run the same import again: lines already registered are reported as already existing.\n`,
        );
        throw new CommandFailed(EXIT_FAILURE);
      }
    });
}

/** `group`: progress.ts's, loaded with the import's code. */
function summaryText(file: string, summary: ImportSummary, group: (n: number) => string): string {
  const rate = summary.seconds > 0 ? Math.round(summary.lines / summary.seconds) : summary.lines;
  return (
    `Imported ${file}: ${group(summary.lines)} lines in ${summary.seconds.toFixed(1)} s (${group(rate)}/s)\n` +
    `  created         ${group(summary.created)}\n` +
    `  already existed ${group(summary.alreadyExisted)}\n` +
    `  updated         ${group(summary.updated)}\n` +
    `  failed          ${group(summary.failed)}\n`
  );
}

/** Why `file` cannot be imported (missing, a directory, unreadable), or undefined when it can be read. */
function unreadable(file: string): string | undefined {
  try {
    if (statSync(file).isDirectory()) return 'it is a directory';
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (error) {
    return fileProblem(error);
  }
}

function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return code ?? (error as Error).message;
}

/** `usage` reports a usage error (it does not return). */
function secretOf(options: Record<string, unknown>, cwd: string, usage: (message: string) => never): string {
  if (typeof options['secret'] === 'string') return options['secret'];
  if (typeof options['secretFile'] === 'string') {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, options['secretFile']), 'utf8');
    } catch (error) {
      return usage(`cannot read the secret file ${options['secretFile']}: ${fileProblem(error)}`);
    }
    const secret = text.split(/\r?\n/, 1)[0]!.trim();
    if (secret !== '') return secret;
    return usage(`the secret file ${options['secretFile']} is empty`);
  }
  return usage('give the secret with --secret-file <file> (or --secret <secret>)');
}

function parseFormat(value: string): SourceFormat {
  if (value === 'ndjson' || value === 'csv') return value;
  throw new InvalidArgumentError(`must be ndjson or csv, got ${JSON.stringify(value)}`);
}

