import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { DAY_FIELD_RANGE_FIELDS } from '../core/metering/day-range.js';
import type { IdNode } from '../core/node.js';
import type { CounterRow } from '../core/store/store.js';
import { callLogger } from './call-context.js';
import { principalOfCall } from './call-principal.js';
import type { GrpcContext } from './grpc-context.js';
import { statusOf } from './grpc-errors.js';

interface EligibilityReply {
  year: number;
  policyId: string;
  awards: { id: string; title: string; verdict: string }[];
  reportJson: string;
}

/** idnode.v1.Metering: metered figures and the award-eligibility report, for auditors and the operator. */
export function meteringService(node: IdNode, context: GrpcContext): UntypedServiceImplementation {
  return {
    DailyFigures: async (
      call: ServerUnaryCall<{ fromDay: string; toDay: string }, { rows: CounterRow[]; timeZone: string }>,
      callback: sendUnaryData<{ rows: CounterRow[]; timeZone: string }>,
    ) => {
      const log = callLogger(context.logger, call.metadata, 'DailyFigures');
      try {
        const principal = await principalOfCall(call, node.authenticator, context.policy);
        const rows = await node.meteringReports.counterRows(principal, { from: call.request.fromDay, to: call.request.toDay }, DAY_FIELD_RANGE_FIELDS);
        callback(null, { rows, timeZone: node.config.timeZone });
      } catch (error) {
        callback(statusOf(error, log));
      }
    },
    Eligibility: async (call: ServerUnaryCall<{ year: number; policy: string }, EligibilityReply>, callback: sendUnaryData<EligibilityReply>) => {
      const log = callLogger(context.logger, call.metadata, 'Eligibility');
      try {
        const report = await node.eligibility.report(await principalOfCall(call, node.authenticator, context.policy), {
          ...(call.request.year ? { year: call.request.year } : {}),
          ...(call.request.policy ? { policyId: call.request.policy } : {}),
        });
        callback(null, {
          year: report.year,
          policyId: report.policy.id,
          awards: report.awards.map((award) => ({ id: award.id, title: award.title, verdict: award.verdict })),
          reportJson: JSON.stringify(report),
        });
      } catch (error) {
        callback(statusOf(error, log));
      }
    },
  };
}
