// Every command, flag, environment variable, port and probe path that deploy/ names exists in the real CLI and
// server: commands and flags are looked up in the commander program itself (buildProgram), variables and ports
// in the settings table (SETTINGS), probe paths are asked of a real REST server, and the settings deploy/ sets
// are validated by the real loader (loadConfig), as the node would at start.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import t from 'tap';
import { loadConfig } from '../../src/config/load-config.js';
import { CONFIG_FILE_ENV, SETTINGS, type SettingKey } from '../../src/config/settings.js';
import { buildProgram } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { startRestNode } from '../helpers/rest-node.js';
import { scratchDir } from '../helpers/scratch-dir.js';
import { deployFiles, kubernetesObjects, readDeployFile, workloads, yamlDocuments } from './deploy-files.js';

const quietIo: CliIo = { env: {}, cwd: tmpdir(), stdout: () => {}, stderr: () => {}, exit: () => {} };
const program = buildProgram(quietIo);

/** An idnode command line named in deploy/: the words after the CLI's entry point. */
interface Invocation {
  readonly where: string;
  readonly words: readonly string[];
}

/**
 * The idnode command lines in deploy/: in text (comments, the unit's ExecStart, the scripts), every
 * `…dist/cli/main.js` or local-cluster.sh's `"${cmd[@]}"` followed by words, up to a shell operator or the
 * end of the (backslash-continued) line; the Dockerfile's CMD; the Kubernetes containers' args.
 */
