import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix, relative } from 'node:path';
import type { LibrarySourceRecord } from '@kdlab/core';
import type { ExtractionEntry, LibraryArchive } from '../archive/archive-member.js';
import type { NativeDirLayout } from '../layout/native-dir-layout.js';
import type { LibraryPlan } from '../layout/plan-library-layout.js';

/** What {@link placeLibrary} did. */
export interface PlacedLibrary {
  /** False when a valid earlier extraction was reused. */
  extracted: boolean;
}

/** What {@link placeLibrary} records beside the extracted files, to know when they can be reused. */
interface LibraryStamp {
  source: LibrarySourceRecord;
  files: Array<{ path: string; size: number }>;
  links: LibraryPlan['links'];
}

function sameSource(first: LibrarySourceRecord, second: LibrarySourceRecord): boolean {
  return first.kind === second.kind && first.path === second.path && first.size === second.size && first.modifiedMs === second.modifiedMs;
}

/** Whether the stamp says the files came from this unchanged source, they are all still there, and they include every one now wanted (`wanted`: paths relative to the library folder). */
async function stampStillValid(layout: NativeDirLayout, source: LibrarySourceRecord, wanted: readonly string[]): Promise<boolean> {
  if (!existsSync(layout.libraryStamp)) return false;
  const stamp = JSON.parse(await readFile(layout.libraryStamp, 'utf8')) as LibraryStamp;
  if (!sameSource(stamp.source, source)) return false;
  const extracted = new Set(stamp.files.map((file) => file.path));
  if (wanted.some((path) => !extracted.has(path))) return false;
  for (const file of stamp.files) {
    const info = await stat(join(layout.libraryDir, file.path)).catch(() => undefined);
    if (info === undefined || info.size !== file.size) return false;
  }
  return true;
}

/**
 * The extraction entries for a plan: the two libraries into `lib/`, the headers into `include/`
 * (their paths below the plan's include root kept).
 *
 * @param plan - The library plan.
 * @param headers - The header members to take (from the include closure).
 * @param libraryDir - Where the library goes.
 */
export function extractionEntries(plan: LibraryPlan, headers: readonly string[], libraryDir: string): ExtractionEntry[] {
  const root = plan.includeRoot === '' ? '' : `${plan.includeRoot}/`;
  return [
    { member: plan.cLibrary.member, destination: join(libraryDir, 'lib', plan.cLibrary.fileName) },
    { member: plan.frameworkLibrary.member, destination: join(libraryDir, 'lib', plan.frameworkLibrary.fileName) },
    ...headers.map((member) => ({ member, destination: join(libraryDir, 'include', ...posix.relative(root, member).split('/')) })),
  ];
}

/** Points the package's `deps` at the extracted library (replacing whatever was there). */
async function linkDeps(layout: NativeDirLayout): Promise<void> {
  const existing = await lstat(layout.depsLink).catch(() => undefined);
  if (existing !== undefined) await rm(layout.depsLink, { recursive: true, force: true });
  await mkdir(dirname(layout.depsLink), { recursive: true });
  await symlink(relative(dirname(layout.depsLink), layout.libraryDir), layout.depsLink, 'dir');
}

/**
 * Puts the TensorFlow library where tfjs-node's `binding.gyp` and its addon look for it: extracts
 * the libraries and headers into the build folder's `libtensorflow/<backend>` (skipped when a stamp
 * says they came from the same unchanged source), makes the links the linker and the loader need,
 * and links the package's `deps` to it.
 *
 * @param request - The source and its archive, the plan and the headers, the layout, the log.
 */
export async function placeLibrary(request: {
  archive: LibraryArchive;
  source: LibrarySourceRecord;
  plan: LibraryPlan;
  headers: readonly string[];
  layout: NativeDirLayout;
  log: (line: string) => void;
}): Promise<PlacedLibrary> {
  const { layout, plan } = request;
  const entries = extractionEntries(plan, request.headers, layout.libraryDir);
  const relativePath = (destination: string): string => relative(layout.libraryDir, destination).split('\\').join('/');
  if (await stampStillValid(layout, request.source, entries.map((entry) => relativePath(entry.destination)))) {
    request.log(`TensorFlow library: already extracted from this source into ${layout.libraryDir}`);
    await linkDeps(layout);
    return { extracted: false };
  }
  await rm(layout.libraryDir, { recursive: true, force: true });
  request.log(`extracting ${plan.cLibrary.fileName}, ${plan.frameworkLibrary.fileName} and ${request.headers.length} C API headers into ${layout.libraryDir} ...`);
  await request.archive.extract(entries);
  const libDir = join(layout.libraryDir, 'lib');
  for (const library of [plan.cLibrary, plan.frameworkLibrary]) await chmod(join(libDir, library.fileName), 0o755);
  for (const link of plan.links) await symlink(link.target, join(libDir, link.name));
  const files = await Promise.all(
    entries.map(async (entry) => ({ path: relativePath(entry.destination), size: (await stat(entry.destination)).size })),
  );
  const stamp: LibraryStamp = { source: request.source, files, links: plan.links };
  await writeFile(layout.libraryStamp, `${JSON.stringify(stamp, null, 2)}\n`);
  await linkDeps(layout);
  return { extracted: true };
}
