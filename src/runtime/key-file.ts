import { constants } from 'node:fs';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IdnodeError } from '../core/errors/catalogue.js';
import type { KeyVault } from '../core/ledger/key-vault.js';

/**
 * The signing key in its own file, readable by its owner only (mode 0600), in a directory created 0700.
 * create() writes a temporary file and links it into place (link fails if the name exists), so the key file
 * appears whole or not at all, and two processes starting at once keep one key. A key file
 * that group or others may read is refused (as ssh refuses a private key anyone may read): chmod 600 it.
 * Throws IdnodeError CONFIG_INVALID naming the file when it cannot be read or written.
 */
export function fileKeyVault(path: string): KeyVault {
  return {
    location: path,
    async read() {
      let text: string;
      try {
        const info = await stat(path);
        if ((info.mode & 0o077) !== 0) {
          throw new IdnodeError(
            'CONFIG_INVALID',
            `invalid configuration: the node signing key ${path} may be read by others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}); make it the owner's only: chmod 600 ${path}`,
          );
        }
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        if (error instanceof IdnodeError) throw error;
        throw unreadable(path, error);
      }
      return text;
    },
    async create(pem: string) {
      const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
      try {
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        const file = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        try {
          await file.writeFile(pem, 'utf8');
          await file.sync();
        } finally {
          await file.close();
        }
        await link(temporary, path);
        return pem;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unreadable(path, error);
        return (await this.read())!;
      } finally {
        await unlink(temporary).catch(() => {});
      }
    },
  };
}

function unreadable(path: string, error: unknown): IdnodeError {
  return new IdnodeError('CONFIG_INVALID', `invalid configuration: cannot use the node signing key file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
}
