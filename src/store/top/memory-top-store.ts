import type { TopNodeRecord, TopPrefixRecord, TopRefusalRecord, TopReportRecord, TopStore } from '../../core/top/top-store.js';
import { storeClosed } from '../store-error.js';
import { compareUtf8 } from '../../core/store/utf8-order.js';

/** The top-level node's store in this process only (tests, simulations); nothing outlives it. */
export function openMemoryTopStore(): TopStore {
  const nodes = new Map<string, TopNodeRecord>();
  const prefixes = new Map<string, TopPrefixRecord>();
  const reports: TopReportRecord[] = [];
  const refusals: TopRefusalRecord[] = [];
  let closed = false;
  // Every call checks first, so a closed store rejects like the durable one; records are copied in and out.
  const open = () => {
    if (closed) throw storeClosed('the in-memory top-level store');
  };
  return {
    async insertNode(node) {
      open();
      if (nodes.has(node.id)) return false;
      nodes.set(node.id, copyNode(node));
      return true;
    },
    async getNode(id) {
      open();
      const node = nodes.get(id);
      return node === undefined ? undefined : copyNode(node);
    },
    async listNodes() {
      open();
      return [...nodes.values()].sort((a, b) => a.createdAtMs - b.createdAtMs || compareUtf8(a.id, b.id)).map(copyNode);
    },
    async revokeNode(id, revokedAtMs) {
      open();
      const node = nodes.get(id);
      if (node === undefined || node.revokedAtMs !== undefined) return false;
      nodes.set(id, { ...node, revokedAtMs });
      return true;
    },
    async registerNodeKey(id, key, atMs) {
      open();
      const node = nodes.get(id);
      if (node === undefined) return undefined;
      if (node.keyId === undefined) nodes.set(id, { ...node, publicKeyPem: key.publicKeyPem, keyId: key.keyId, firstConnectedAtMs: atMs });
      return copyNode(nodes.get(id)!);
    },
    async claimPrefix(record) {
      open();
      const held = prefixes.get(record.prefix);
      if (held === undefined) prefixes.set(record.prefix, copy(record));
      else if (held.nodeId === record.nodeId) prefixes.set(record.prefix, { ...held, siteBase64: record.siteBase64, updatedAtMs: record.updatedAtMs });
      return copy(prefixes.get(record.prefix)!);
    },
    async getPrefix(prefix) {
      open();
      const record = prefixes.get(prefix);
      return record === undefined ? undefined : copy(record);
    },
    async listPrefixes() {
      open();
      return [...prefixes.values()].sort((a, b) => compareUtf8(a.prefix, b.prefix)).map(copy);
    },
    async appendReport(report) {
      open();
      if (reports.some((held) => held.nodeId === report.nodeId && (held.seq === report.seq || held.day === report.day))) return false;
      reports.push(copy(report));
      return true;
    },
    async listReports(nodeId) {
      open();
      return reports.filter((report) => report.nodeId === nodeId).sort((a, b) => a.seq - b.seq).map(copy);
    },
    async addRefusal(refusal) {
      open();
      refusals.push(copy(refusal));
    },
    async listRefusals(nodeId) {
      open();
      return refusals.filter((refusal) => refusal.nodeId === nodeId).map(copy);
    },
    async close() {
      closed = true;
    },
  };
}

/** Flat records are copied by spreading; a node's prefix list and secret bytes are copied too. */
function copy<T extends object>(value: T): T {
  return { ...value };
}

function copyNode(node: TopNodeRecord): TopNodeRecord {
  return { ...node, prefixes: [...node.prefixes], secret: { hash: Buffer.from(node.secret.hash), salt: Buffer.from(node.secret.salt) } };
}
