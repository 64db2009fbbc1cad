import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PolicyCatalogue } from '../core/eligibility/policy-catalogue.js';
import { validatePolicy, type Policy } from '../core/eligibility/policy.js';
import { IdnodeError } from '../core/errors/catalogue.js';

/** The policies shipped with idnode (policies/ at the package root, beside src/ and dist/). */
export const BUNDLED_POLICY_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));
export const DEFAULT_POLICY_ID = 'zibo-2020-11-measure-2';

/** The settings that choose a node's policies (see the policyDir and defaultPolicy settings). */
export interface PolicySettings {
  /** A directory of further policy files, read after the bundled ones; undefined: none. */
  readonly policyDir?: string;
  /** The policy of a report that names none; undefined: DEFAULT_POLICY_ID. */
  readonly defaultPolicy?: string;
}

/** The catalogue `settings` describe: the bundled policies, then policyDir's. Throws as loadPolicyCatalogue. */
export function loadConfiguredPolicies(settings: PolicySettings): PolicyCatalogue {
  return loadPolicyCatalogue([BUNDLED_POLICY_DIR, ...(settings.policyDir === undefined ? [] : [settings.policyDir])], settings.defaultPolicy ?? DEFAULT_POLICY_ID);
}

/**
 * Reads every *.json file of `directories` (the bundled one by default). Each must be a valid policy whose id
 * is its file name; ids are unique across directories. Throws IdnodeError POLICY_INVALID naming the file and
 * field, or CONFIG_INVALID for an unreadable directory or a default id that no file defines.
 */
export function loadPolicyCatalogue(directories: readonly string[] = [BUNDLED_POLICY_DIR], defaultId = DEFAULT_POLICY_ID): PolicyCatalogue {
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
  return PolicyCatalogue.of([...byId.values()], defaultId);
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
