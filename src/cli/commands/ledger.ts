import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { parsePublicKey } from '../../core/ledger/node-key.js';
import { verifyLedger, type LedgerExport, type VerifyResult } from '../../core/ledger/verify-ledger.js';
import { compareWithEarlier } from '../../core/ledger/compare-ledgers.js';
import type { KeyObject } from 'node:crypto';
import { LOCAL_OPERATOR } from '../../core/auth/principal.js';
import { onAdminNode } from '../on-admin-node.js';
import type { CliIo } from '../cli-io.js';
import { adminContext } from '../shared-options.js';
import { admin } from './enterprise.js';
import { print } from './output.js';

/** `idnode ledger seal|export|verify`: the signed ledger of closed days (docs/design.md §2, Evidence). */
export function ledgerCommand(io: CliIo): Command {
  const command = new Command('ledger').description('the signed, append-only ledger of closed metering days');

  admin(command.command('seal').description('seal every closed day not sealed yet, now (a running node also does it by itself; refused beside one on a set clock)')).action(
    async (options: Record<string, unknown>) => {
      const context = adminContext(options, io);
      if (context.config.store === 'sqlite') await refuseBesideSetClock(context.config.dataDir);
      const sealed = await onAdminNode(context, (node) => node.ledger.sealClosedDays(LOCAL_OPERATOR));
      const days = sealed.map((entry) => ({ seq: entry.seq, day: entry.day, hash: entry.hash }));
      print(io, options['json'] === true, { sealed: days }, () =>
        days.length === 0 ? 'Nothing to seal: every closed day is sealed.\n' : days.map((day) => `sealed ${day.day} (#${day.seq}) ${day.hash}\n`).join(''),
      );
    },
  );

  admin(command.command('export').description("print the ledger as JSON, with each day's counter rows (for `idnode ledger verify`)"))
    .option('--no-rows', "leave out each day's counter rows (then verify checks the chain only)")
    .action(async (options: Record<string, unknown>) => {
      const exported = await onAdminNode(adminContext(options, io), (node) => node.ledger.export(LOCAL_OPERATOR, { rows: options['rows'] !== false }));
      io.stdout(`${JSON.stringify(exported, null, 2)}\n`);
    });

  command
    .command('verify')
    .description('check an exported ledger offline against the node public key; exits 1 naming every bad day')
    .argument('<ledger>', 'the JSON printed by `idnode ledger export` (or GET /api/v1/ledger)')
    .requiredOption('--public-key <file>', 'the PEM printed by `idnode key export` (or GET /api/v1/node-key)')
    .option('--against <earlier>', 'an earlier export of the same ledger: every day sealed there must be sealed the same way now')
    .option('--json', 'print the result as JSON')
    .action((ledgerFile: string, options: Record<string, unknown>) => {
      const keyFile = resolve(io.cwd, String(options['publicKey']));
      const key = parsePublicKey(readText(keyFile, '--public-key'), keyFile);
      const path = resolve(io.cwd, ledgerFile);
      const verified = verifyLedger(readJson(path), key);
      const result = options['against'] === undefined ? verified : againstEarlier(verified, readJson(path), resolve(io.cwd, String(options['against'])), key);
      print(io, options['json'] === true, result, () => {
        const range = result.firstDay === undefined ? 'no days' : `${result.entries} day(s) from ${result.firstDay} to ${result.lastDay}`;
        const simulated = result.simulatedDays > 0 ? `\nwarning: ${result.simulatedDays} day(s) were sealed on a simulated clock: not production figures` : '';
        if (result.ok) return `OK: ${range}: chain, hashes and signatures hold; counts checked for ${result.rowsChecked} day(s)${simulated}\n`;
        return `${result.problems.map((problem) => `FAILED ${problem.day ?? '(ledger)'}: ${problem.message}\n`).join('')}${range}${simulated}\n`;
      });
      if (!result.ok) {
        const days = [...new Set(result.problems.map((problem) => problem.day).filter((day) => day !== undefined))];
        throw new IdnodeError('LEDGER_VERIFICATION_FAILED', `${path} does not verify${days.length > 0 ? `: bad day(s) ${days.join(', ')}` : `: ${result.problems[0]?.message}`}`);
      }
    });

  return command;
}

/**
 * This command seals by the wall clock. A node serving the same data directory on a set clock (serve
 * --clock-start/--clock-rate) has other days: sealing by the wall clock beside it would seal days that node
 * has not closed (future days, by its clock) and the node could never seal them itself. So the command
 * refuses, naming the node: that node seals each closed day by its own clock by itself (ledger-seal-delay).
 * Beside a node on the system clock (or with none running) it seals as before.
 */
async function refuseBesideSetClock(dataDir: string): Promise<void> {
  const { dataDirServer, describeHolder } = await import('../../store/sqlite/data-dir-lock.js');
  const server = dataDirServer(dataDir);
  if (server === undefined || 'unnamed' in server || server.clock === undefined) return;
  const clock = `${server.clock.start === undefined ? 'started at its start-up' : `starting at ${server.clock.start}`}, ${server.clock.rate}× real time`;
  throw new IdnodeError(
    'DATA_DIR_LOCKED',
    `refusing to seal by the wall clock: the data directory ${dataDir} is served by ${describeHolder(server)} on a set clock (${clock}), whose days are not the wall clock's. ` +
      'That node seals each day it closes, by its own clock, by itself (ledger-seal-delay after the day ends); to seal now by its clock, ask it: POST /api/v1/ledger/seal as the operator.',
  );
}

/** Adds to `result` the earlier export's own problems and the days it sealed otherwise (compareWithEarlier). */
function againstEarlier(result: VerifyResult, document: unknown, earlierPath: string, key: KeyObject): VerifyResult {
  const earlierDocument = readJson(earlierPath);
  const earlier = verifyLedger(earlierDocument, key);
  const problems = [
    ...result.problems,
    ...earlier.problems.map((problem) => ({ ...problem, message: `earlier export ${earlierPath}: ${problem.message}` })),
  ];
  // The earlier export is evidence only if it verifies; the current one is compared as far as it is readable.
  if (earlier.problems.length === 0 && Array.isArray((document as Partial<LedgerExport> | null)?.entries)) {
    const readable = (document as LedgerExport).entries.filter((entry) => typeof entry === 'object' && entry !== null && typeof entry.day === 'string');
    problems.push(...compareWithEarlier((earlierDocument as LedgerExport).entries, readable));
  }
  return { ...result, ok: problems.length === 0, problems };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readText(path, 'the ledger'));
  } catch (error) {
    if (error instanceof IdnodeError) throw error;
    throw new IdnodeError('REQUEST_INVALID', `${path} is not JSON: ${(error as Error).message}`);
  }
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new IdnodeError('REQUEST_INVALID', `cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
