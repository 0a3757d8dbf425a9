import { copyFile, lstat, mkdir, readdir, readFile, readlink, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ArchiveMember, ExtractionEntry, LibraryArchive } from './archive-member.js';

/** Folders that never hold what the addon needs and can be large: skipped while listing. */
const SKIPPED_FOLDERS = new Set(['__pycache__', 'python', 'lite', 'compiler', 'node_modules', '.git']);

/**
 * An unpacked TensorFlow library folder (a libtensorflow tarball unpacked, or an installed
 * `site-packages/tensorflow`), read like an archive: members are its files, copied out.
 */
export class FolderArchive implements LibraryArchive {
  private members: ArchiveMember[] | undefined;

  /** @param path - The folder. */
  constructor(readonly path: string) {}

  /** Its files, links and sub-folders (not following links; Python and compiler sub-trees left out). */
  async list(): Promise<ArchiveMember[]> {
    if (this.members !== undefined) return this.members;
    const members: ArchiveMember[] = [];
    const walk = async (relative: string): Promise<void> => {
      const entries = await readdir(join(this.path, relative), { withFileTypes: true });
      for (const entry of entries) {
        const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
        if (entry.isSymbolicLink()) members.push({ path, kind: 'symlink', size: 0, linkTarget: await readlink(join(this.path, path)) });
        else if (entry.isDirectory()) {
          members.push({ path, kind: 'directory', size: 0 });
          if (!SKIPPED_FOLDERS.has(entry.name) || `/${path}`.includes('/include/')) await walk(path);
        } else if (entry.isFile()) members.push({ path, kind: 'file', size: (await lstat(join(this.path, path))).size });
      }
    };
    await walk('');
    this.members = members;
    return members;
  }

  /** The contents of some files. */
  async read(paths: readonly string[]): Promise<Map<string, Buffer>> {
    const result = new Map<string, Buffer>();
    for (const path of paths) {
      try {
        result.set(path, await readFile(join(this.path, path)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return result;
  }

  /** Copies files to their destinations (a copy-on-write clone where the file system offers one). */
  async extract(entries: readonly ExtractionEntry[]): Promise<void> {
    for (const { member, destination } of entries) {
      await mkdir(dirname(destination), { recursive: true });
      const temporary = `${destination}.${process.pid}.part`;
      try {
        await copyFile(join(this.path, member), temporary);
        await rename(temporary, destination);
      } catch (error) {
        await rm(temporary, { force: true });
        throw new Error(`${this.path}: cannot copy "${member}": ${(error as Error).message}`);
      }
    }
  }
}
