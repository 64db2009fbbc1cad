import { IdnodeError } from '../core/errors/catalogue.js';
import { MAX_REFERRAL_HOPS, REFERRAL_HOPS_HEADER } from '../core/resolver/remote-resolver.js';

/**
 * The hops of a resolution another node referred here (REFERRAL_HOPS_HEADER, sent by recursive resolution);
 * absent: 0, a client asking. Throws REQUEST_INVALID naming the header for anything but one integer from 0
 * to MAX_REFERRAL_HOPS.
 */
export function referralHopsOf(header: string | string[] | undefined): number {
  if (header === undefined) return 0;
  const text = Array.isArray(header) ? header.join(',') : header;
  const hops = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!(hops <= MAX_REFERRAL_HOPS)) {
    throw new IdnodeError('REQUEST_INVALID', `the ${REFERRAL_HOPS_HEADER} header must be one integer from 0 to ${MAX_REFERRAL_HOPS}, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return hops;
}
