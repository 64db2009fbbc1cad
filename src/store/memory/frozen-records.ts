import type { HandleRecord } from '../../core/store/store.js';
import type { AdminData, HandleValue, ValueData, ValueReference } from '../../core/values/handle-value.js';

/**
 * The in-memory store keeps the objects it hands out, so every record it stores is a deep copy, frozen: no caller
 * can change what is stored through an object it passed in or got back, and reads need no copy. Values this
 * module made are known by identity and shared as they are (a merge keeps the stored values; a record
 * rewritten keeps the ones it had).
 *
 * The copy also stands in for the SQL stores' encoding: a value those could not store as JSON (a field of the
 * wrong type, e.g. a bigint) throws Error here, before anything of the call is committed. This is no validation
 * of identifiers or values (the core has done that); it only refuses what could not be stored.
 */
const frozenValues = new WeakSet<HandleValue>();

/** Shared by every value without references, as in the SQL stores' rows. */
const NO_REFERENCES: readonly ValueReference[] = Object.freeze([]);

/**
 * Copies the values of one applyWrites call. A value object passed several times within the call (the registry
 * shares one HS_ADMIN value among the handles it creates) is copied once; a caller cannot change it while the
 * synchronous call runs, so the copy is safe to reuse within it and is dropped with the call.
 */
export class RecordFreezer {
  readonly #copies = new Map<HandleValue, HandleValue>();

  /** A frozen record with the given fields; `values` are sorted by index already. Throws Error for a value that cannot be stored. */
  record(handle: string, prefix: string, values: readonly HandleValue[], createdAtMs: number, updatedAtMs: number): HandleRecord {
    return Object.freeze({ handle, prefix, values: this.#values(handle, values), createdAtMs, updatedAtMs });
  }

  #values(handle: string, values: readonly HandleValue[]): readonly HandleValue[] {
    const copies: HandleValue[] = new Array(values.length);
    for (let k = 0; k < values.length; k++) {
      const value = values[k]!;
      if (frozenValues.has(value)) {
        copies[k] = value;
        continue;
      }
      let copy = this.#copies.get(value);
      if (copy === undefined) {
        copy = frozenValue(value, handle);
        this.#copies.set(value, copy);
      }
      copies[k] = copy;
    }
    return Object.freeze(copies);
  }
}

function frozenValue(value: HandleValue, handle: string): HandleValue {
  const problem = unstorableField(value);
  if (problem !== undefined) throw new Error(`value ${String(value.index)} of "${handle}" cannot be stored: ${problem}`);
  const copy: HandleValue = Object.freeze({
    index: value.index,
    type: value.type,
    data: frozenData(value.data),
    ttl: value.ttl,
    timestamp: value.timestamp,
    permissions: value.permissions,
    references: value.references.length === 0 ? NO_REFERENCES : Object.freeze(value.references.map((reference) => Object.freeze({ handle: reference.handle, index: reference.index }))),
  });
  frozenValues.add(copy);
  return copy;
}

function frozenData(data: ValueData): ValueData {
  if (data.format !== 'admin') return Object.freeze({ format: data.format, value: data.value });
  const admin: AdminData = data.value;
  return Object.freeze({ format: 'admin', value: Object.freeze({ handle: admin.handle, index: admin.index, permissions: admin.permissions }) });
}

/** The first field whose type is not the declared one, described; `undefined` when the value can be stored. */
function unstorableField(value: HandleValue): string | undefined {
  const data = value.data;
  let problem =
    wrongType(value.index, 'number', 'index') ??
    wrongType(value.type, 'string', 'type') ??
    wrongType(value.ttl, 'number', 'ttl') ??
    wrongType(value.timestamp, 'string', 'timestamp') ??
    wrongType(value.permissions, 'string', 'permissions') ??
    wrongType(data?.format, 'string', 'data.format');
  if (problem !== undefined) return problem;
  if (data.format === 'admin') {
    problem =
      wrongType(data.value?.handle, 'string', 'data.value.handle') ??
      wrongType(data.value?.index, 'number', 'data.value.index') ??
      wrongType(data.value?.permissions, 'string', 'data.value.permissions');
  } else {
    problem = wrongType(data.value, 'string', 'data.value');
  }
  if (problem !== undefined) return problem;
  if (!Array.isArray(value.references)) return 'references is not an array';
  for (const reference of value.references) {
    problem = wrongType(reference?.handle, 'string', 'a reference\'s handle') ?? wrongType(reference?.index, 'number', 'a reference\'s index');
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function wrongType(field: unknown, type: 'string' | 'number', name: string): string | undefined {
  return typeof field === type ? undefined : `${name} is a ${typeof field}, not a ${type}`;
}
