import { describeInput } from '../values/describe-input.js';
/**
 * GB/T 4754-2017 (国民经济行业分类), the industry classification a metadata template names: a section letter
 * A–T (门类), a two-digit division (大类) inside the section's range, a three-digit group (中类) beginning with
 * the division, a four-digit class (小类) beginning with the group. Only the shape and the section→division
 * ranges are checked; whether a given group or class is listed in the standard is not.
 */
const SECTION_DIVISIONS: Readonly<Record<string, readonly [number, number]>> = {
  A: [1, 5],
  B: [6, 12],
  C: [13, 43],
  D: [44, 46],
  E: [47, 50],
  F: [51, 52],
  G: [53, 60],
  H: [61, 62],
  I: [63, 65],
  J: [66, 69],
  K: [70, 70],
  L: [71, 72],
  M: [73, 75],
  N: [76, 79],
  O: [80, 82],
  P: [83, 83],
  Q: [84, 85],
  R: [86, 90],
  S: [91, 97],
  T: [98, 98],
};

export interface IndustryClassification {
  readonly industryCategory: string;
  readonly industrySpecific?: string;
  readonly industryTrade?: string;
  readonly industrySubclass?: string;
}

/**
 * The problems of a classification (none: valid). The section is required; each finer level needs the one
 * above it and must begin with its digits.
 */
export function industryProblems(input: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const category = input['industryCategory'];
  const range = typeof category === 'string' ? SECTION_DIVISIONS[category] : undefined;
  if (range === undefined) {
    problems.push(`industryCategory must be a GB/T 4754 section letter A to T, got ${describeInput(category)}`);
    return problems;
  }
  const levels = [
    ['industrySpecific', 2],
    ['industryTrade', 3],
    ['industrySubclass', 4],
  ] as const;
  let above: string | undefined;
  let aboveName = 'industryCategory';
  for (const [name, digits] of levels) {
    const raw = input[name];
    if (raw === undefined || raw === null || raw === '') {
      above = undefined;
      aboveName = name;
      continue;
    }
    if (typeof raw !== 'string' || !new RegExp(`^[0-9]{${digits}}$`).test(raw)) {
      problems.push(`${name} must be ${digits} digits, got ${describeInput(raw)}`);
      return problems;
    }
    if (name === 'industrySpecific') {
      const division = Number(raw);
      if (division < range[0] || division > range[1]) {
        problems.push(`industrySpecific ${raw} is not a division of section ${category} (${pad(range[0])} to ${pad(range[1])})`);
        return problems;
      }
    } else if (above === undefined) {
      problems.push(`${name} needs ${aboveName} to be given`);
      return problems;
    } else if (!raw.startsWith(above)) {
      problems.push(`${name} ${raw} does not begin with ${aboveName} ${above}`);
      return problems;
    }
    above = raw;
    aboveName = name;
  }
  return problems;
}

function pad(division: number): string {
  return String(division).padStart(2, '0');
}
