// The compose file and the Kubernetes manifests of deploy/ parse, validate against their published JSON schemas
// (the Compose Specification's schema as dclint ships it; the Kubernetes API schemas as kubernetes-models
// compiles them; both npm packages, nothing fetched at run time), and hang together: probes, selectors, the
// objects they name, the hardening the issue asks for.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Ajv } from 'ajv';
import { REPO_ROOT } from '../helpers/child-node.js';
import { deployFiles, kubernetesObjects, workloads, yamlDocuments, type KubernetesObject } from './deploy-files.js';

const composeSchema = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'dclint', 'schemas', 'compose.schema.json'), 'utf8')) as object;

/** Throws the schema's complaint when `object` is not a valid Kubernetes object of its apiVersion and kind. */
async function validateKubernetes(object: KubernetesObject): Promise<void> {
  const module = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[object.kind];
  if (Model === undefined) throw new Error(`kubernetes-models has no ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

function composeValidator() {
  // The schema names its dialect as "https://json-schema.org/draft-07/schema", a spelling Ajv does not know
  // (it knows "http://…/schema#"); draft-07 is Ajv's own dialect, so the name is dropped. strict: false because
  // the schema uses annotation keywords Ajv's strict mode refuses ("deprecated").
  const { $schema: _dialect, ...schema } = composeSchema as { $schema?: string };
  return new Ajv({ strict: false, allErrors: true }).compile(schema);
}

t.test('deploy/compose.yaml is one valid Compose document', async (t) => {
  const documents = yamlDocuments('compose.yaml');
  t.equal(documents.length, 1);
  const validate = composeValidator();
  t.ok(validate(documents[0]), `valid against the Compose Specification schema: ${JSON.stringify(validate.errors)}`);
  // The validator has teeth: a misspelt service key is refused.
  const broken = structuredClone(documents[0]) as { services: Record<string, Record<string, unknown>> };
  broken.services['postgres']!['healthcheck'] = { test: ['CMD', 'pg_isready'], intreval: '5s' };
  t.notOk(validate(broken), 'a misspelt key fails the schema');
});

t.test('the compose topology: PostgreSQL, two replicas on it, a balancer in front of both, a top-level node beside them', async (t) => {
  const compose = yamlDocuments('compose.yaml')[0] as { services: Record<string, Record<string, unknown>> };
  t.same(Object.keys(compose.services).sort(), ['balancer', 'idnode-1', 'idnode-2', 'postgres', 'top']);
  t.same(compose.services['top']!['command'], ['top'], 'the top-level node is idnode top, from the same image');
  for (const name of ['idnode-1', 'idnode-2']) {
    const service = compose.services[name]!;
    const environment = service['environment'] as Record<string, string>;
    t.equal(environment['IDNODE_STORE'], 'postgres', `${name} is on PostgreSQL`);
    t.match(environment['IDNODE_DATABASE_URL'], /@postgres:5432\//, `${name} uses the compose PostgreSQL service`);
    t.same(service['depends_on'], { postgres: { condition: 'service_healthy' } });
    t.equal(service['read_only'], true);
  }
  const nginx = readFileSync(join(REPO_ROOT, 'deploy', 'nginx.conf'), 'utf8');
  for (const replica of ['idnode-1', 'idnode-2']) t.match(nginx, new RegExp(`server ${replica}:8000 `), `the balancer sends REST to ${replica}`);
  t.match(compose.services['balancer']!['volumes'], ['./nginx.conf:/etc/nginx/nginx.conf:ro']);
});

t.test('every Kubernetes manifest validates against the Kubernetes API schema', async (t) => {
  const objects = kubernetesObjects();
  t.same(
    objects.map(({ object }) => `${object.apiVersion} ${object.kind}`).sort(),
    ['apps/v1 Deployment', 'apps/v1 StatefulSet', 'autoscaling/v2 HorizontalPodAutoscaler', 'policy/v1 PodDisruptionBudget', 'v1 ConfigMap', 'v1 Secret', 'v1 Service', 'v1 Service'],
    'the objects the issue names, and the StatefulSet headless Service',
  );
  for (const { file, object } of objects) {
    await t.resolves(validateKubernetes(object), `${file}: ${object.kind} ${object.metadata.name}`);
  }
  // The validator has teeth: a port that is not a number is refused.
  const deployment = structuredClone(objects.find(({ object }) => object.kind === 'Deployment')!.object) as KubernetesObject & { spec: { template: { spec: { containers: { ports: unknown[] }[] } } } };
  deployment.spec.template.spec.containers[0]!.ports[0] = { name: 'http', containerPort: 'eight thousand' };
  await t.rejects(validateKubernetes(deployment), 'a malformed Deployment fails the schema');
});

t.test('workloads: probes, resources, non-root, read-only root file system', async (t) => {
  const byKind = new Map(workloads().map((workload) => [workload.kind, workload]));
  t.same([...byKind.keys()].sort(), ['Deployment', 'StatefulSet']);
  for (const workload of byKind.values()) {
    const pod = workload.spec.template;
    t.match(pod.metadata.labels, workload.spec.selector.matchLabels, `${workload.kind}: the selector selects its own pods`);
    t.equal(pod.spec.securityContext?.runAsNonRoot, true, `${workload.kind}: runAsNonRoot`);
    const [container] = pod.spec.containers;
    t.equal(container?.readinessProbe?.httpGet?.path, '/readyz', `${workload.kind}: readiness on /readyz`);
    t.equal(container?.livenessProbe?.httpGet?.path, '/healthz', `${workload.kind}: liveness on /healthz`);
    t.ok(container?.resources?.requests?.['cpu'] && container.resources.requests['memory'] && container.resources.limits?.['memory'], `${workload.kind}: requests and a memory limit`);
    t.equal(container?.securityContext?.readOnlyRootFilesystem, true, `${workload.kind}: read-only root file system`);
    t.equal(container?.securityContext?.allowPrivilegeEscalation, false, `${workload.kind}: no privilege escalation`);
  }
  const statefulSet = byKind.get('StatefulSet')!;
  t.equal(statefulSet.spec.replicas, 1, 'one pod per SQLite data directory');
  t.equal(statefulSet.spec.volumeClaimTemplates?.length, 1, 'the data directory is a volume claim');
  t.match(statefulSet.spec.template.spec.containers[0]?.args, ['serve', '--store', 'sqlite']);
  t.match(byKind.get('Deployment')!.spec.template.spec.containers[0]?.args, ['serve', '--store', 'postgres']);
});

t.test('the objects the manifests name exist, and select the right pods', async (t) => {
  const objects = kubernetesObjects().map(({ object }) => object);
  const named = (kind: string) => new Set(objects.filter((object) => object.kind === kind).map((object) => object.metadata.name));
  const deployment = workloads().find((workload) => workload.kind === 'Deployment')!;
  for (const workload of workloads()) {
    for (const source of workload.spec.template.spec.containers[0]?.envFrom ?? []) {
      if (source.configMapRef) t.ok(named('ConfigMap').has(source.configMapRef.name), `${workload.kind} reads ConfigMap ${source.configMapRef.name}`);
      if (source.secretRef) t.ok(named('Secret').has(source.secretRef.name), `${workload.kind} reads Secret ${source.secretRef.name}`);
    }
  }
  const spec = (kind: string, name = 'idnode') => objects.find((object) => object.kind === kind && object.metadata.name === name)!['spec'] as Record<string, any>;
  t.same(spec('HorizontalPodAutoscaler')['scaleTargetRef'], { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
  t.same(spec('PodDisruptionBudget')['selector'].matchLabels, deployment.spec.selector.matchLabels);
  t.same(spec('Service')['selector'], deployment.spec.template.metadata.labels);
  const containerPorts = new Set(deployment.spec.template.spec.containers[0]!.ports!.map((port) => port.name));
  for (const port of spec('Service')['ports'] as { targetPort: string }[]) t.ok(containerPorts.has(port.targetPort), `the Service's ${port.targetPort} is a container port`);
});

t.test('deploy/ holds what the README table describes', async (t) => {
  t.same(deployFiles(), [
    'Dockerfile',
    'compose.yaml',
    'container-check.sh',
    'healthcheck.mjs',
    'kubernetes/configmap.yaml',
    'kubernetes/deployment.yaml',
    'kubernetes/hpa.yaml',
    'kubernetes/pdb.yaml',
    'kubernetes/secret.yaml',
    'kubernetes/service.yaml',
    'kubernetes/statefulset-sqlite.yaml',
    'local-cluster.sh',
    'nginx.conf',
    'systemd/idnode.service',
  ]);
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  for (const file of deployFiles()) t.ok(readme.includes(`\`deploy/${file}\``), `README names deploy/${file}`);
  // Every file says what it is for in its first lines (a comment).
  for (const file of deployFiles()) {
    const head = readFileSync(join(REPO_ROOT, 'deploy', file), 'utf8').split('\n').slice(0, 3).join('\n');
    t.match(head, /^(#!.*\n)?(#|\/\/) \S/, `deploy/${file} starts with a comment saying what it is for`);
  }
});
