import t from 'tap';
import { workerExecArgv } from '../../src/cli/workers/worker-heap.js';

t.test('a worker gets the primary\'s node options, then its young generation (0: none, V8 sizes it)', async (t) => {
  const primary = ['--enable-source-maps', '--import=x.mjs'];
  t.same(workerExecArgv(primary, 0), primary);
  t.same(workerExecArgv(primary, 32), [...primary, '--min-semi-space-size=32', '--max-semi-space-size=32']);
  t.same(workerExecArgv(['--max-semi-space-size=8'], 64).slice(-1), ['--max-semi-space-size=64'], 'last, so it wins over the primary\'s own');
  t.not(workerExecArgv(primary, 0), primary, 'a copy: the primary\'s own array is never handed on');
});
