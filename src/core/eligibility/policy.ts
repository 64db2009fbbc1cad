import type { Static } from '@sinclair/typebox';
import { Type, Value } from '../typebox.js';
import { IdnodeError } from '../errors/catalogue.js';
import { RESOLUTION_KINDS } from '../metering/figures.js';

/**
 * An award policy is data, one JSON file per policy (policies/*.json, docs/design.md §2): the awards it offers and the
 * criteria of each, measured on a calendar year in the policy's time zone. Metrics:
 * - registrations: new identifier registrations in the year (sum);
 * - resolutions: counted resolutions in the year (sum);
 * - daily-average-resolutions: counted resolutions in the year ÷ the days of the year (365 or 366);
 * - top-level-connection: whether the node is connected with a national top-level node (no threshold).
 * Which resolution kinds count is the policy's `countedResolutionKinds` (a criterion may narrow it).
 */
const ResolutionKind = Type.Union(RESOLUTION_KINDS.map((kind) => Type.Literal(kind)));
const Identifier = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: 'lower-case letters, digits and "-"' });
const Text = Type.String({ minLength: 1, maxLength: 2000 });

const CriterionSchema = Type.Object(
  {
    id: Identifier,
    title: Text,
    metric: Type.Union([Type.Literal('registrations'), Type.Literal('resolutions'), Type.Literal('daily-average-resolutions'), Type.Literal('top-level-connection')]),
    comparison: Type.Optional(Type.Union([Type.Literal('gt'), Type.Literal('gte')], { description: 'gt: more than the threshold; gte: at least' })),
    threshold: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    countedResolutionKinds: Type.Optional(Type.Array(ResolutionKind, { minItems: 1, uniqueItems: true })),
    note: Type.Optional(Text),
    noteZh: Type.Optional(Text),
    titleZh: Type.Optional(Text),
  },
  { additionalProperties: false },
);

const AwardSchema = Type.Object(
  {
    id: Identifier,
    title: Text,
    maxAmount: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    amountNote: Type.Optional(Text),
    amountNoteZh: Type.Optional(Text),
    titleZh: Type.Optional(Text),
    criteria: Type.Array(CriterionSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const PolicySchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: Identifier,
    title: Text,
    /** The Chinese texts (`…Zh`) are shown on zh-CN pages; `issuer` and `document` are shown as written in both languages. */
    titleZh: Type.Optional(Text),
    issuer: Text,
    document: Text,
    provision: Type.Optional(Text),
    provisionZh: Type.Optional(Text),
    url: Type.Optional(Type.String({ maxLength: 2000 })),
    timeZone: Type.String({ minLength: 1 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' }),
    period: Type.Literal('calendar-year'),
    countedResolutionKinds: Type.Array(ResolutionKind, { minItems: 1, uniqueItems: true }),
    awards: Type.Array(AwardSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type Policy = Static<typeof PolicySchema>;
export type Award = Static<typeof AwardSchema>;
export type Criterion = Static<typeof CriterionSchema>;
export type Metric = Criterion['metric'];

/**
 * Checks a parsed policy file. Throws IdnodeError POLICY_INVALID naming `source` and the first offending field
 * as a path (`awards[0].criteria[1].threshold`), with what it must be.
 */
export function validatePolicy(input: unknown, source: string): Policy {
  const first = Value.Errors(PolicySchema, input).First();
  if (first !== undefined) {
    const field = fieldPath(first.path) || 'the document';
    throw new IdnodeError('POLICY_INVALID', `policy ${source}: ${field} ${describeError(first.message, first.schema as { anyOf?: readonly { const?: unknown }[] })}${describeGot(first.value)}`);
  }
  const policy = input as Policy;
  const invalid = (field: string, problem: string) => new IdnodeError('POLICY_INVALID', `policy ${source}: ${field} ${problem}`);
  try {
    new Intl.DateTimeFormat('en', { timeZone: policy.timeZone });
  } catch {
    throw invalid('timeZone', `must be an IANA time zone such as Asia/Shanghai, got ${JSON.stringify(policy.timeZone)}`);
  }
  const awardIds = new Set<string>();
  policy.awards.forEach((award, a) => {
    if (awardIds.has(award.id)) throw invalid(`awards[${a}].id`, `repeats "${award.id}"; award ids must be unique`);
    awardIds.add(award.id);
    const criterionIds = new Set<string>();
    award.criteria.forEach((criterion, c) => {
      const at = `awards[${a}].criteria[${c}]`;
      if (criterionIds.has(criterion.id)) throw invalid(`${at}.id`, `repeats "${criterion.id}"; criterion ids must be unique within an award`);
      criterionIds.add(criterion.id);
      const numeric = criterion.metric !== 'top-level-connection';
      if (numeric && criterion.threshold === undefined) throw invalid(`${at}.threshold`, `is required for metric ${criterion.metric}`);
      if (numeric && criterion.comparison === undefined) throw invalid(`${at}.comparison`, `is required for metric ${criterion.metric} ("gt" or "gte")`);
      if (!numeric && (criterion.threshold !== undefined || criterion.comparison !== undefined)) {
        throw invalid(`${at}.threshold`, 'must be absent for metric top-level-connection (it is met or not)');
      }
      if (criterion.countedResolutionKinds !== undefined && !criterion.metric.includes('resolutions')) {
        throw invalid(`${at}.countedResolutionKinds`, `applies to resolution metrics only, not ${criterion.metric}`);
      }
    });
  });
  return policy;
}

/** "/awards/0/criteria/1/threshold" → "awards[0].criteria[1].threshold". */
function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}

function describeError(message: string, schema: { anyOf?: readonly { const?: unknown }[] }): string {
  if (message === 'Unexpected property') return 'is not a policy field (misspelt?)';
  if (message === 'Expected required property') return 'is missing';
  const choices = schema.anyOf?.map((choice) => choice.const);
  if (choices !== undefined && choices.every((choice) => typeof choice === 'string')) return `must be one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}`;
  const article = /^Expected (integer|array|object)$/.exec(message) ? 'an ' : /^Expected (string|boolean|number)$/.test(message) ? 'a ' : '';
  return message.replace(/^Expected /, `must be ${article}`);
}

function describeGot(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text === undefined || text.length > 60 ? '' : `, got ${text}`;
}
