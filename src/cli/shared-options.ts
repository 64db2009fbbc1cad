import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import { loadConfig } from '../config/load-config.js';
import { CONFIG_FILE_ENV, SETTINGS, type SettingKey } from '../config/settings.js';
import type { AdminContext } from './admin-node.js';
import type { CliIo } from './cli-io.js';

const PLACEHOLDERS: Readonly<Record<string, string>> = { integer: 'n', path: 'path', 'readable-file': 'file', 'database-url': 'url', 'schema-name': 'schema', 'time-zone': 'zone' };

/** The settings the admin commands take as flags (they read the same environment and config file as serve). */
export const ADMIN_FLAG_SETTINGS: readonly SettingKey[] = ['dataDir', 'signingKeyFile', 'nodePrefixes', 'store', 'databaseUrl', 'databaseSchema'];

/**
 * Adds --config and the flags of the given settings (all settings with a flag when `keys` is 'all').
 * Flags stay raw text here: loadConfig validates them with every other source.
 */
export function addSettingOptions(command: Command, keys: readonly SettingKey[] | 'all'): Command {
  command.option('--config <file>', `JSON config file (env ${CONFIG_FILE_ENV})`);
  for (const setting of SETTINGS) {
    if (setting.flag === undefined || (keys !== 'all' && !keys.includes(setting.key))) continue;
    const help = `${setting.description} (env ${setting.env})`;
    if (setting.kind.type === 'prefixes') {
      command.option(`${setting.flag} <prefix>`, `${help}; repeat for several`, (value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    } else if (setting.kind.type === 'boolean') {
      // The flag alone turns the setting on; `--flag false` turns it off (over the environment or config file).
      command.option(`${setting.flag} [true|false]`, help);
    } else {
      command.option(`${setting.flag} <${PLACEHOLDERS[setting.kind.type] ?? 'value'}>`, help);
    }
  }
  return command;
}

/** Throws IdnodeError CONFIG_INVALID (see loadConfig). */
export function configFromOptions(options: Record<string, unknown>, io: CliIo): Config {
  const configFile = typeof options['config'] === 'string' ? options['config'] : undefined;
  return loadConfig({ flags: options, env: io.env, cwd: io.cwd, ...(configFile === undefined ? {} : { configFile }) });
}

/** The store-locating flags of ADMIN_FLAG_SETTINGS plus `extra`, and --create (see withAdminNode). */
export function addAdminOptions(command: Command, extra: readonly SettingKey[] = []): Command {
  return addSettingOptions(command, [...ADMIN_FLAG_SETTINGS, ...extra]).option('--create', 'create an empty store when none exists where the settings point (otherwise refused)');
}

/** The admin command's context from its parsed options (throws IdnodeError CONFIG_INVALID as loadConfig). */
export function adminContext(options: Record<string, unknown>, io: CliIo): AdminContext {
  return { config: configFromOptions(options, io), io, create: options['create'] === true };
}