function invocations(): Invocation[] {
  const found: Invocation[] = [];
  for (const file of deployFiles()) {
    const text = readDeployFile(file).replace(/\\\n/g, ' ');
    for (const match of text.matchAll(/(?:dist\/cli\/main\.js|"\$\{cmd\[@\]\}")((?:[ \t]+[^\s#;|&<>'"`][^\s#;|&<>`]*|[ \t]+"[^"\n]*")*)/g)) {
      const words = match[1]!.trim().split(/\s+/).filter((word) => word !== '').map((word) => word.replace(/^"(.*)"$/, '$1'));
      if (words.length > 0) found.push({ where: `${file}: …${match[0].slice(0, 60)}`, words });
    }
  }
  const dockerfile = readDeployFile('Dockerfile');
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
  if (cmd !== null) found.push({ where: 'Dockerfile CMD', words: JSON.parse(cmd[1]!) as string[] });
  for (const workload of workloads()) {
    for (const container of workload.spec.template.spec.containers) {
      if (container.args !== undefined) found.push({ where: `${workload.kind} ${workload.metadata.name} args`, words: container.args });
    }
  }
  return found;
}

/** The (sub)command the leading words name, and the words after them; undefined when they name none. */
function commandOf(words: readonly string[]): { command: Command; rest: readonly string[] } | undefined {
  let command: Command = program;
  let index = 0;
  while (index < words.length) {
    const child = command.commands.find((candidate) => candidate.name() === words[index]);
    if (child === undefined) break;
    command = child;
    index += 1;
  }
  // A command with subcommands (enterprise, ledger, …) is not runnable by itself.
  if (command === program || command.commands.length > 0) return undefined;
  return { command, rest: words.slice(index) };
}

const KNOWN_ENV = new Set([CONFIG_FILE_ENV, ...SETTINGS.map((setting) => setting.env)]);
const defaultOf = (key: SettingKey) => SETTINGS.find((setting) => setting.key === key)!.defaultValue;
const DEFAULT_PORTS = { http: defaultOf('httpPort'), grpc: defaultOf('grpcPort'), hdl: defaultOf('hdlPort') } as Record<'http' | 'grpc' | 'hdl', number>;

t.test('every idnode command line in deploy/ runs a real command with real flags', async (t) => {
  const found = invocations();
  // The extractor finds what is there (so an empty result cannot pass): the image, both workloads, the unit, the
  // local cluster's replicas, and the admin commands the comments show.
  t.ok(found.length >= 7, `found ${found.length} command lines`);
  t.ok(found.some((invocation) => invocation.where.startsWith('systemd/idnode.service') && invocation.words[0] === 'serve'), 'the unit’s ExecStart');
  t.ok(found.some((invocation) => invocation.where.startsWith('local-cluster.sh') && invocation.words[0] === 'serve'), 'the local cluster’s replicas');
  for (const invocation of found) {
    const resolved = commandOf(invocation.words);
    if (resolved === undefined) {
      t.fail(`${invocation.where}: "${invocation.words.join(' ')}" names no idnode command`);
      continue;
    }
    const longs = new Set(['--help', ...resolved.command.options.map((option) => option.long)]);
    for (const word of resolved.rest.filter((word) => word.startsWith('--'))) {
      t.ok(longs.has(word.split('=')[0]!), `${invocation.where}: ${resolved.command.name()} takes ${word}`);
    }
  }
});

t.test('the serve command lines with literal values pass the real configuration loader', async (t) => {
  // systemd fills ${STATE_DIRECTORY} with the directory StateDirectory= creates.
  const literal = invocations()
    .filter((invocation) => invocation.words[0] === 'serve')
    .map((invocation) => ({ ...invocation, words: invocation.words.map((word) => word.replace('${STATE_DIRECTORY}', '/var/lib/idnode')) }))
    .filter((invocation) => !invocation.words.some((word) => word.includes('$')));
  t.ok(literal.length >= 3, 'the Dockerfile CMD, both workloads and the unit');
  for (const invocation of literal) {
    const serve = program.commands.find((command) => command.name() === 'serve')!;
    const parsed = serve.parseOptions(invocation.words.slice(1));
    t.same(parsed.unknown, [], `${invocation.where}: no unknown option`);
    // --store postgres needs a URL, as the manifests' Secret gives it.
    const env = invocation.words.includes('postgres') ? { IDNODE_DATABASE_URL: 'postgres://idnode@db:5432/idnode' } : {};
    t.doesNotThrow(() => loadConfig({ flags: serve.opts(), env, cwd: tmpdir() }), `${invocation.where}: valid settings`);
    for (const option of serve.options) serve.setOptionValue(option.attributeName(), undefined);
  }
});

t.test('every IDNODE_* variable deploy/ names is a setting', async (t) => {
  let count = 0;
  for (const file of deployFiles()) {
    for (const [name] of readDeployFile(file).matchAll(/\bIDNODE_[A-Z0-9_]+\b/g)) {
      count += 1;
      t.ok(KNOWN_ENV.has(name), `${file}: ${name}`);
    }
  }
  t.ok(count >= 10, `${count} mentions checked`);
});

t.test('the environments deploy/ gives the node pass the real configuration loader', async (t) => {
  // The image: every front end on all interfaces, the store on the volume.
  const dockerfile = readDeployFile('Dockerfile').replace(/\\\n/g, ' ');
  const imageEnv = Object.fromEntries([.../^ENV (.*)$/m.exec(dockerfile)![1]!.matchAll(/(\w+)=(\S+)/g)].map((match) => [match[1]!, match[2]!]));
  const image = loadConfig({ env: imageEnv, cwd: tmpdir() });
  t.equal(image.host, '0.0.0.0', 'the image listens on every interface');
  t.equal(image.dataDir, '/var/lib/idnode');
  t.match(dockerfile, /^VOLUME \["\/var\/lib\/idnode"\]$/m, 'the data directory is the volume');

  // Kubernetes: the ConfigMap and the Secret, with the TLS files (a Secret mounted at run time) made here.
  const data = Object.assign({}, ...kubernetesObjects().map(({ object }) => (object['data'] ?? object['stringData'] ?? {}) as Record<string, string>)) as Record<string, string>;
  const dir = scratchDir(t, 'idnode-deploy-');
  for (const name of ['IDNODE_TLS_CERT', 'IDNODE_TLS_KEY']) {
    writeFileSync(join(dir, name), 'placeholder');
    data[name] = join(dir, name);
  }
  const kubernetes = loadConfig({ env: data, flags: { store: 'postgres' }, cwd: tmpdir() });
  t.equal(kubernetes.host, '0.0.0.0');
  t.ok(kubernetes.tls, 'the pods serve HTTPS (probes use scheme HTTPS)');

  // Compose: the replicas' environment, with its ${VAR:-default} and ${VAR:?message} filled in.
  const compose = yamlDocuments('compose.yaml')[0] as { services: Record<string, { environment?: Record<string, string> }> };
  const interpolate = (value: string) => value.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_all, name: string, fallback?: string) => fallback ?? `${name.toLowerCase()}-value`);
  for (const name of ['idnode-1', 'idnode-2']) {
    const env = Object.fromEntries(Object.entries(compose.services[name]!.environment!).map(([key, value]) => [key, interpolate(String(value))]));
    const config = loadConfig({ env, cwd: tmpdir() });
    t.equal(config.store, 'postgres', `${name}: on PostgreSQL`);
  }
});

t.test('every port deploy/ names for the node is one of its front ends’ ports', async (t) => {
  const defaults = new Set(Object.values(DEFAULT_PORTS));
  const dockerfile = readDeployFile('Dockerfile');
  const exposed = [...(/^EXPOSE (.*)$/m.exec(dockerfile)![1]!.matchAll(/(\d+)\/(tcp|udp)/g))].map((match) => Number(match[1]));
  t.same(new Set(exposed), defaults, 'the image exposes REST, gRPC and the Handle protocol');
  t.match(readDeployFile('Dockerfile'), /EXPOSE .*2641\/udp/, 'the Handle protocol on UDP too');

  const compose = yamlDocuments('compose.yaml')[0] as { services: Record<string, { expose?: string[]; ports?: string[] }> };
  t.same(new Set(compose.services['idnode-1']!.expose!.map((port) => Number(port.split('/')[0]))), defaults, 'the replicas expose the default ports');

  // nginx: each upstream sends to the right front end's port; it listens on what compose publishes.
  const nginx = readDeployFile('nginx.conf');
  const upstreamPort: Record<string, number> = { idnode_rest: DEFAULT_PORTS.http, idnode_grpc: DEFAULT_PORTS.grpc, idnode_hdl_tcp: DEFAULT_PORTS.hdl, idnode_hdl_udp: DEFAULT_PORTS.hdl };
  const upstreams = [...nginx.matchAll(/upstream (\w+) \{([^}]*)\}/g)];
  t.same(upstreams.map((match) => match[1]).sort(), Object.keys(upstreamPort).sort());
  for (const [, name, body] of upstreams) {
    for (const [, port] of body!.matchAll(/server idnode-\d+:(\d+)/g)) t.equal(Number(port), upstreamPort[name!], `nginx ${name} → port ${port}`);
  }
  const listens = new Set([...nginx.matchAll(/^\s*listen (\d+)( udp)?;/gm)].map((match) => `${match[1]}/${match[2] ? 'udp' : 'tcp'}`));
  const published = new Set(compose.services['balancer']!.ports!.map((port) => `${port.split(':')[1]!.split('/')[0]}/${port.split('/')[1] ?? 'tcp'}`));
  t.same(published, listens, 'compose publishes exactly what nginx listens on');

  // Kubernetes: each named container port is the port its front end is configured with.
  const configMap = kubernetesObjects().find(({ object }) => object.kind === 'ConfigMap')!.object['data'] as Record<string, string>;
  const configured = { http: Number(configMap['IDNODE_HTTP_PORT'] ?? DEFAULT_PORTS.http), grpc: Number(configMap['IDNODE_GRPC_PORT'] ?? DEFAULT_PORTS.grpc), hdl: Number(configMap['IDNODE_HDL_PORT'] ?? DEFAULT_PORTS.hdl), health: Number(configMap['IDNODE_HEALTH_PORT']) };
  const frontEndOf: Record<string, 'http' | 'grpc' | 'hdl' | 'health'> = { http: 'http', grpc: 'grpc', 'hdl-tcp': 'hdl', 'hdl-udp': 'hdl', health: 'health' };
  for (const workload of workloads()) {
    for (const port of workload.spec.template.spec.containers[0]!.ports!) {
      t.equal(port.containerPort, configured[frontEndOf[port.name]!], `${workload.kind} port ${port.name}`);
    }
  }
  // The image's health check asks the default REST port unless IDNODE_HTTP_PORT says otherwise.
  t.match(readDeployFile('healthcheck.mjs'), new RegExp(`IDNODE_HTTP_PORT \\?\\? '${DEFAULT_PORTS.http}'`));
});

t.test('every probe path deploy/ names answers 200 on a real node', async (t) => {
  const paths = new Set<string>();
  for (const workload of workloads()) {
    const container = workload.spec.template.spec.containers[0]!;
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) if (probe?.httpGet) paths.add(probe.httpGet.path);
  }
  for (const [, path] of readDeployFile('healthcheck.mjs').matchAll(/path: '([^']+)'/g)) paths.add(path!);
  t.same([...paths].sort(), ['/healthz', '/readyz']);
  const node = await startRestNode({ dir: scratchDir(t, 'idnode-probes-') });
  t.teardown(() => node.close());
  for (const path of paths) {
    const response = await fetch(node.url + path);
    t.equal(response.status, 200, `GET ${path}`);
  }
});
