import { Command, InvalidArgumentError, Option } from 'commander';
import { MAX_INDEX } from '../../core/values/handle-value.js';
import { formatHostPort, HANDLE_PORT, parseHostPort, type HostPort } from '../../hdl/client/address.js';
import type { ResolveTarget } from '../../hdl/client/resolve-handle.js';
import type { Resolved } from '../../hdl/client/resolution.js';
import { CommandFailed, EXIT_FAILURE, type CliIo } from '../cli-io.js';
import { integerIn, repeated } from './arguments.js';
import { valueTable } from './value-table.js';

const DEFAULT_HDL = `127.0.0.1:${HANDLE_PORT}`;
const DEFAULT_TIMEOUT_MS = 5000;

/**
 * `idnode resolve HANDLE`: resolves an identifier on a running node, as an operator checks what the world
 * sees. Over the Handle protocol (--hdl, the default: UDP first, TCP when the UDP answer is truncated or does
 * not come) or over REST (--url). Prints the values as a table or, with --json, as the HANDLE.NET JSON body
 * plus `via`. An error answer prints its Handle response code, the code's meaning and the node's message
 * (exit 1); a node that cannot be reached is NODE_UNREACHABLE (exit 1); a usage error exits 2.
 */
export function resolveCommand(io: CliIo): Command {
  return new Command('resolve')
    .description('resolve an identifier on a running node, over the Handle protocol (UDP, then TCP) or REST')
    .argument('<handle>', 'the identifier, e.g. 88.999.1/PN-1')
    .addOption(new Option('--hdl <host:port>', `the node's Handle protocol address (default ${DEFAULT_HDL})`).argParser(hostPort).conflicts('url'))
    .addOption(new Option('--url <url>', "resolve over the node's REST API at this base URL instead, e.g. http://127.0.0.1:8000").argParser(baseUrl))
    .option('--index <n>', 'only the value at this index; repeat for several (with --type: a value matching any)', repeated(integerIn(1, MAX_INDEX)))
    .option('--type <type>', 'only values of this type; repeat for several', repeated(String))
    .option('--timeout <ms>', `how long to wait for each answer (the UDP one, the TCP retry, the HTTP one), default ${DEFAULT_TIMEOUT_MS}`, integerIn(1, 600_000))
    .option('--json', 'print the answer as one line of JSON (HANDLE.NET REST shape, plus "via")')
    .action(async (handle: string, options: Record<string, unknown>) => {
      const json = options['json'] === true;
      const target: ResolveTarget =
        typeof options['url'] === 'string' ? { kind: 'rest', url: options['url'] } : { kind: 'hdl', address: (options['hdl'] as HostPort | undefined) ?? (parseHostPort(DEFAULT_HDL) as HostPort) };
      const query = {
        handle,
        indexes: (options['index'] as number[] | undefined) ?? [],
        types: (options['type'] as string[] | undefined) ?? [],
        timeoutMs: (options['timeout'] as number | undefined) ?? DEFAULT_TIMEOUT_MS,
      };
      const [{ resolveHandle }, { HandleErrorAnswer }] = await Promise.all([import('../../hdl/client/resolve-handle.js'), import('../../hdl/client/resolution.js')]);
      let resolved: Resolved;
      try {
        resolved = await resolveHandle(target, query);
      } catch (error) {
        if (!(error instanceof HandleErrorAnswer)) throw error;
        if (json) io.stdout(`${JSON.stringify({ responseCode: error.responseCode, meaning: error.meaning, handle: error.handle, message: error.message, via: error.via })}\n`);
        io.stderr(`error: Handle response code ${error.responseCode} (${error.meaning}): ${error.message}\n`);
        throw new CommandFailed(EXIT_FAILURE);
      }
      io.stdout(json ? `${JSON.stringify({ responseCode: resolved.responseCode, handle: resolved.handle, values: resolved.values, via: resolved.via })}\n` : text(resolved, target));
    });
}

function text(resolved: Resolved, target: ResolveTarget): string {
  const where = target.kind === 'rest' ? `REST ${target.url}` : `Handle protocol, ${resolved.via.toUpperCase()} ${formatHostPort(target.address)}`;
  const count = resolved.values.length === 1 ? '1 value' : `${resolved.values.length} values`;
  const title = `${resolved.handle}: ${resolved.responseCode === 200 ? 'no value matches the filters (response code 200)' : count} (${where})\n`;
  return resolved.values.length === 0 ? title : title + valueTable(resolved.values);
}

function hostPort(value: string): HostPort {
  const parsed = parseHostPort(value);
  if (typeof parsed === 'string') throw new InvalidArgumentError(parsed);
  return parsed;
}

/** A commander parser for a node's REST base URL: http:// or https://, else a usage error. */
export function baseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`must be an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`must be an http:// or https:// URL, got ${JSON.stringify(value)}`);
  return value;
}
