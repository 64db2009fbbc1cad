import { IdnodeError } from '../errors/catalogue.js';

/** An enterprise's limits; 0 means no limit (docs/design.md §2, "Quotas"). */
export interface QuotaLimits {
  /** New identifiers created under the enterprise prefix per metering day (the registration count limit). */
  readonly registrationsPerDay: number;
  /** Resolutions answered for identifiers under the prefix per metering day (the request limit per day). */
  readonly resolutionsPerDay: number;
  /** Requests made with the enterprise's credentials per second, per process (the rate limit). */
  readonly requestsPerSecond: number;
}

/** What the operator set for one enterprise; an absent field takes the node-wide default. */
export type QuotaOverrides = Partial<QuotaLimits>;

export const QUOTA_FIELDS = ['registrationsPerDay', 'resolutionsPerDay', 'requestsPerSecond'] as const satisfies readonly (keyof QuotaLimits)[];

export const NO_LIMITS: QuotaLimits = { registrationsPerDay: 0, resolutionsPerDay: 0, requestsPerSecond: 0 };

const MAX_LIMIT = 2_147_483_647;

/**
 * Validates an operator's quota change: an object whose fields (each optional) are an integer from 0 (no
 * limit) to 2147483647, or null (back to the node-wide default). Throws REQUEST_INVALID naming the field.
 */
export function parseQuotaChange(input: unknown): { readonly [K in keyof QuotaLimits]?: number | null } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new IdnodeError('REQUEST_INVALID', `a quota change is an object with ${QUOTA_FIELDS.join(', ')} (each optional; null: the node default)`);
  }
  const change: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!(QUOTA_FIELDS as readonly string[]).includes(key)) throw new IdnodeError('REQUEST_INVALID', `unknown quota field "${key}"; the fields are ${QUOTA_FIELDS.join(', ')}`);
    if (value !== null && (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > MAX_LIMIT)) {
      throw new IdnodeError('REQUEST_INVALID', `${key} must be an integer from 0 (no limit) to ${MAX_LIMIT}, or null (the node default), got ${JSON.stringify(value)}`);
    }
    change[key] = value as number | null;
  }
  return change;
}
