import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Principal } from '../core/auth/principal.js';
import type { IdNode } from '../core/node.js';
import type { StoredTemplate } from '../core/templates/templates.js';
import { callLogger } from './call-context.js';
import { principalOfCall } from './call-principal.js';
import type { GrpcContext } from './grpc-context.js';
import { statusOf } from './grpc-errors.js';

interface ItemMessage {
  name: string;
  idType: string;
  idIndex: number;
  required: boolean;
  metadata: { type: string; minLength?: number; maxLength?: number; pattern: string; options: string[] } | null;
}

interface TemplateMessage {
  prefix: string;
  version: string;
  industryCategory: string;
  industrySpecific: string;
  industryTrade: string;
  industrySubclass: string;
  items: ItemMessage[];
  createdAt: string;
  updatedAt: string;
}

type Call<Request, Reply> = (call: ServerUnaryCall<Request, Reply>, callback: sendUnaryData<Reply>) => Promise<void>;

/** idnode.v1.Templates: metadata templates over node.templates (decode → call → encode). */
export function templatesService(node: IdNode, context: GrpcContext): UntypedServiceImplementation {
  const unary =
    <Request, Reply>(method: string, body: (request: Request, caller: () => Promise<Principal>) => Promise<Reply>): Call<Request, Reply> =>
    async (call, callback) => {
      const log = callLogger(context.logger, call.metadata, method);
      try {
        callback(null, await body(call.request, () => principalOfCall(call, node.authenticator, context.policy)));
      } catch (error) {
        callback(statusOf(error, log));
      }
    };
  return {
    Create: unary<TemplateMessage, TemplateMessage>('Create', async (request, caller) => messageOf(await node.templates.create(await caller(), templateOf(request)))),
    Update: unary<TemplateMessage, TemplateMessage>('Update', async (request, caller) => messageOf(await node.templates.update(await caller(), templateOf(request)))),
    Get: unary<{ prefix: string; version: string }, TemplateMessage>('Get', async (request) => messageOf(await node.templates.get(request.prefix, request.version))),
    List: unary<{ prefix: string }, { templates: TemplateMessage[] }>('List', async (request) => ({ templates: (await node.templates.list(request.prefix)).map(messageOf) })),
    Delete: unary<{ prefix: string; version: string }, object>('Delete', async (request, caller) => {
      await node.templates.delete(await caller(), request.prefix, request.version);
      return {};
    }),
  };
}

/** The message as the core's input (the core validates it, as it does JSON from REST and SNMS). */
function templateOf(message: TemplateMessage): unknown {
  return {
    prefix: message.prefix,
    version: message.version,
    industryCategory: message.industryCategory,
    industrySpecific: message.industrySpecific,
    industryTrade: message.industryTrade,
    industrySubclass: message.industrySubclass,
    items: message.items.map((item) => ({
      name: item.name,
      idType: item.idType,
      idIndex: item.idIndex,
      required: item.required,
      metadata: item.metadata === null ? null : {
        type: item.metadata.type,
        ...(item.metadata.minLength === undefined ? {} : { minLength: item.metadata.minLength }),
        ...(item.metadata.maxLength === undefined ? {} : { maxLength: item.metadata.maxLength }),
        ...(item.metadata.pattern === '' ? {} : { pattern: item.metadata.pattern }),
        ...(item.metadata.options.length === 0 ? {} : { options: item.metadata.options }),
      },
    })),
  };
}

function messageOf(template: StoredTemplate): TemplateMessage {
  return {
    prefix: template.prefix,
    version: template.version,
    industryCategory: template.industryCategory,
    industrySpecific: template.industrySpecific ?? '',
    industryTrade: template.industryTrade ?? '',
    industrySubclass: template.industrySubclass ?? '',
    items: template.items.map((item) => ({
      name: item.name,
      idType: item.idType,
      idIndex: item.idIndex,
      required: item.required,
      metadata: { type: item.metadata.type, minLength: item.metadata.minLength, maxLength: item.metadata.maxLength, pattern: item.metadata.pattern ?? '', options: [...(item.metadata.options ?? [])] },
    })),
    createdAt: template.createdAt,
    updatedAt: template.updatedAt,
  };
}
