/**
 * Preloaded into a server under measurement (`node --import <compiled gc-probe.mjs> dist/cli/main.js serve`,
 * see bench/hit-garbage.ts): each SIGUSR2 opens or closes a measurement window. Closing one writes
 * `${GC_PROBE_OUT}.<n>.json` with what the process allocated on the V8 heap in the window, the collections
 * that ran in it and its CPU time; while the file `${GC_PROBE_OUT}.sample` exists when a window opens, also
 * where the allocations were made (V8's sampling heap profiler, keeping the samples of objects already
 * collected, so garbage is attributed too).
 *
 * Bytes are exact when no collection ran in the window (the heap's used size only grows then): the bench
 * starts the server with a young generation large enough for the window.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PerformanceObserver, constants as perf } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

interface Window {
  readonly usedBefore: number;
  readonly cpuBefore: NodeJS.CpuUsage;
  minorGcs: number;
  majorGcs: number;
  /** Milliseconds each young-generation collection in the window took. */
  readonly minorMs: number[];
}

interface ProfileNode {
  readonly id: number;
  readonly selfSize: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children: ProfileNode[];
}

const out = process.env['GC_PROBE_OUT'];
let sample = false;
let open: Window | undefined;
let closed = 0;
let session: Session | undefined;

const observer = new PerformanceObserver((list) => {
  if (open === undefined) return;
  for (const entry of list.getEntries()) {
    const kind = ((entry as unknown as { detail?: { kind?: number } }).detail)?.kind;
    if (kind === perf.NODE_PERFORMANCE_GC_MINOR) {
      open.minorGcs++;
      open.minorMs.push(entry.duration);
    }
    else open.majorGcs++;
  }
});
observer.observe({ entryTypes: ['gc'] });

if (out !== undefined) {
  process.on('SIGUSR2', () => {
    if (open === undefined) start();
    else stop();
  });
}

function start(): void {
  sample = existsSync(`${out}.sample`);
  if (sample) {
    session ??= new Session();
    session.connect();
    session.post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
  }
  open = { usedBefore: getHeapStatistics().used_heap_size, cpuBefore: process.cpuUsage(), minorGcs: 0, majorGcs: 0, minorMs: [] };
}

function stop(): void {
  const window = open!;
  const usedAfter = getHeapStatistics().used_heap_size;
  const cpu = process.cpuUsage(window.cpuBefore);
  // GC entries are delivered after the collection, on a later turn: read the counts once they have arrived.
  setTimeout(() => {
    open = undefined;
    const result = {
      allocatedBytes: usedAfter - window.usedBefore,
      minorGcs: window.minorGcs,
      majorGcs: window.majorGcs,
      minorMs: window.minorMs,
      cpuMicros: cpu.user + cpu.system,
      sites: undefined as undefined | { site: string; bytes: number }[],
    };
    const file = `${out}.${++closed}.json`;
    if (session === undefined || !sample) {
      writeFileSync(file, JSON.stringify(result));
      return;
    }
    session.post('HeapProfiler.stopSampling', (error, reply) => {
      if (error === null) result.sites = sitesOf((reply as unknown as { profile: { head: ProfileNode } }).profile.head);
      session!.disconnect();
      writeFileSync(file, JSON.stringify(result));
    });
  }, 50);
}

/** Sampled bytes by allocation site (the allocating function and its two callers), largest first. */
function sitesOf(head: ProfileNode): { site: string; bytes: number }[] {
  const bySite = new Map<string, number>();
  const walk = (node: ProfileNode, stack: string[]) => {
    const frame = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;
    const here = [frame, ...stack].slice(0, 4);
    if (node.selfSize > 0) {
      const site = here.join(' < ');
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, here);
  };
  walk(head, []);
  return [...bySite].map(([site, bytes]) => ({ site, bytes })).sort((a, b) => b.bytes - a.bytes);
}
