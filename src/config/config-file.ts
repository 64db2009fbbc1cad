import { readFileSync } from 'node:fs';
import { SETTINGS, type SettingKey } from './settings.js';
import { show } from './setting-kinds.js';
import { didYouMean } from './suggest.js';

export interface ConfigFileContents {
  /** Values by setting key, as JSON (not yet validated). */
  readonly values: ReadonlyMap<SettingKey, unknown>;
  /** Unreadable file, bad JSON, unknown keys, non-object groups: each a complete sentence. */
  readonly problems: readonly string[];
}

const KEYS: readonly string[] = SETTINGS.map((setting) => setting.key);
// Groups are the first segment of dotted keys ("cache" of "cache.maxEntries").
const GROUPS = new Set(KEYS.filter((key) => key.includes('.')).map((key) => key.split('.')[0]!));

/**
 * Reads the JSON config file `file` (absolute), whose shape is Config's: top-level keys and the groups
 * tls, cache and limits. `origin` names where the file name came from (--config or IDNODE_CONFIG).
 * Never throws: every problem is returned.
 */
export function readConfigFile(file: string, origin: string): ConfigFileContents {
  const values = new Map<SettingKey, unknown>();
  const problems: string[] = [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
    return { values, problems: [`config (from ${origin}) must name a readable JSON file, but ${file} ${reason}`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { values, problems: [`config file ${file} (from ${origin}) is not valid JSON: ${(error as Error).message}`] };
  }
  if (!isObject(json)) return { values, problems: [`config file ${file} (from ${origin}) must hold a JSON object, got ${show(json)}`] };
  for (const [key, value] of Object.entries(json)) {
    if (GROUPS.has(key)) {
      if (!isObject(value)) {
        problems.push(`config file ${file}: key ${key} must be an object, got ${show(value)}`);
        continue;
      }
      for (const [inner, innerValue] of Object.entries(value)) collect(`${key}.${inner}`, innerValue);
    } else {
      collect(key, value);
    }
  }
  return { values, problems };

  function collect(key: string, value: unknown): void {
    if (KEYS.includes(key)) values.set(key as SettingKey, value);
    else problems.push(`config file ${file} has an unknown setting ${key}${didYouMean(key, KEYS)}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
