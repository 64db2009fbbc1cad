import type { IdNode } from '../core/node.js';
import type { AdminContext } from './admin-node.js';

/**
 * withAdminNode (admin-node.ts), imported when an admin command runs: that module brings the node's whole
 * core, the logger and the store modules, which `idnode --help`, a usage error and every other command do
 * without.
 */
export async function onAdminNode<T>(context: AdminContext, action: (node: IdNode) => Promise<T>): Promise<T> {
  const { withAdminNode } = await import('./admin-node.js');
  return withAdminNode(context, action);
}
