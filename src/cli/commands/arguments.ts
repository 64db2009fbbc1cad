import { InvalidArgumentError } from 'commander';

/** A commander argument parser: a decimal integer from `min` to `max`, else a usage error (exit 2) naming the bounds. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^[0-9]+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** A commander parser for a repeatable option: each occurrence parsed by `parse` and appended. */
export function repeated<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

/** A commander argument parser: a decimal number from `min` to `max` (fractions allowed), else a usage error naming the bounds. */
export function numberIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return n;
  };
}
