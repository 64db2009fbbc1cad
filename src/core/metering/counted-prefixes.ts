import type { HomedPrefixes } from '../homing/homed-prefixes.js';
import type { PrincipalStore } from '../store/store.js';

/**
 * The one bounded bucket for counts that name no prefix of this node (docs/auditing.md, "What is counted"):
 * refusals of foreign, invalid or unallocated prefixes, not-found resolutions under unknown prefixes, and
 * counts beyond the day's row cap. It is no valid prefix (parentheses are refused in prefixes), so it can
 * never collide with a real one.
 */
export const OTHER_PREFIX = '(other)';

/** The prefix of the derived prefix handles (0.NA/<prefix>), counted under it (docs/auditing.md). */
const PREFIX_HANDLES = '0.NA';

/**
 * The prefixes counts that a caller can choose freely (refused writes, not-found resolutions) may be
 * counted under: prefixes homed here exactly, enterprise prefixes allocated here, and 0.NA. Anything else a
 * caller names is counted under OTHER_PREFIX, so no flood of made-up prefixes makes counter rows.
 *
 * Allocated prefixes are kept in memory (every refusal and not-found asks): loaded by refresh(), told of
 * allocations made by this process (allocated), and refreshed periodically by the node for those made by
 * another process (the CLI, another replica), so such a prefix's refusals go to OTHER_PREFIX until the
 * next refresh (at most a minute).
 */
export class CountedPrefixes {
  private enterprises: ReadonlySet<string> = new Set();

  constructor(
    private readonly homing: Pick<HomedPrefixes, 'list'>,
    private readonly principals: Pick<PrincipalStore, 'listPrincipals'>,
  ) {}

  /** Reloads the allocated enterprise prefixes. Rejects with what the store throws (the old set stays). */
  async refresh(): Promise<void> {
    const enterprises = new Set<string>();
    for (const principal of await this.principals.listPrincipals('enterprise')) if (principal.prefix !== undefined) enterprises.add(principal.prefix);
    this.enterprises = enterprises;
  }

  /** Records an enterprise prefix allocated by this process (known at once, before the next refresh). */
  allocated(prefix: string): void {
    this.enterprises = new Set(this.enterprises).add(prefix);
  }

  /** True when `prefix` is an enterprise prefix allocated here (as far as this process knows). */
  isAllocated(prefix: string): boolean {
    return this.enterprises.has(prefix);
  }

  /** The enterprise prefixes allocated here, as far as this process knows. */
  allocatedPrefixes(): string[] {
    return [...this.enterprises];
  }

  /** True when a caller-chosen count may be kept under `prefix` (normalised); '' (none) is never known. */
  isKnown(prefix: string): boolean {
    if (prefix === PREFIX_HANDLES || this.enterprises.has(prefix)) return true;
    for (const homed of this.homing.list()) if (homed.prefix === prefix) return true;
    return false;
  }
}
