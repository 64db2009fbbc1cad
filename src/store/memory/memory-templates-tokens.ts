import type { LoginDigest, TemplateRecord, TokenRecord } from '../../core/store/store.js';
import { compareUtf8 } from '../../core/store/utf8-order.js';

/**
 * The metadata templates and login tokens of the in-memory store (TemplateStore, TokenStore). Records are kept
 * frozen, and every Buffer is copied in and out, so no caller can change what is stored through a buffer.
 */
export class MemoryTemplatesTokens {
  readonly #templates = new Map<string, TemplateRecord>();
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #digests = new Map<string, LoginDigest>();

  insertTemplate(template: TemplateRecord): boolean {
    const key = templateKey(template.prefix, template.version);
    if (this.#templates.has(key)) return false;
    this.#templates.set(key, Object.freeze({ ...template }));
    return true;
  }

  replaceTemplate(template: TemplateRecord): boolean {
    const key = templateKey(template.prefix, template.version);
    const existing = this.#templates.get(key);
    if (existing === undefined) return false;
    this.#templates.set(key, Object.freeze({ ...template, createdAtMs: existing.createdAtMs }));
    return true;
  }

  getTemplate(prefix: string, version: string): TemplateRecord | undefined {
    return this.#templates.get(templateKey(prefix, version));
  }

  listTemplates(prefix: string): TemplateRecord[] {
    return [...this.#templates.values()].filter((template) => template.prefix === prefix).sort((a, b) => compareUtf8(a.version, b.version));
  }

  deleteTemplate(prefix: string, version: string): boolean {
    return this.#templates.delete(templateKey(prefix, version));
  }

  insertToken(token: TokenRecord, nowMs: number): void {
    for (const [key, kept] of this.#tokens) if (kept.expiresAtMs <= nowMs) this.#tokens.delete(key);
    const key = token.hash.toString('hex');
    if (!this.#tokens.has(key)) this.#tokens.set(key, Object.freeze({ ...token, hash: Buffer.from(token.hash), stamp: Buffer.from(token.stamp) }));
  }

  getToken(hash: Buffer): TokenRecord | undefined {
    const token = this.#tokens.get(hash.toString('hex'));
    return token === undefined ? undefined : Object.freeze({ ...token, hash: Buffer.from(token.hash), stamp: Buffer.from(token.stamp) });
  }

  setLoginDigest(principalId: string, digest: LoginDigest): void {
    this.#digests.set(principalId, Object.freeze({ stamp: Buffer.from(digest.stamp), digest: Buffer.from(digest.digest) }));
  }

  getLoginDigest(principalId: string): LoginDigest | undefined {
    const digest = this.#digests.get(principalId);
    return digest === undefined ? undefined : Object.freeze({ stamp: Buffer.from(digest.stamp), digest: Buffer.from(digest.digest) });
  }
}

/** Prefixes hold no "/" and versions no NUL, so the pair is one unambiguous key. */
function templateKey(prefix: string, version: string): string {
  return `${prefix}\u0000${version}`;
}
