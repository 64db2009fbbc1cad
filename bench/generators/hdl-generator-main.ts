/**
 * The Handle-protocol load generator as its own process (bench/lib/hdl-load.ts starts it pinned to the
 * generator core): reads one run (an HdlLoadCommand, JSON) per line on stdin, runs it, and prints its report
 * (HdlGeneratorReport, JSON; or {"error": message}) as one line on stdout. Exits when stdin ends. No Debian tool speaks the
 * Handle protocol, hence this one.
 */
import { createInterface } from 'node:readline';
import { runHdlLoad, type HdlLoadCommand } from '../lib/hdl-generator.js';

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === '') continue;
  try {
    const report = await runHdlLoad(JSON.parse(line) as HdlLoadCommand);
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } catch (error) {
    // The bench reads the line and fails the run with this message (parseGeneratorReport).
    process.stdout.write(`${JSON.stringify({ error: (error as Error).message })}\n`);
  }
}
