import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { credentials, loadPackageDefinition, type Client } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import t from 'tap';
import { eventually } from '../helpers/eventually.js';
import { startBothNode } from '../helpers/grpc-node.js';
import type { Json } from '../helpers/http.js';

const require = createRequire(import.meta.url);
const REFLECTION_PROTO = join(dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto/grpc/reflection/v1/reflection.proto');
const HEALTH_PROTO = join(dirname(require.resolve('grpc-health-check/package.json')), 'proto/health/v1/health.proto');

/** A client for a service of a standard proto, as a generic tool (grpcurl, grpc_health_probe) would build it. */
function standardClient(file: string, service: string, address: string): Client & Record<string, Function> {
  const loaded = loadPackageDefinition(protoLoader.loadSync(file, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true })) as Json;
  const Ctor = service.split('.').reduce((scope: Json, part) => scope[part], loaded);
  return new Ctor(address, credentials.createInsecure());
}

function check(client: Client & Record<string, Function>, service: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client['Check']!.call(client, { service }, (error: Error | null, reply: { status: string }) => (error ? reject(error) : resolve(reply.status)));
  });
}

function reflect(client: Client & Record<string, Function>, request: object): Promise<Json> {
  return new Promise((resolve, reject) => {
    const call = client['ServerReflectionInfo']!.call(client);
    call.on('data', (reply: Json) => {
      resolve(reply);
      call.end();
    });
    call.on('error', reject);
    call.write(request);
  });
}

t.test('standard health checking: every service SERVING, NOT_SERVING once closing', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  let closed = false;
  t.teardown(() => (closed ? undefined : both.close()));
  const health = standardClient(HEALTH_PROTO, 'grpc.health.v1.Health', both.grpcAddress);
  t.teardown(() => health.close());
  for (const service of ['', 'idnode.v1.Resolver', 'idnode.v1.Registry', 'idnode.v1.Metering', 'idnode.v1.Templates']) t.equal(await check(health, service), 'SERVING', service || '(server)');
  await t.rejects(check(health, 'idnode.v1.Nothing'), { code: 5 });

  const watch = health['Watch']!.call(health, { service: '' });
  const statuses: string[] = [];
  watch.on('data', (reply: { status: string }) => statuses.push(reply.status));
  watch.on('error', () => {});
  await eventually(() => statuses.length > 0, 'the first health status');
  await both.close();
  closed = true;
  t.same(statuses, ['SERVING', 'NOT_SERVING'], 'a watcher hears the server go down');
});

t.test('server reflection lists the services and serves their descriptors', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const reflection = standardClient(REFLECTION_PROTO, 'grpc.reflection.v1.ServerReflection', both.grpcAddress);
  t.teardown(() => reflection.close());

  const listed = await reflect(reflection, { list_services: '' });
  const names = listed.list_services_response.service.map((service: { name: string }) => service.name);
  for (const name of ['idnode.v1.Resolver', 'idnode.v1.Registry', 'idnode.v1.Metering', 'idnode.v1.Templates', 'grpc.health.v1.Health']) t.ok(names.includes(name), `${name} is listed`);

  const files = await reflect(reflection, { file_containing_symbol: 'idnode.v1.Registry' });
  const protos = files.file_descriptor_response.file_descriptor_proto.map((bytes: Buffer) => (descriptor as Json).FileDescriptorProto.decode(bytes));
  // The reflection service serves one synthesised file per package.
  const v1 = protos.find((file: Json) => file.package === 'idnode.v1');
  t.ok(v1, 'the file declaring the service');
  const registry = v1.service.find((service: Json) => service.name === 'Registry');
  t.same(registry.method.map((method: Json) => method.name), ['Create', 'Update', 'Delete', 'RegisterBatch', 'BulkRegister']);
  const bulk = registry.method.find((method: Json) => method.name === 'BulkRegister');
  t.equal(bulk.clientStreaming, true);
  t.ok(v1.messageType.some((message: Json) => message.name === 'Value'), 'with the messages it uses');
  // Enough to build a working client from reflection alone, as grpcurl does.
  const root = (protobuf.Root as Json).fromDescriptor({ file: protos });
  t.ok(root.lookupService('idnode.v1.Registry'));
});
