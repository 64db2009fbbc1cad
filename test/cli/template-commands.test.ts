import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { fullTemplate } from '../snms/snms-fixture.js';
import { runInProcess } from './in-process.js';

const run = (args: string[]) => runInProcess(args, { cwd: t.testdirName });

t.test('template add, list, show, update, delete (as the operator at the machine), with text and --json', async (t) => {
  const dataDir = t.testdir();
  const store = ['--data-dir', dataDir];
  t.equal((await run(['enterprise', 'add', '--create', '--prefix', '88.999.1', '--name', 'A', ...store])).code, 0);
  const file = join(dataDir, 'template.json');
  writeFileSync(file, JSON.stringify(fullTemplate('1.0', '88.999.1')));

  const added = await run(['template', 'add', '--file', file, ...store]);
  t.equal(added.code, 0, added.stderr);
  t.equal(added.stdout, 'Created template 88.999.1 version 1.0 (6 items)\n');
  const again = await run(['template', 'add', '--file', file, ...store]);
  t.match(again, { code: 1, stderr: /^using the SQLite store .*\nerror: TEMPLATE_ALREADY_EXISTS: / });

  const listed = await run(['template', 'list', '--prefix', '88.999.1', ...store]);
  t.match(listed.stdout, /^88\.999\.1\t1\.0\tGB\/T 4754 C 38 381 3811\t6 items\tupdated /);
  t.equal((await run(['template', 'list', '--prefix', '88.999.2', ...store])).stdout, 'No templates.\n');
  const shown = await run(['template', 'show', '--prefix', '88.999.1', '--template-version', '1.0', '--json', ...store]);
  t.match(JSON.parse(shown.stdout), { prefix: '88.999.1', version: '1.0', items: [{ idIndex: 2000 }] });
  const text = await run(['template', 'show', '--prefix', '88.999.1', '--template-version', '1.0', ...store]);
  t.match(text.stdout, '  2000\tproduct.model\tstring\trequired\t产品型号\n');

  writeFileSync(file, JSON.stringify({ ...fullTemplate('1.0', '88.999.1'), industryCategory: 'K', industrySpecific: '70', industryTrade: undefined, industrySubclass: undefined }));
  const updated = await run(['template', 'update', '--file', file, '--json', ...store]);
  t.match(JSON.parse(updated.stdout), { industryCategory: 'K' });

  t.equal((await run(['template', 'delete', '--prefix', '88.999.1', '--template-version', '1.0', ...store])).stdout, 'Deleted template 88.999.1 version 1.0\n');
  t.match(await run(['template', 'delete', '--prefix', '88.999.1', '--template-version', '1.0', ...store]), { code: 1, stderr: /TEMPLATE_NOT_FOUND/ });

  writeFileSync(file, '{"prefix":');
  t.match(await run(['template', 'add', '--file', file, ...store]), { code: 1, stderr: /REQUEST_INVALID: the template file .* is not JSON/ });
  t.match(await run(['template', 'add', '--file', join(dataDir, 'missing.json'), ...store]), { code: 1, stderr: /REQUEST_INVALID: cannot read the template file/ });
  writeFileSync(file, JSON.stringify({ ...fullTemplate('2.0', '88.999.1'), items: [] }));
  t.match(await run(['template', 'add', '--file', file, ...store]), { code: 1, stderr: /TEMPLATE_INVALID: .*items must be a list/ });
});
