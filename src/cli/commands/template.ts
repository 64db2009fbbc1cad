import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { LOCAL_OPERATOR } from '../../core/auth/principal.js';
import { IdnodeError } from '../../core/errors/catalogue.js';
import type { StoredTemplate } from '../../core/templates/templates.js';
import { onAdminNode } from '../on-admin-node.js';
import type { CliIo } from '../cli-io.js';
import { adminContext } from '../shared-options.js';
import { admin } from './enterprise.js';
import { print } from './output.js';

/** `idnode template add|update|list|show|delete`: metadata templates of enterprise prefixes, as the operator. */
export function templateCommand(io: CliIo): Command {
  const command = new Command('template').description('manage the metadata templates (元数据模板) of enterprise prefixes');

  for (const [name, description] of [
    ['add', 'create a template version from a JSON file (the SNMS template body)'],
    ['update', 'replace a template version from a JSON file (identifiers already registered are not re-validated)'],
  ] as const) {
    admin(command.command(name).description(description))
      .requiredOption('--file <path>', 'the template as JSON: {prefix, version, industryCategory, …, items: [...]}')
      .action(async (options: Record<string, unknown>) => {
        const input = readTemplateFile(String(options['file']));
        const template = await onAdminNode(adminContext(options, io), (node) => (name === 'add' ? node.templates.create(LOCAL_OPERATOR, input) : node.templates.update(LOCAL_OPERATOR, input)));
        print(io, options['json'] === true, template, () => `${name === 'add' ? 'Created' : 'Updated'} template ${template.prefix} version ${template.version} (${template.items.length} items)\n`);
      });
  }

  admin(command.command('list').description('list the template versions of a prefix'))
    .requiredOption('--prefix <prefix>', 'enterprise prefix')
    .action(async (options: Record<string, unknown>) => {
      const templates = await onAdminNode(adminContext(options, io), (node) => node.templates.list(String(options['prefix'])));
      print(io, options['json'] === true, templates, () => (templates.length === 0 ? 'No templates.\n' : templates.map(summary).join('')));
    });

  admin(command.command('show').description('print one template version'))
    .requiredOption('--prefix <prefix>', 'enterprise prefix')
    .requiredOption('--template-version <version>', 'template version')
    .action(async (options: Record<string, unknown>) => {
      const template = await onAdminNode(adminContext(options, io), (node) => node.templates.get(String(options['prefix']), String(options['templateVersion'])));
      print(io, options['json'] === true, template, () => summary(template) + template.items.map((item) => `  ${item.idIndex}\t${item.idType}\t${item.metadata.type}\t${item.required ? 'required' : 'optional'}\t${item.name}\n`).join(''));
    });

  admin(command.command('delete').description('delete a template version'))
    .requiredOption('--prefix <prefix>', 'enterprise prefix')
    .requiredOption('--template-version <version>', 'template version')
    .action(async (options: Record<string, unknown>) => {
      await onAdminNode(adminContext(options, io), (node) => node.templates.delete(LOCAL_OPERATOR, String(options['prefix']), String(options['templateVersion'])));
      print(io, options['json'] === true, { deleted: true }, () => `Deleted template ${String(options['prefix'])} version ${String(options['templateVersion'])}\n`);
    });

  return command;
}

function summary(template: StoredTemplate): string {
  const industry = [template.industryCategory, template.industrySpecific, template.industryTrade, template.industrySubclass].filter((code) => code !== undefined).join(' ');
  return `${template.prefix}\t${template.version}\tGB/T 4754 ${industry}\t${template.items.length} items\tupdated ${template.updatedAt}\n`;
}

/** Throws REQUEST_INVALID naming the file when it cannot be read or is not JSON. */
function readTemplateFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new IdnodeError('REQUEST_INVALID', `cannot read the template file ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new IdnodeError('REQUEST_INVALID', `the template file ${path} is not JSON: ${(error as Error).message}`);
  }
}
