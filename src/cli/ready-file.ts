import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * What the ready file holds: the address of each front end serving, by its name (see FrontEnd), e.g.
 * `{"http": "http://127.0.0.1:8000", "grpc": "127.0.0.1:8001"}`. A front end turned off has no key. With
 * `serve --workers N` (N > 1) it also has `"workers"`: the workers' pids, space-separated, lead first (rewritten
 * when a crashed worker's replacement listens).
 */
export type ReadyFileContent = Readonly<Record<string, string>>;

/**
 * Writes the ready file atomically (a temporary file in the same directory, then a rename), so a reader
 * polling for it sees either no file or the whole content. Creates the directory if missing.
 */
export async function writeReadyFile(file: string, content: ReadyFileContent): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(content)}\n`);
  await rename(temporary, file);
}

/** Removes the ready file if present (a stale one must not announce a server that is not up). */
export async function removeReadyFile(file: string): Promise<void> {
  await rm(file, { force: true });
}
