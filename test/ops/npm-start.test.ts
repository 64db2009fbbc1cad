import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { compiledCounterpart } from '../../src/runtime/compiled-build.js';
import { childEnv, REPO_ROOT } from '../helpers/child-node.js';
import { eventually } from '../helpers/eventually.js';
import { collectOutput, exitOf } from '../helpers/spawn-node.js';

/** The pids of every process below `pid` (Linux /proc), nearest first. */
function descendants(pid: number): number[] {
  const children = readText(`/proc/${pid}/task/${pid}/children`).split(/\s+/).filter(Boolean).map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** True while `pid` is a live process (a zombie, already dead and waiting to be reaped, is not). */
function alive(pid: number): boolean {
  const stat = readText(`/proc/${pid}/stat`);
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

t.test('SIGTERM to `npm start` stops the node: no orphan keeps the port', async (t) => {
  // A package with the repository's own start script, verbatim, whose dist/cli/main.js runs the repository's
  // CLI. npm and sh are the real ones, so this is the process chain an operator gets; only the compiled file is
  // stood in for. The prestart build is left out: it only compiles.
  const root = t.testdir();
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'npm-start-check', private: true, type: 'module', scripts: { start: pkg.scripts.start } }));
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  // The stand-in imports the repository's compiled CLI when `npm run build` is fresh (as every other child
  // of the suite does: compiling the sources in the child cost most of this test's half minute). Else it loads
  // TypeScript the way this process does (under tap: the tests' own loader, test/loader/, whose source maps are
  // the ones the coverage of every other process is merged with; a tsx-compiled copy of the sources corrupted
  // the whole run's coverage), else with tsx.
  const compiled = compiledCounterpart(new URL('../../src/cli/main.ts', import.meta.url));
  const main = compiled?.href ?? pathToFileURL(join(REPO_ROOT, 'src', 'cli', 'main.ts')).href;
  const loaderArgument = process.execArgv.find((argument) => argument.startsWith('--import=') && argument.endsWith('test/loader/register.mjs'));
  const loader = loaderArgument === undefined ? undefined : pathToFileURL(join(REPO_ROOT, 'test', 'loader', 'register.mjs')).href;
  const register =
    compiled !== undefined ? '' : loader === undefined ? `const tsx = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});\ntsx.register();\n` : `await import(${JSON.stringify(loader)});\n`;
  writeFileSync(join(root, 'dist', 'cli', 'main.js'), `${register}await import(${JSON.stringify(main)});\n`);

  const dataDir = join(root, 'data');
  const readyFile = join(root, 'ready.json');
  const npm = spawn('npm', ['start', '--silent', '--', '--data-dir', dataDir, '--http-port', '0', '--grpc-port', 'off', '--hdl-port', 'off', '--ready-file', readyFile, '--log-level', 'warn'], {
    cwd: root,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput(npm);
  const exited = exitOf(npm);
  let below: number[] = [];
  t.teardown(() => {
    for (const pid of [npm.pid!, ...below]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  await eventually(() => readText(readyFile) !== '', `the node to be ready (stderr: ${output.stderr()})`, 60_000, 50);
  const url = (JSON.parse(readText(readyFile)) as { http: string }).http;
  t.equal((await fetch(`${url}/healthz`)).status, 200);
  below = descendants(npm.pid!);
  t.ok(below.length > 0, `npm runs the node below it (pids ${below.join(', ')})`);
  const port = Number(new URL(url).port);

  npm.kill('SIGTERM');
  const exit = await Promise.race([exited, sleep(20_000, undefined, { ref: false }).then(() => ({ code: 'npm still running after 20 s' }))]);
  t.equal(exit.code, 0, "npm start exits 0 after the node's clean stop", { stderr: output.stderr() });
  await eventually(() => below.every((pid) => !alive(pid)), `no process left of ${below.join(', ')}`, 10_000, 50);
  t.ok(await portFree(port), `port ${port} is free again`);
  t.equal(readText(readyFile), '', 'the node removed its ready file: it stopped gracefully');
});
