import { execFileSync, spawn } from 'node:child_process';
import t from 'tap';
import {
  clockTicksPerSecond,
  parseCpuTimes,
  parseSchedstat,
  parseStatChildrenCpuTicks,
  parseStatCpuTicks,
  parseStatusKb,
  processCpuMicros,
  processPeakRssMb,
  processTreeCpuMicros,
  processThreadsWaitNs,
  processWaitNs,
  reapedChildrenCpuMicros,
  readCpuTimes,
  stealPercent,
} from '../../bench/lib/proc.js';

// A real /proc/<pid>/stat line, with a command name holding a space and parentheses.
const STAT = '4242 (node (idnode) x) S 1 4242 4242 0 -1 4194560 12345 0 0 0 1500 250 30 12 20 0 11 0 5000 1073741824 40000 18446744073709551615';

t.test('utime + stime from /proc/<pid>/stat, whatever the command name holds', async (t) => {
  t.equal(parseStatCpuTicks(STAT), 1750);
  t.throws(() => parseStatCpuTicks('garbage'), { code: 'INTERNAL_ERROR' });
  t.throws(() => parseStatCpuTicks('1 (x) S 1 2'), { code: 'INTERNAL_ERROR' });
});

t.test('cutime + cstime (reaped children) from /proc/<pid>/stat', async (t) => {
  t.equal(parseStatChildrenCpuTicks(STAT), 42);
  t.throws(() => parseStatChildrenCpuTicks('garbage'), { code: 'INTERNAL_ERROR' });
  t.throws(() => parseStatChildrenCpuTicks('1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12'), { code: 'INTERNAL_ERROR' });
});

t.test('VmHWM and VmRSS from /proc/<pid>/status', async (t) => {
  const status = 'Name:\tnode\nVmPeak:\t 2000000 kB\nVmHWM:\t  163840 kB\nVmRSS:\t  150000 kB\n';
  t.equal(parseStatusKb(status, 'VmHWM'), 163840);
  t.equal(parseStatusKb(status, 'VmRSS'), 150000);
  t.equal(parseStatusKb('Name:\tnode\n', 'VmHWM'), undefined);
});

t.test('steal from /proc/stat', async (t) => {
  const before = parseCpuTimes('cpu  100 0 50 800 10 0 5 5 0 0\ncpu0 50 0 25 400 5 0 2 2 0 0\n');
  t.same(before, { total: 970, steal: 5 });
  const after = parseCpuTimes('cpu  150 0 60 880 10 0 5 15 0 0\n');
  t.equal(stealPercent(before, after), (10 / 150) * 100);
  t.equal(stealPercent(before, before), 0);
  t.throws(() => parseCpuTimes('intr 1 2 3\n'), { code: 'INTERNAL_ERROR' });
});

t.test('schedstat', async (t) => {
  t.same(parseSchedstat('992720 964014 1\n'), { runNs: 992720, waitNs: 964014 });
  t.throws(() => parseSchedstat('x'), { code: 'INTERNAL_ERROR' });
});

t.test('reading this process from /proc', async (t) => {
  t.ok(clockTicksPerSecond() > 0);
  const before = processCpuMicros(process.pid);
  let spin = 0;
  const until = Date.now() + 50;
  while (Date.now() < until) spin++;
  t.ok(spin > 0);
  t.ok(processCpuMicros(process.pid) >= before);
  t.ok((processPeakRssMb(process.pid) ?? 0) > 10, 'a node process holds more than 10 MiB');
  t.equal(processPeakRssMb(2 ** 30), undefined, 'no such process');
  t.ok(processWaitNs('self') >= 0);
  t.equal(processWaitNs(2 ** 30), 0);
  t.ok(processThreadsWaitNs(process.pid) >= processWaitNs('self'), 'every thread waited at least as long as the main one');
  t.equal(processThreadsWaitNs(2 ** 30), 0);
  t.ok(readCpuTimes().total > 0);
  t.throws(() => processCpuMicros(2 ** 30));
});

t.test('the CPU of a reaped child counts in reapedChildrenCpuMicros', async (t) => {
  const before = reapedChildrenCpuMicros();
  // A child that spins for about 200 ms of CPU (clock ticks are 10 ms), then is reaped by execFileSync.
  execFileSync(process.execPath, ['-e', 'const until = Date.now() + 200; while (Date.now() < until);']);
  t.ok(reapedChildrenCpuMicros() - before >= 100_000);
});

t.test('the CPU of live children counts in processTreeCpuMicros', async (t) => {
  // A child that burns 200 ms of CPU (however long the machine makes that take), says so, then waits to be killed.
  const burn = 'while (process.cpuUsage().user < 200000); process.stdout.write("burnt"); setInterval(() => {}, 1000);';
  const child = spawn(process.execPath, ['-e', burn], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => child.kill('SIGKILL'));
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const own = processCpuMicros(process.pid);
  const tree = processTreeCpuMicros(process.pid);
  const childCpu = processCpuMicros(child.pid!);
  t.ok(childCpu >= 200_000, `the child used ${childCpu} µs`);
  t.ok(tree >= own + childCpu, 'the tree counts the child');
});
