/**
 * An operator's expected load (`idnode simulate --scenario FILE`), JSON:
 *   {"name": "Zibo chemical park node", "registrationsPerYear": 12000000, "resolutionsPerDay": 3500000, "peakFactor": 3}
 * Every simulated node carries it (times --scale); peakFactor (default 1) is how much the busiest hour
 * exceeds the day's average rate, used for the headroom.
 */
export interface Scenario {
  readonly name: string;
  readonly registrationsPerYear: number;
  readonly resolutionsPerDay: number;
  readonly peakFactor?: number;
}

/** Parses a scenario file's text; throws an Error naming the field and what it must be. */
export function parseScenario(text: string, source: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${source} must hold a JSON object`);
  const object = raw as Record<string, unknown>;
  const count = (field: string): number => {
    const value = object[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Error(`${source}: ${field} must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
    return value;
  };
  const name = object['name'];
  if (typeof name !== 'string' || name.length === 0) throw new Error(`${source}: name must be a non-empty string, got ${JSON.stringify(name)}`);
  const peak = object['peakFactor'];
  if (peak !== undefined && (typeof peak !== 'number' || !(peak >= 1) || !Number.isFinite(peak))) throw new Error(`${source}: peakFactor must be a number ≥ 1, got ${JSON.stringify(peak)}`);
  const unknown = Object.keys(object).filter((key) => !['name', 'registrationsPerYear', 'resolutionsPerDay', 'peakFactor'].includes(key));
  if (unknown.length > 0) throw new Error(`${source}: unknown field ${unknown.join(', ')} (fields: name, registrationsPerYear, resolutionsPerDay, peakFactor)`);
  return { name, registrationsPerYear: count('registrationsPerYear'), resolutionsPerDay: count('resolutionsPerDay'), ...(peak === undefined ? {} : { peakFactor: peak as number }) };
}
