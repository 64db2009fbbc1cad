import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledCounterpart } from '../../src/runtime/compiled-build.js';

/** The repository root: children run there by default. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The node arguments that run the TypeScript file `script` in a child process: this process's own
 * `process.execArgv`, then the script. Under tap these are the flags tap gives every test process
 * (--enable-source-maps, @tapjs/processinfo, and the tests' TypeScript loader from .taprc's node-arg,
 * test/loader/), so a child compiles each source file to the same code with the same source map as the test
 * process does, reusing what the tests compiled, and the coverage it records merges with the test processes'
 * own. A child under another loader (tsx) compiled files differently, and merging its ranges and maps made the
 * total read anywhere from 92% to 99%. Run outside tap (`npx tsx test/…`), execArgv carries tsx's flags and
 * children use tsx.
 */
export function childNodeArgs(script: string): string[] {
  // .taprc names its own loader relative to the repository root; a child may start elsewhere (cwd).
  return [...process.execArgv.map((arg) => arg.replace(/^--import=\.\//, `--import=${REPO_ROOT}`)), script];
}

/**
 * The compiled CLI when `npm run build` has compiled every source file since it last changed, else undefined.
 * A child that loads the TypeScript sources spends 5–7 s of CPU compiling them, and the suite starts about a
 * hundred; the compiled files cost half a second. tsc emits the same JavaScript and source maps that the
 * test processes' ts-node (transpile-only) produces, so a child's coverage maps onto the same src/*.ts lines
 * and merges with theirs. A stale build (sources edited since) is never used: the child compiles instead.
 */
function compiledCli(): string | undefined {
  const main = compiledCounterpart(new URL('../../src/cli/main.ts', import.meta.url));
  return main && fileURLToPath(main);
}

/** Loader flags a compiled child needs: no TypeScript loader (test/loader/), only source-mapped stack traces (coverage comes through NODE_OPTIONS). */
const COMPILED_ARGS = ['--enable-source-maps'];

const compiled = compiledCli();

/**
 * The node arguments that run the plain-JavaScript fixture `script`, giving it as its first argument the module
 * to import for `source` (a src/…/x.ts URL): the compiled counterpart, without any TypeScript loader, when the
 * build is fresh (a fixture process started under the loaders spent most of its CPU starting them), else the
 * source itself under the tests' own loaders (childNodeArgs). Either way the child runs the current code.
 */
export function fixtureNodeArgs(script: string, source: URL): string[] {
  const built = compiledCounterpart(source);
  return built ? [...COMPILED_ARGS, script, built.href] : [...childNodeArgs(script), source.href];
}

/** `node <NODE_CLI_ARGS…> <command>` runs the idnode CLI (compiled when fresh, else from source), whatever the working directory. */
export const NODE_CLI_ARGS: readonly string[] = compiled ? [...COMPILED_ARGS, compiled] : childNodeArgs(join(REPO_ROOT, 'src', 'cli', 'main.ts'));

/**
 * The test runner's environment without IDNODE_* variables (but max-event-loop-delay-ms and
 * queue-delay-target-ms at their maximum, and workers 1), plus `extra`. ts-node looks for its tsconfig
 * from the working directory, so a child started elsewhere is pointed at the repository's, which the test
 * process (started at the root) uses.
 */
export function childEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  // A test machine shared by many runs lags: shedding on event-loop or queueing delay would make answers depend
  // on the machine's load, not on the test. Tests of shedding set them (or max-in-flight) themselves.
  // One serving process unless a test asks for more (--workers): the default, one per core, would fork a
  // worker per core in every child, each compiling the sources again.
  const env: NodeJS.ProcessEnv = { TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), IDNODE_MAX_EVENT_LOOP_DELAY_MS: '60000', IDNODE_QUEUE_DELAY_TARGET_MS: '60000', IDNODE_WORKERS: '1' };
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('IDNODE_')) env[name] = value;
  return { ...env, ...extra };
}
