import { posix } from 'node:path';
import type { ArchiveMember } from '../archive/archive-member.js';

/** A shared library to take out of the source, and its file name in the addon's `deps/lib`. */
export interface PlannedLibrary {
  /** The member holding the library itself (not a link). */
  member: string;
  /** Its name in `deps/lib`. */
  fileName: string;
}

/** A symbolic link to make beside the libraries. */
export interface LibraryLink {
  /** The link's name (`libtensorflow.so`). */
  name: string;
  /** The file it points to, in the same folder. */
  target: string;
}

/** Where each part of a TensorFlow library goes in the layout tfjs-node's `binding.gyp` expects. */
export interface LibraryPlan {
  /** The library with the C API: `libtensorflow.so.N` (libtensorflow tarballs) or `libtensorflow_cc.so.N` (wheels). */
  cLibrary: PlannedLibrary;
  /** `libtensorflow_framework.so.N`, which the C library needs beside it. */
  frameworkLibrary: PlannedLibrary;
  /**
   * Symbolic links to make in `deps/lib`: the names the linker looks for (`-ltensorflow` wants
   * `libtensorflow.so`, `-ltensorflow_framework` wants `libtensorflow_framework.so`) and the
   * run-time names (`libtensorflow.so.2`) that pointed at the libraries in the source.
   */
  links: LibraryLink[];
  /** The folder inside the source that holds `tensorflow/c/c_api.h` (`include`, `tensorflow/include`, or `` for the top). */
  includeRoot: string;
}

const LIBRARY_NAME = /^lib(tensorflow|tensorflow_cc|tensorflow_framework)\.so((?:\.\d+)*)$/;

/** Follows symbolic links inside the archive; undefined when a link leaves it or loops. */
function resolveMember(path: string, byPath: Map<string, ArchiveMember>): ArchiveMember | undefined {
  let current = byPath.get(path);
  for (let hop = 0; hop < 16 && current !== undefined; hop++) {
    if (current.kind !== 'symlink') return current;
    const target = current.linkTarget ?? '';
    if (target.startsWith('/')) return undefined;
    const next = posix.normalize(posix.join(posix.dirname(current.path), target));
    if (next.startsWith('..')) return undefined;
    current = byPath.get(next);
  }
  return undefined;
}

interface NamedLibrary {
  base: string;
  name: string;
  real: ArchiveMember;
}

function chooseFile(named: NamedLibrary[], base: string): NamedLibrary | undefined {
  // Several names may reach the same file (links), or be copies of it: the longest name is the file itself.
  return named.filter((entry) => entry.base === base).sort((first, second) => posix.basename(second.real.path).length - posix.basename(first.real.path).length)[0];
}

function linksFor(named: NamedLibrary[], bases: string[], chosen: NamedLibrary, linkTimeName: string): LibraryLink[] {
  const fileName = posix.basename(chosen.real.path);
  const names = new Set(named.filter((entry) => bases.includes(entry.base)).map((entry) => entry.name));
  names.add(linkTimeName);
  // The run-time name (soname) by convention: libX.so.2 for libX.so.2.9.1.
  const major = /^(lib\w+\.so\.\d+)\.\d+/.exec(fileName)?.[1];
  if (major !== undefined) names.add(major);
  names.delete(fileName);
  return [...names].sort().map((name) => ({ name, target: fileName }));
}

/**
 * Decides, from a source's member list alone, which files the addon build needs and where they go:
 * the C-API library and the framework library (found in the same folder, the shallowest such
 * folder when there are several; links followed to the files), the links to make beside them, and
 * the folder the C API headers hang from. Throws naming the source and what is missing.
 *
 * @param members - The source's members ({@link ArchiveMember}).
 * @param source - The source's path or label, for errors.
 */
export function planLibraryLayout(members: readonly ArchiveMember[], source: string): LibraryPlan {
  const byPath = new Map(members.map((member) => [member.path, member]));
  const byFolder = new Map<string, NamedLibrary[]>();
  for (const member of members) {
    if (member.kind === 'directory') continue;
    const match = LIBRARY_NAME.exec(posix.basename(member.path));
    if (match === null) continue;
    const real = resolveMember(member.path, byPath);
    if (real === undefined || real.kind !== 'file') continue;
    const folder = posix.dirname(member.path);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), { base: match[1]!, name: posix.basename(member.path), real }]);
  }
  const folders = [...byFolder.entries()]
    .filter(([, named]) => named.some((entry) => entry.base === 'tensorflow_framework') && named.some((entry) => entry.base !== 'tensorflow_framework'))
    .sort(([first], [second]) => first.split('/').length - second.split('/').length || first.localeCompare(second));
  if (folders.length === 0) {
    throw new Error(
      `${source}: no TensorFlow C library in it: expected libtensorflow.so.N (libtensorflow tarballs) or libtensorflow_cc.so.N (TensorFlow 2.x wheels) beside libtensorflow_framework.so.N.`,
    );
  }
  const named = folders[0]![1];
  const cLibrary = chooseFile(named, 'tensorflow') ?? chooseFile(named, 'tensorflow_cc')!;
  const framework = chooseFile(named, 'tensorflow_framework')!;

  const headerPrefixes = members
    .filter((member) => member.path === 'tensorflow/c/c_api.h' || member.path.endsWith('/tensorflow/c/c_api.h'))
    .map((member) => member.path.slice(0, -'tensorflow/c/c_api.h'.length))
    .filter((prefix) => byPath.has(`${prefix}tensorflow/c/eager/c_api.h`))
    .sort((first, second) => first.split('/').length - second.split('/').length || first.localeCompare(second));
  if (headerPrefixes.length === 0) {
    throw new Error(`${source}: no TensorFlow C API headers in it: expected tensorflow/c/c_api.h and tensorflow/c/eager/c_api.h under an include folder.`);
  }

  return {
    cLibrary: { member: cLibrary.real.path, fileName: posix.basename(cLibrary.real.path) },
    frameworkLibrary: { member: framework.real.path, fileName: posix.basename(framework.real.path) },
    links: [
      ...linksFor(named, [cLibrary.base], cLibrary, 'libtensorflow.so'),
      ...linksFor(named, ['tensorflow_framework'], framework, 'libtensorflow_framework.so'),
    ],
    includeRoot: headerPrefixes[0]!.replace(/\/$/, ''),
  };
}
