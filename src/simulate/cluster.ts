import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseFirstRunCredentials } from '../cli/first-run-banner.js';
import { openTopLevel } from '../cli/top.js';

/** How to run the idnode CLI in a child: `command args… <subcommand> …` (this process's own node and entry by default). */
export interface CliCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** This process's node, its flags (a loader, in development or under the test runner) and its entry script. */
export function ownCliCommand(): CliCommand {
  return { command: process.execPath, args: [...process.execArgv, process.argv[1]!] };
}

export interface ClusterOptions {
  readonly cli: CliCommand;
  /** Data directories, ready files and logs of every process go here. */
  readonly dir: string;
  readonly nodes: readonly { readonly name: string; readonly nodePrefix: string }[];
  /** The one set clock of every process: reads `startMs` at the real instant `realStartMs`, `rate` times real time. */
  readonly clock: { readonly startMs: number; readonly rate: number; readonly realStartMs: number };
  /** Passed to each secondary node as --recursive (resolution of other nodes' identifiers). */
  readonly recursive: boolean;
  /** How long to wait for each process to be ready (each compiles or loads the CLI first). */
  readonly readyTimeoutMs: number;
}

export interface Process {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
}

export interface SecondaryNode extends Process {
  readonly nodePrefix: string;
  readonly operator: { readonly id: string; readonly secret: string };
}

export interface Cluster {
  readonly top: Process;
  readonly nodes: readonly SecondaryNode[];
  /** SIGTERM to every process, SIGKILL to any still running after `graceMs`; resolves when all have ended. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Environment of every child: days seal and reach the top-level node within a second or so of ending. The seal
 * delay must outlast the metering flush interval, or a day is sealed before its last resolution counts land.
 * Every node shares this one machine with the others and with the simulation's own load: how late a node's
 * event loop runs, and how long another node takes to answer a referral, measure that sharing, not a node's
 * overload. So the nodes do not shed on queueing delay, and a referral waits up to 20 s (below the driver's
 * 30 s per request) before REMOTE_NODE_UNAVAILABLE: a referral given up on after the serving node counted it
 * would be a resolution counted at one node and failed at the other.
 */
const CHILD_ENV = {
  IDNODE_METERING_FLUSH_INTERVAL_MS: '100',
  IDNODE_LEDGER_SEAL_DELAY_MS: '500',
  IDNODE_TOP_LEVEL_RETRY_MAX_MS: '500',
  IDNODE_QUEUE_DELAY_TARGET_MS: '60000',
  IDNODE_MAX_EVENT_LOOP_DELAY_MS: '60000',
  IDNODE_RECURSION_TIMEOUT_MS: '20000',
};

/**
 * Starts `idnode top` and one `idnode serve` per node as real processes on 127.0.0.1, each listener on a port
 * the system chooses (port 0, read back from the ready file), all on one set clock. The top-level node gets an
 * account per node before it starts (its store is safe to share: SQLite WAL). Every process started is
 * registered with `track` at once, so a caller stopping on Ctrl-C stops even a half-started cluster.
 */
export async function startCluster(options: ClusterOptions, track: (child: ChildProcess) => void): Promise<Cluster> {
  // The directory is the simulation's own: a run starts from empty data directories (first-run credentials).
  rmSync(options.dir, { recursive: true, force: true });
  mkdirSync(options.dir, { recursive: true });
  const topDir = join(options.dir, 'top');
  const opened = openTopLevel({ dataDir: topDir });
  const accounts: { id: string; secret: string }[] = [];
  try {
    for (const node of options.nodes) accounts.push(await opened.top.addNode(node.name, [node.nodePrefix]));
  } finally {
    await opened.close();
  }
  const clockArgs = ['--clock-start', new Date(options.clock.startMs).toISOString(), '--clock-rate', String(options.clock.rate), '--clock-real-start', new Date(options.clock.realStartMs).toISOString()];
  const listen = ['--host', '127.0.0.1', '--http-port', '0', '--grpc-port', 'off', '--log-level', 'warn'];
  const children: Process[] = [];
  const stop = (graceMs = 15_000) => stopAll(children.map((child) => child.child), graceMs);
  try {
    const top = await startProcess(options, 'top-level', ['top', '--data-dir', topDir, ...listen, ...clockArgs], track, children);
    const nodes = await Promise.all(
      options.nodes.map(async (node, i) => {
        const account = accounts[i]!;
        // One serving process a node: the simulated nodes already share this machine's cores among themselves,
        // so the capacity measured (and the headroom) is one process's, the conservative figure.
        const args = ['serve', '--data-dir', join(options.dir, `node-${i + 1}`), ...listen, '--hdl-port', 'off', '--node-prefix', node.nodePrefix, '--workers', '1', ...clockArgs];
        args.push('--top-level', top.url, '--top-level-id', account.id, '--top-level-secret', account.secret);
        if (options.recursive) args.push('--recursive');
        const started = await startProcess(options, node.name, args, track, children);
        const credentials = await waitFor(() => parseFirstRunCredentials(started.stderr()), options.readyTimeoutMs, `${node.name}'s first-run credentials`);
        return { ...started, nodePrefix: node.nodePrefix, operator: credentials.operator };
      }),
    );
    return { top, nodes, stop };
  } catch (error) {
    await stop(2000);
    throw error;
  }
}

async function startProcess(options: ClusterOptions, name: string, args: string[], track: (child: ChildProcess) => void, children: Process[]): Promise<Process> {
  const readyFile = join(options.dir, `${name.replace(/[^a-z0-9-]+/gi, '-')}.ready.json`);
  rmSync(readyFile, { force: true });
  const child = spawn(options.cli.command, [...options.cli.args, ...args, '--ready-file', readyFile], {
    env: { ...withoutIdnodeVariables(process.env), ...CHILD_ENV },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  track(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const entry: Process = { name, url: '', child, stderr: () => stderr };
  children.push(entry);
  const url = await waitFor(
    () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited before it was ready (code ${child.exitCode}, signal ${child.signalCode}):\n${stderr}`);
      try {
        return (JSON.parse(readFileSync(readyFile, 'utf8')) as { http?: string }).http;
      } catch {
        return undefined;
      }
    },
    options.readyTimeoutMs,
    `${name} to be ready`,
  );
  const ready = { ...entry, url };
  children[children.indexOf(entry)] = ready;
  return ready;
}

/** The environment without IDNODE_* variables: each child's settings are its flags and CHILD_ENV, nothing inherited. */
function withoutIdnodeVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('IDNODE_')));
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** SIGTERM to each running child, SIGKILL after `graceMs`; resolves when every one has ended. */
export async function stopAll(children: readonly ChildProcess[], graceMs: number): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await ended;
      clearTimeout(timer);
    }),
  );
}
