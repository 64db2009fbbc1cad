import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { dailyFigures } from '../core/metering/daily-figures.js';
import type { IdNode } from '../core/node.js';
import type { CounterRow } from '../core/store/store.js';
import { callLogger } from './call-context.js';
import { principalOfCall } from './call-principal.js';
import type { GrpcContext } from './grpc-context.js';
import { statusOf } from './grpc-errors.js';

/** idnode.v1.Metering: metered figures for auditors and the operator. (The eligibility rpc is not defined yet.) */
export function meteringService(node: IdNode, context: GrpcContext): UntypedServiceImplementation {
  return {
    DailyFigures: async (
      call: ServerUnaryCall<{ fromDay: string; toDay: string }, { rows: CounterRow[]; timeZone: string }>,
      callback: sendUnaryData<{ rows: CounterRow[]; timeZone: string }>,
    ) => {
      const log = callLogger(context.logger, call.metadata, 'DailyFigures');
      try {
        const principal = await principalOfCall(call, node.authenticator, context.policy);
        const rows = await dailyFigures(node.store, principal, call.request.fromDay, call.request.toDay);
        callback(null, { rows, timeZone: node.config.timeZone });
      } catch (error) {
        callback(statusOf(error, log));
      }
    },
  };
}
