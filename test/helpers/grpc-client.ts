import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { idnodePackageDefinition } from '../../src/grpc/proto-definition.js';
import type { Json } from './http.js';

type ServiceClientConstructor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options?: object) => Client;

/** What a unary call ended with: the reply, or the status with the catalogue code from the trailers. */
export type UnaryOutcome = { ok: true; value: Json } | { ok: false; status: number; details: string; code: string | undefined; responseCode: string | undefined };

/** gRPC clients for the idnode.v1 services on one channel each, with promise helpers. */
export class IdnodeClients {
  readonly resolver: Client & Record<string, Function>;
  readonly registry: Client & Record<string, Function>;
  readonly metering: Client & Record<string, Function>;
  readonly templates: Client & Record<string, Function>;

  constructor(address: string) {
    const loaded = loadPackageDefinition(idnodePackageDefinition()) as Json;
    const v1 = loaded.idnode.v1;
    const make = (Ctor: ServiceClientConstructor) => new Ctor(address, credentials.createInsecure()) as Client & Record<string, Function>;
    this.resolver = make(v1.Resolver);
    this.registry = make(v1.Registry);
    this.metering = make(v1.Metering);
    this.templates = make(v1.Templates);
  }

  /** Calls a unary method; never rejects (a failed call is an outcome). */
  unary(client: Client & Record<string, Function>, method: string, request: object, metadata: Metadata = new Metadata()): Promise<UnaryOutcome> {
    return new Promise((resolve) => {
      client[method]!.call(client, request, metadata, (error: ServiceError | null, value: Json) => {
        if (error === null) resolve({ ok: true, value });
        else resolve({ ok: false, status: error.code, details: error.details, code: first(error.metadata, 'idnode-error-code'), responseCode: first(error.metadata, 'idnode-response-code') });
      });
    });
  }

  close(): void {
    this.resolver.close();
    this.registry.close();
    this.metering.close();
    this.templates.close();
  }
}

function first(metadata: Metadata | undefined, key: string): string | undefined {
  const value = metadata?.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

/** Metadata carrying Basic credentials exactly as the REST Authorization header (colon percent-encoded by default). */
export function authMetadata(id: string, secret: string, encodeColon = true): Metadata {
  const metadata = new Metadata();
  const user = encodeColon ? id.replace(':', '%3A') : id;
  metadata.set('authorization', 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64'));
  return metadata;
}

/** A REST wire value {index, type, data} as a Value message (string data). */
export function valueMessage(index: number, type: string, data: string): Json {
  return { index, type, data: { format: 'string', value: data } };
}
