import type { BenchResults, GoalVerdict, PolicyYearResult, ScenarioResult } from './result.js';

/**
 * The goals (targets, not assertions): each reads one figure from the results, compares it with
 * its target, and when missed says by how much. `whyMissed` is the explanation found by profiling the
 * server (node --cpu-prof, see bench/README.md), printed only when the goal is missed.
 */
export interface Goal {
  readonly goal: string;
  readonly target: number;
  readonly unit: string;
  /** 'at-least': measured must be ≥ target; 'at-most': ≤ target. */
  readonly direction: 'at-least' | 'at-most';
  readonly measure: (scenarios: ReadonlyMap<string, ScenarioResult>, policyYear: PolicyYearResult | undefined) => number | undefined;
  readonly whyMissed: string;
}

export function evaluateGoal(goal: Goal, measured: number | undefined): GoalVerdict {
  const base = { goal: goal.goal, measured, target: goal.target, unit: goal.unit };
  if (measured === undefined || Number.isNaN(measured)) return { ...base, met: undefined, note: 'not measured in this run' };
  const met = goal.direction === 'at-least' ? measured >= goal.target : measured <= goal.target;
  if (met) return { ...base, met };
  const off = Math.abs(measured - goal.target) / goal.target;
  return { ...base, met, gap: `${(off * 100).toFixed(1)}% ${goal.direction === 'at-least' ? 'short' : 'over'}`, note: goal.whyMissed };
}

export function evaluateGoals(goals: readonly Goal[], results: Pick<BenchResults, 'scenarios' | 'policyYear'>): GoalVerdict[] {
  const byName = new Map(results.scenarios.map((scenario) => [scenario.name, scenario]));
  return goals.map((goal) => evaluateGoal(goal, goal.measure(byName, results.policyYear)));
}
