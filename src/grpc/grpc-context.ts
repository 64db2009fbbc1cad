import type { CredentialPolicy } from '../core/auth/basic-credentials.js';
import type { Logger } from '../core/log/logger.js';

/** What every service adapter needs besides the node. */
export interface GrpcContext {
  readonly logger: Logger;
  readonly policy: CredentialPolicy;
}
