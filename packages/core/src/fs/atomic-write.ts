import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Prefix of the temporary files a write goes through (the MLflow store keeps them in its root, where
 * the server ignores files).
 */
export const TEMP_FILE_PREFIX = '.kdlab-tmp-';

/**
 * A temporary path beside `target` (same folder, so a rename onto `target` is atomic), unique to this
 * process and call: `.<name>.<pid>.<random>.part`.
 */
export function temporaryPathBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
}

/**
 * Writes a file completely or not at all: the content goes to a temporary file in `tempFolder`
 * (which must be on the same file system), which is then renamed over `target`. Missing parent
 * folders of `target` are created.
 *
 * @param tempFolder - Where the temporary file is made (the store root).
 * @param target - The file to write.
 * @param content - Its full content.
 * @throws Error naming `target` when a folder stands where the file should go, or a file where a folder should.
 */
export async function writeFileAtomically(tempFolder: string, target: string, content: string | Uint8Array): Promise<void> {
  await mkdir(tempFolder, { recursive: true });
  const temporary = join(tempFolder, `${TEMP_FILE_PREFIX}${randomBytes(12).toString('hex')}`);
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temporary, content, { flag: 'wx' });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw explainPathConflict(error, target);
  }
}

/**
 * Turns a file-versus-folder clash (a key `a` beside a key `a/b`) into an error that names the path.
 *
 * @param error - What the file system threw.
 * @param target - The file being written.
 * @returns The explained error, or `error` itself when it is something else.
 */
export function explainPathConflict(error: unknown, target: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') {
    return new Error(
      `Cannot write '${target}': it or one of its parent folders clashes with an existing file or folder ` +
        `(a key cannot name both a value and a folder of keys, e.g. 'train' and 'train/loss').`,
      { cause: error },
    );
  }
  return error;
}
