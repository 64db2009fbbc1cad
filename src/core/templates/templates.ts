import { assertCanWrite } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock/clock.js';
import { IdnodeError } from '../errors/catalogue.js';
import type { HomedPrefixes } from '../homing/homed-prefixes.js';
import { normalisePrefix, parseIdentifier } from '../identifier/identifier.js';
import type { TemplateRecord, TemplateStore } from '../store/store.js';
import { checkVersion, parseTemplate, type MetadataTemplate } from './template.js';

/** A template as answered: the definition with its times. */
export interface StoredTemplate extends MetadataTemplate {
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * The metadata templates of enterprise prefixes (docs/design.md §1), for every front end (REST, SNMS, gRPC, CLI).
 * Reading is public (a template describes data, it holds none); creating, changing and deleting take the right
 * to write identifiers under the prefix (assertCanWrite: the operator, the enterprise holding it, an identity
 * granted write). Versions are separate records: a new version never touches identifiers registered under an
 * older one, and stored identifiers are never re-validated (an identifier is checked when it is written, against
 * the version it names then).
 */
export class Templates {
  constructor(
    private readonly store: TemplateStore,
    private readonly homing: Pick<HomedPrefixes, 'homeOf'>,
    private readonly clock: Clock,
  ) {}

  /** Throws TEMPLATE_INVALID, NOT_HOMED, AUTHENTICATION_REQUIRED / PERMISSION_DENIED, TEMPLATE_ALREADY_EXISTS. */
  async create(principal: Principal, input: unknown): Promise<StoredTemplate> {
    const template = this.authorised(principal, input);
    const nowMs = this.clock.now();
    const record: TemplateRecord = { prefix: template.prefix, version: template.version, definition: JSON.stringify(template), createdAtMs: nowMs, updatedAtMs: nowMs };
    if (!(await this.store.insertTemplate(record))) {
      throw new IdnodeError('TEMPLATE_ALREADY_EXISTS', `prefix ${template.prefix} already has template version ${template.version}; change it with an update or name a new version`);
    }
    return storedTemplate(record);
  }

  /** Replaces a version's definition. Throws like create, and TEMPLATE_NOT_FOUND. */
  async update(principal: Principal, input: unknown): Promise<StoredTemplate> {
    const template = this.authorised(principal, input);
    const nowMs = this.clock.now();
    const record: TemplateRecord = { prefix: template.prefix, version: template.version, definition: JSON.stringify(template), createdAtMs: nowMs, updatedAtMs: nowMs };
    if (!(await this.store.replaceTemplate(record))) throw notFound(template.prefix, template.version);
    return storedTemplate((await this.store.getTemplate(template.prefix, template.version)) ?? record);
  }

  /** Throws PREFIX_*, TEMPLATE_INVALID (version), TEMPLATE_NOT_FOUND. */
  async get(prefixInput: string, versionInput: unknown): Promise<StoredTemplate> {
    const prefix = normalisePrefix(prefixInput);
    const version = checkVersion(versionInput);
    const record = await this.store.getTemplate(prefix, version);
    if (record === undefined) throw notFound(prefix, version);
    return storedTemplate(record);
  }

  /** The versions of a prefix, in byte order of the version. Throws PREFIX_*. */
  async list(prefixInput: string): Promise<StoredTemplate[]> {
    return (await this.store.listTemplates(normalisePrefix(prefixInput))).map(storedTemplate);
  }

  /** Throws PREFIX_*, TEMPLATE_INVALID (version), NOT_HOMED, AUTHENTICATION_REQUIRED / PERMISSION_DENIED, TEMPLATE_NOT_FOUND. */
  async delete(principal: Principal, prefixInput: string, versionInput: unknown): Promise<void> {
    const prefix = normalisePrefix(prefixInput);
    const version = checkVersion(versionInput);
    this.assertMayManage(principal, prefix, version);
    if (!(await this.store.deleteTemplate(prefix, version))) throw notFound(prefix, version);
  }

  /**
   * The template a write of `handle` names by `version` (docs/design.md §1: the identifier's own prefix's
   * template of that version), for Registry's PutRequest.template. undefined when no version is named (null,
   * "" or absent), or when `handle` does not parse (the write then fails on the identifier, as any write).
   * `seen` caches lookups across the items of one batch. Throws TEMPLATE_INVALID (version), TEMPLATE_NOT_FOUND.
   */
  async forWrite(handle: unknown, version: unknown, seen?: Map<string, Promise<MetadataTemplate>>): Promise<MetadataTemplate | undefined> {
    if (version === undefined || version === null || version === '') return undefined;
    let prefix: string;
    try {
      prefix = parseIdentifier(handle as string).prefix;
    } catch {
      return undefined;
    }
    const checked = checkVersion(version);
    const key = `${prefix}\u0000${checked}`;
    let found = seen?.get(key);
    if (found === undefined) {
      found = this.get(prefix, checked);
      seen?.set(key, found);
    }
    return found;
  }

  private authorised(principal: Principal, input: unknown): MetadataTemplate {
    const template = parseTemplate(input);
    this.assertMayManage(principal, template.prefix, template.version);
    return template;
  }

  private assertMayManage(principal: Principal, prefix: string, version: string): void {
    if (this.homing.homeOf(prefix) === undefined) throw new IdnodeError('NOT_HOMED', `prefix ${prefix} is not homed on this node`);
    try {
      assertCanWrite(principal, prefix, `template ${prefix} ${version}`);
    } catch (error) {
      // The refusal concerns no identifier: it names the template in its message only.
      const refusal = error as IdnodeError;
      throw new IdnodeError(refusal.code, refusal.message);
    }
  }
}

function notFound(prefix: string, version: string): IdnodeError {
  return new IdnodeError('TEMPLATE_NOT_FOUND', `prefix ${prefix} has no template version ${version}`);
}

function storedTemplate(record: TemplateRecord): StoredTemplate {
  return { ...(JSON.parse(record.definition) as MetadataTemplate), createdAt: new Date(record.createdAtMs).toISOString(), updatedAt: new Date(record.updatedAtMs).toISOString() };
}
