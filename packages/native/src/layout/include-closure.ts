import { posix } from 'node:path';

/**
 * The `#include "..."` names in a C or C++ source (angle-bracket includes are system headers and
 * are left out).
 *
 * @param source - The file's text.
 */
export function quotedIncludes(source: string): string[] {
  return [...source.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm)].map((match) => match[1]!);
}

/**
 * The TensorFlow headers tfjs-node's addon includes directly: the quoted includes of its sources
 * that are not its own files.
 *
 * @param sources - The addon's sources (`binding/*.cc`, `binding/*.h`) by file name.
 */
export function addonTensorFlowIncludes(sources: ReadonlyMap<string, string>): string[] {
  const own = new Set([...sources.keys()].map((name) => posix.basename(name)));
  const names = new Set<string>();
  for (const text of sources.values()) for (const name of quotedIncludes(text)) if (!own.has(posix.basename(name)) || name.includes('/')) names.add(name);
  return [...names].sort();
}

/** The headers a build needs, as member paths of the source. */
export interface IncludeClosure {
  /** Member paths of every header reached. */
  headers: string[];
  /** Include names that the source does not have. */
  missing: MissingInclude[];
}

/** An include the source lacks. */
export interface MissingInclude {
  /** The name as written in `#include "..."`. */
  name: string;
  /** The header that asked for it, or `addon` for tfjs-node's own sources. */
  from: string;
}

/**
 * Follows quoted includes from the addon's TensorFlow includes through the source's headers, so
 * that only the headers the build reads are extracted (13 of a wheel's 13,000). An include is looked
 * for beside the including header first, then under the include root, as a C compiler does.
 *
 * @param request - The first include names, the include root, the source's member paths and a
 *   reader for header contents (called once per level with all the new headers).
 */
export async function includeClosure(request: {
  roots: readonly string[];
  includeRoot: string;
  members: ReadonlySet<string>;
  read: (paths: string[]) => Promise<Map<string, Buffer>>;
}): Promise<IncludeClosure> {
  const underRoot = (name: string): string => (request.includeRoot === '' ? posix.normalize(name) : posix.normalize(posix.join(request.includeRoot, name)));
  const seen = new Set<string>();
  const missing: IncludeClosure['missing'] = [];
  let level: string[] = [];
  const visit = (name: string, from: string, besideFolder: string | undefined): void => {
    const candidates = [...(besideFolder !== undefined ? [posix.normalize(posix.join(besideFolder, name))] : []), underRoot(name)];
    const found = candidates.find((candidate) => request.members.has(candidate));
    if (found === undefined) missing.push({ name, from });
    else if (!seen.has(found)) {
      seen.add(found);
      level.push(found);
    }
  };
  for (const name of request.roots) visit(name, 'addon', undefined);
  while (level.length > 0) {
    const contents = await request.read(level);
    const current = level;
    level = [];
    for (const header of current) {
      const text = contents.get(header)?.toString('utf8') ?? '';
      for (const name of quotedIncludes(text)) visit(name, header, posix.dirname(header));
    }
  }
  return { headers: [...seen].sort(), missing };
}
