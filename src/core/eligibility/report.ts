import type { ClockDescription } from '../clock/set-clock.js';
import type { KindCounts } from '../metering/figures.js';
import type { CounterKind } from '../store/store.js';
import type { Metric } from './policy.js';

export type CriterionVerdict = 'met' | 'not-met' | 'pending' | 'unknown';
export type AwardVerdict = 'eligible' | 'not-eligible' | 'pending' | 'unknown';

/** Whether the node is connected with a national top-level node, as the node knows it. */
export interface ConnectionFact {
  readonly connected: boolean;
  /** How that was established (shown as the criterion's method). */
  readonly detail: string;
}

export interface Projection {
  /** The figure at year end if the run rate holds (rounded like `measured`). */
  readonly value: number;
  readonly margin: number;
  readonly verdict: 'met' | 'not-met';
  readonly runRatePerDay: number;
  readonly windowFrom: string;
  readonly windowTo: string;
  readonly windowDays: number;
  /** Days of the year not closed yet (today included), filled at the run rate. */
  readonly remainingDays: number;
  readonly method: string;
}

export interface CriterionResult {
  readonly id: string;
  readonly title: string;
  readonly metric: Metric;
  readonly comparison?: 'gt' | 'gte';
  readonly threshold?: number;
  /** The figure judged: a count, a daily average (2 decimals), or connected yes/no (null: unknown). */
  readonly measured: number | boolean | null;
  /** measured − threshold, and that as a percentage of the threshold (2 decimals). */
  readonly margin?: number;
  readonly marginPercent?: number;
  readonly verdict: CriterionVerdict;
  /** How the figure was computed, with the numbers used. */
  readonly method: string;
  readonly countedKinds?: readonly CounterKind[];
  readonly note?: string;
  /** The policy's Chinese title and note of the criterion, when it has them (shown on zh-CN pages). */
  readonly titleZh?: string;
  readonly noteZh?: string;
  /** Only for a numeric criterion of a year still running. */
  readonly projection?: Projection;
  /** Why there is no projection, when there could have been one. */
  readonly projectionUnavailable?: string;
}

export interface AwardResult {
  readonly id: string;
  readonly title: string;
  readonly maxAmount: number;
  readonly currency: string;
  readonly amountNote?: string;
  /** The policy's Chinese title and amount note of the award, when it has them (shown on zh-CN pages). */
  readonly titleZh?: string;
  readonly amountNoteZh?: string;
  /** eligible: every criterion met; not-eligible: one is not met; pending: the year runs and none failed. */
  readonly verdict: AwardVerdict;
  /** For a running year: the verdict if the run rate holds (absent when a projection is unavailable). */
  readonly projectedVerdict?: 'eligible' | 'not-eligible';
  readonly criteria: readonly CriterionResult[];
}

export interface EligibilityReport {
  readonly policy: {
    readonly id: string;
    readonly title: string;
    readonly titleZh?: string;
    readonly issuer: string;
    readonly document: string;
    readonly provision?: string;
    readonly provisionZh?: string;
    readonly timeZone: string;
    readonly currency: string;
    readonly countedResolutionKinds: readonly CounterKind[];
  };
  readonly year: number;
  readonly period: {
    readonly from: string;
    readonly to: string;
    readonly days: number;
    /** closed: the year has ended; running: today is in it; future: it has not begun. */
    readonly status: 'closed' | 'running' | 'future';
    /** Days of the year that have ended. */
    readonly closedDays: number;
    /** The node's current day (its clock, in the metering time zone). */
    readonly today: string;
  };
  /** The metering day's time zone (the node's configuration). */
  readonly timeZone: string;
  readonly clock: ClockDescription;
  readonly generatedAt: string;
  /** The year's totals per kind (today's counts so far included), and which resolution kinds the policy counts. */
  readonly figures: {
    readonly totals: KindCounts;
    readonly countedResolutions: number;
    readonly firstDayWithData?: string;
    readonly lastDayWithData?: string;
    readonly daysWithData: number;
  };
  readonly awards: readonly AwardResult[];
  readonly notes: readonly string[];
}
