import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

/**
 * A fresh directory under the system's temporary directory (short paths, unlike t.testdir(), for sockets and
 * scripts), removed when `t` ends. `prefix` names what it is for, as mkdtemp's.
 */
export function scratchDir(t: Test, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
