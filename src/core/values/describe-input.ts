/** Longest piece of a caller's string quoted back in an error message; longer input is cut with "…". */
const MAX_QUOTED_CHARS = 80;

/**
 * Renders a caller's input for an error message (`"x"`, `1.5`, `null`, `an object`, `nothing` for a
 * missing field). Strings are JSON-quoted, so control characters and lone surrogates show as escapes,
 * and cut to a bounded length. Runs on the error path only.
 */
export function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (typeof input === 'string') {
    const shown = input.length > MAX_QUOTED_CHARS ? `${input.slice(0, MAX_QUOTED_CHARS)}…` : input;
    return JSON.stringify(shown);
  }
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') return String(input);
  if (Array.isArray(input)) return `an array of ${input.length}`;
  return `a${typeof input === 'object' ? 'n object' : ` ${typeof input}`}`;
}
