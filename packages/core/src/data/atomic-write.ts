import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A temporary path beside `target` (same directory, so a rename onto `target` is atomic),
 * unique to this process and call: `.<name>.<pid>.<random>.part`.
 */
export function temporaryPathBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
}

/**
 * Writes `data` to `target` atomically: the bytes go to a temporary file in the same directory,
 * which is then renamed onto `target`. Readers (other processes included) see either the old
 * file or the complete new one, never a partial write. Creates the directory when missing.
 */
export async function writeFileAtomic(target: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temporary = temporaryPathBeside(target);
  try {
    await writeFile(temporary, data);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
