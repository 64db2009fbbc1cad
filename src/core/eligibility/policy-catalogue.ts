import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IdnodeError } from '../errors/catalogue.js';
import { validatePolicy, type Policy } from './policy.js';

/** The policies shipped with idnode (policies/ at the package root, beside src/ and dist/). */
export const BUNDLED_POLICY_DIR = fileURLToPath(new URL('../../../policies/', import.meta.url));
export const DEFAULT_POLICY_ID = 'zibo-2020-11-measure-2';

/** The award policies a node knows, by id. */
export class PolicyCatalogue {
  private constructor(
    private readonly byId: ReadonlyMap<string, Policy>,
    readonly defaultId: string,
  ) {}

  /**
   * Reads every *.json file of `directories` (the bundled one first by default). Each must be a valid policy
   * whose id is its file name; ids are unique across directories. Throws IdnodeError POLICY_INVALID naming the
   * file and field, or CONFIG_INVALID for an unreadable directory or a default id that no file defines.
   */
  static load(directories: readonly string[] = [BUNDLED_POLICY_DIR], defaultId = DEFAULT_POLICY_ID): PolicyCatalogue {
    const byId = new Map<string, Policy>();
    for (const directory of directories) {
      let names: string[];
      try {
        names = readdirSync(directory).filter((name) => name.endsWith('.json')).sort();
      } catch (error) {
        throw new IdnodeError('CONFIG_INVALID', `cannot read the policy directory ${directory}: ${(error as Error).message}`, { cause: error });
      }
      for (const name of names) {
        const policy = loadPolicyFile(join(directory, name));
        if (byId.has(policy.id)) throw new IdnodeError('POLICY_INVALID', `policy ${join(directory, name)}: id "${policy.id}" is already defined by another policy file`);
        byId.set(policy.id, policy);
      }
    }
    if (!byId.has(defaultId)) {
      throw new IdnodeError('CONFIG_INVALID', `the default policy "${defaultId}" is not among the policies loaded (${[...byId.keys()].join(', ') || 'none'})`);
    }
    return new PolicyCatalogue(byId, defaultId);
  }

  static of(policies: readonly Policy[], defaultId: string): PolicyCatalogue {
    return new PolicyCatalogue(new Map(policies.map((policy) => [policy.id, policy])), defaultId);
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

/** Reads and validates one policy file. Throws IdnodeError POLICY_INVALID naming the file (and the field). */
export function loadPolicyFile(file: string): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new IdnodeError('POLICY_INVALID', `policy ${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new IdnodeError('POLICY_INVALID', `policy ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const policy = validatePolicy(parsed, file);
  const expected = basename(file, '.json');
  if (policy.id !== expected) throw new IdnodeError('POLICY_INVALID', `policy ${file}: id "${policy.id}" must equal the file name "${expected}"`);
  return policy;
}
