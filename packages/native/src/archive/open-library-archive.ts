import type { LibrarySourceKind } from '@kdlab/core';
import type { LibraryArchive } from './archive-member.js';
import { FolderArchive } from './folder-archive.js';
import { TarArchive } from './tar-archive.js';
import { ZipArchive } from './zip-archive.js';

/**
 * Opens a TensorFlow library source for reading: a wheel as a zip, a tarball as a gzip'd tar, a folder as is.
 *
 * @param source - Its kind and path.
 */
export function openLibraryArchive(source: { kind: LibrarySourceKind; path: string }): LibraryArchive {
  if (source.kind === 'wheel') return new ZipArchive(source.path);
  if (source.kind === 'tarball') return new TarArchive(source.path);
  return new FolderArchive(source.path);
}
