import { Command, Option } from 'commander';
import { performance } from 'node:perf_hooks';
import { DEFAULT_TRACE_LIMITS, traceHandle } from '../../trace/trace.js';
import { CommandFailed, EXIT_FAILURE, type CliIo } from '../cli-io.js';
import { integerIn } from './arguments.js';
import { baseUrl } from './resolve.js';

const DEFAULT_URL = 'http://127.0.0.1:8000';
const DEFAULT_TIMEOUT_MS = 5000;

/**
 * `idnode trace HANDLE`: follows a product's component references (TRACE.COMPONENT values, docs/simulate.md)
 * through every node and prints the tree of identifiers with each one's serving node and lookup latency.
 * Through one node (--url, which resolves other nodes' identifiers by recursion) or by finding each prefix's
 * node at the top-level node (--top-level). Cycles and missing parts are shown, not followed; the depth and
 * the number of lookups are bounded. Exit 0 when the whole tree resolved, 1 when a part is missing, failed,
 * forms a cycle or was cut by a limit (the tree is printed either way), 2 for a usage error.
 */
export function traceCommand(io: CliIo): Command {
  return new Command('trace')
    .description("follow an identifier's component references (TRACE.COMPONENT values) through every node and print the tree")
    .argument('<handle>', 'the identifier to start from, e.g. 88.303.DST/BATCH-2-0')
    .addOption(new Option('--url <url>', `resolve everything through this node's REST API (default ${DEFAULT_URL})`).argParser(baseUrl).conflicts('topLevel'))
    .addOption(new Option('--top-level <url>', "find each prefix's node at this top-level node and ask that node directly").argParser(baseUrl))
    .option('--json', 'print the tree as JSON')
    .option('--max-depth <n>', `levels followed below the identifier (default ${DEFAULT_TRACE_LIMITS.maxDepth})`, integerIn(0, 1000))
    .option('--max-lookups <n>', `identifiers looked up in all (default ${DEFAULT_TRACE_LIMITS.maxLookups})`, integerIn(1, 1_000_000))
    .option('--timeout <ms>', `how long to wait for each answer (default ${DEFAULT_TIMEOUT_MS})`, integerIn(1, 600_000))
    .action(async (handle: string, options: Record<string, unknown>) => {
      const [{ lookupThroughNode, lookupThroughTopLevel }, { renderTraceText }] = await Promise.all([import('../../trace/trace-lookup.js'), import('../../trace/render-trace.js')]);
      const lookupOptions = { timeoutMs: (options['timeout'] as number | undefined) ?? DEFAULT_TIMEOUT_MS, now: () => performance.now() };
      const lookup =
        typeof options['topLevel'] === 'string'
          ? lookupThroughTopLevel(options['topLevel'], lookupOptions)
          : lookupThroughNode((options['url'] as string | undefined) ?? DEFAULT_URL, lookupOptions);
      const result = await traceHandle(handle, lookup, {
        maxDepth: (options['maxDepth'] as number | undefined) ?? DEFAULT_TRACE_LIMITS.maxDepth,
        maxLookups: (options['maxLookups'] as number | undefined) ?? DEFAULT_TRACE_LIMITS.maxLookups,
      });
      io.stdout(options['json'] === true ? `${JSON.stringify(result)}\n` : renderTraceText(result));
      if (result.counts.found !== result.lookups || result.counts.cycle + result.counts['depth-limit'] + result.counts['count-limit'] > 0) throw new CommandFailed(EXIT_FAILURE);
    });
}
