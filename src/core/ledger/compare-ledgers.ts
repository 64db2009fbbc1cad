import type { ExportedEntry } from './ledger-entry.js';
import type { LedgerProblem } from './verify-ledger.js';

/**
 * What an auditor holding an earlier export learns from a later one (issue: evidence nobody can quietly
 * rewrite): every day sealed in the earlier export must still be there, sealed the same way (same seq, same
 * hash). A node that re-sealed a day — with its own key, after dropping the append-only trigger and editing
 * counts — produces a ledger that verifies by itself; only the earlier copy shows that it changed. Each
 * problem names the day and states both versions (seq, hash, sealing time, the totals that differ).
 * Both documents are taken as they are: verify each with verifyLedger first. Pure: no I/O.
 */
export function compareWithEarlier(earlier: readonly ExportedEntry[], current: readonly ExportedEntry[]): LedgerProblem[] {
  const problems: LedgerProblem[] = [];
  const byDay = new Map(current.map((entry, position) => [entry.day, { entry, position }]));
  for (const before of earlier) {
    const now = byDay.get(before.day);
    if (now === undefined) {
      problems.push({
        day: before.day,
        position: -1,
        message: `day ${before.day} was sealed in the earlier export (${describe(before)}) and is missing from this one`,
      });
      continue;
    }
    if (now.entry.hash !== before.hash || now.entry.seq !== before.seq) {
      problems.push({
        day: before.day,
        position: now.position,
        message: `day ${before.day} was sealed again with other content: earlier ${describe(before)}; now ${describe(now.entry)}${totalsDifference(before, now.entry)}`,
      });
    }
  }
  return problems;
}

function describe(entry: ExportedEntry): string {
  return `seq ${entry.seq}, hash ${entry.hash}, sealed at ${entry.sealedAt}, ${entry.clock} clock, ${entry.rowCount} row(s)`;
}

function totalsDifference(before: ExportedEntry, now: ExportedEntry): string {
  const kinds = [...new Set([...Object.keys(before.totals), ...Object.keys(now.totals)])].sort();
  const changed = kinds
    .filter((kind) => (before.totals as Record<string, number>)[kind] !== (now.totals as Record<string, number>)[kind])
    .map((kind) => `${kind} ${(before.totals as Record<string, number>)[kind] ?? 0} → ${(now.totals as Record<string, number>)[kind] ?? 0}`);
  return changed.length > 0 ? `; totals changed: ${changed.join(', ')}` : '; totals unchanged';
}
