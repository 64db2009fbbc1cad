import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';

/** The proto/ directory at the repository root (the same relative path from src/grpc and from dist/grpc). */
export const PROTO_ROOT = fileURLToPath(new URL('../../proto/', import.meta.url));

/** The files of package idnode.v1, relative to PROTO_ROOT. */
export const PROTO_FILES = ['idnode/v1/values.proto', 'idnode/v1/resolver.proto', 'idnode/v1/registry.proto', 'idnode/v1/metering.proto', 'idnode/v1/templates.proto'];

/**
 * How messages look in JavaScript, for the server and for clients alike: camelCase fields, enums as their
 * names, 64-bit integers as numbers (counts stay far below 2^53), defaults filled in, and for each oneof a
 * property naming the member set (proto3 `optional` fields are absent when unset).
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

let loaded: protoLoader.PackageDefinition | undefined;

/** The idnode.v1 package definition, loaded once. Throws if proto/ is missing or does not compile. */
export function idnodePackageDefinition(): protoLoader.PackageDefinition {
  loaded ??= protoLoader.loadSync(PROTO_FILES, LOADER_OPTIONS);
  return loaded;
}
