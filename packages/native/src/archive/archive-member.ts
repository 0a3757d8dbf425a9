/** One entry of a wheel, tarball or folder, by its path inside it (always with `/`). */
export interface ArchiveMember {
  /** The path inside the archive or folder, `/`-separated, with no leading `./` or `/`. */
  path: string;
  /** A regular file, a symbolic link or a directory. */
  kind: 'file' | 'symlink' | 'directory';
  /** The size in bytes (0 for links and directories). */
  size: number;
  /** What a symbolic link points to, as stored. */
  linkTarget?: string;
}

/** A file to take out of an archive: which member, and where it goes. */
export interface ExtractionEntry {
  /** The member's path (a regular file). */
  member: string;
  /** The absolute destination path. */
  destination: string;
}

/** A wheel, a tarball or a folder holding a TensorFlow C library, read the same way. */
export interface LibraryArchive {
  /** The archive or folder on disk. */
  readonly path: string;
  /** All its members. */
  list(): Promise<ArchiveMember[]>;
  /**
   * The contents of some regular-file members (small ones: headers); members that are not there are
   * left out of the result.
   */
  read(paths: readonly string[]): Promise<Map<string, Buffer>>;
  /** Writes members to their destinations (folders are created; an existing file is replaced). */
  extract(entries: readonly ExtractionEntry[]): Promise<void>;
}

/**
 * Normalises a member path: `/` separators, no leading `./` or `/`, no trailing `/`. Throws when it
 * would leave the archive (`..`), naming the archive.
 *
 * @param raw - The path as stored.
 * @param archive - The archive's path, for the error.
 */
export function normalizeMemberPath(raw: string, archive: string): string {
  const parts: string[] = [];
  for (const part of raw.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new Error(`${archive}: member "${raw}" points outside the archive.`);
    parts.push(part);
  }
  return parts.join('/');
}
