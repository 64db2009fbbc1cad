import { IdnodeError } from '../errors/catalogue.js';
import type { Policy } from './policy.js';

/**
 * The award policies a node knows, by id. The core never reads policy files: whoever starts the node loads
 * them (src/policies/load-policies.ts) and passes the catalogue in.
 */
export class PolicyCatalogue {
  private constructor(
    private readonly byId: ReadonlyMap<string, Policy>,
    readonly defaultId: string,
  ) {}

  /**
   * The catalogue of `policies` (each already validated, see validatePolicy). Throws IdnodeError POLICY_INVALID
   * for an id given twice, or CONFIG_INVALID for a default id that none of them has.
   */
  static of(policies: readonly Policy[], defaultId: string): PolicyCatalogue {
    const byId = new Map<string, Policy>();
    for (const policy of policies) {
      if (byId.has(policy.id)) throw new IdnodeError('POLICY_INVALID', `policy id "${policy.id}" is given twice`);
      byId.set(policy.id, policy);
    }
    if (!byId.has(defaultId)) {
      throw new IdnodeError('CONFIG_INVALID', `the default policy "${defaultId}" is not among the policies loaded (${[...byId.keys()].join(', ') || 'none'})`);
    }
    return new PolicyCatalogue(byId, defaultId);
  }

  /** `undefined` id: the default policy. Throws IdnodeError POLICY_NOT_FOUND listing the known ids. */
  get(id?: string): Policy {
    const policy = this.byId.get(id ?? this.defaultId);
    if (policy === undefined) throw new IdnodeError('POLICY_NOT_FOUND', `no policy "${id}"; known policies: ${[...this.byId.keys()].join(', ')}`);
    return policy;
  }

  list(): Policy[] {
    return [...this.byId.values()];
  }
}
