import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** The file in the native build folder that records what was built, from what. */
export const NATIVE_MANIFEST_FILE = 'manifest.json';

/** The kinds of TensorFlow C library sources `kdlab native build` can use. */
export const LIBRARY_SOURCE_KINDS = ['wheel', 'tarball', 'folder'] as const;

/** One of {@link LIBRARY_SOURCE_KINDS}: a Python wheel, a libtensorflow tarball, or an unpacked folder. */
export type LibrarySourceKind = (typeof LIBRARY_SOURCE_KINDS)[number];

/** Where a native build's TensorFlow C library came from (and how to tell that it has not changed). */
export interface LibrarySourceRecord {
  /** A wheel, a tarball or a folder. */
  kind: LibrarySourceKind;
  /** Its absolute path. */
  path: string;
  /** Its size in bytes (0 for a folder). */
  size: number;
  /** When it was last modified, in ms since the epoch. */
  modifiedMs: number;
}

/** What one `kdlab native build` produced (one per native backend). */
export interface NativeBuildRecord {
  /** The npm package built. */
  package: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';
  /** Its version. */
  packageVersion: string;
  /** The TensorFlow version the built library reports (`TF_Version()`). */
  tensorflowVersion: string;
  /** The library it was built against. */
  source: LibrarySourceRecord;
  /** The shared libraries placed in its `deps/lib`. */
  libraryFiles: string[];
  /** The built addon (`tfjs_binding.node`). */
  addonPath: string;
  /** The Node-API version it was built for. */
  napiVersion: number;
  /** The Node.js that built it. */
  nodeVersion: string;
  /** When, as an ISO date. */
  builtAt: string;
  /** How long the whole build took, in seconds. */
  buildSeconds: number;
  /** kdlab's fused TensorFlow ops built beside it (absent in builds made before they existed). */
  ops?: NativeOpsRecord;
}

/** kdlab's fused TensorFlow ops (`@kdlab/native`'s `ops/kdlab_ops.cc`), as one build compiled them. */
export interface NativeOpsRecord {
  /** The Node-API addon that registers them (`ops/<backend>/kdlab_ops.node`). */
  path: string;
  /** The ops' version it declares; kdlab uses them only at the version it knows ({@link NATIVE_OPS_VERSION}). */
  version: number;
  /** SHA-256 of the source it was compiled from (a changed source is rebuilt). */
  sourceSha256: string;
}

/** The contents of the native build folder's `manifest.json`. */
export interface NativeManifest {
  /** The manifest's format; 1. */
  formatVersion: 1;
  /** The build of each native backend, when there is one. */
  builds: NativeManifestBuilds;
}

/** The builds recorded in a {@link NativeManifest}, by backend. */
export interface NativeManifestBuilds {
  /** The `@tensorflow/tfjs-node` build. */
  node?: NativeBuildRecord;
  /** The `@tensorflow/tfjs-node-gpu` build. */
  'node-gpu'?: NativeBuildRecord;
}

const sourceSchema = z.object({
  kind: z.enum(LIBRARY_SOURCE_KINDS),
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  modifiedMs: z.number().nonnegative(),
});

const buildRecordSchema = z.object({
  package: z.enum(['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']),
  packageVersion: z.string().min(1),
  tensorflowVersion: z.string().min(1),
  source: sourceSchema,
  libraryFiles: z.array(z.string().min(1)).min(1),
  addonPath: z.string().min(1),
  napiVersion: z.number().int().positive(),
  nodeVersion: z.string().min(1),
  builtAt: z.string().min(1),
  buildSeconds: z.number().nonnegative(),
  ops: z.object({ path: z.string().min(1), version: z.number().int().positive(), sourceSha256: z.string().min(1) }).optional(),
});

const manifestSchema: z.ZodType<NativeManifest> = z.object({
  formatVersion: z.literal(1),
  builds: z.object({ node: buildRecordSchema.optional(), 'node-gpu': buildRecordSchema.optional() }),
});

/** A manifest with no builds yet. */
export function emptyNativeManifest(): NativeManifest {
  return { formatVersion: 1, builds: {} };
}

/**
 * Reads the native build folder's manifest; an empty one when the file does not exist.
 * Throws naming the file and the field when it exists but is not a valid manifest.
 *
 * @param nativeDir - The native build folder.
 */
export async function readNativeManifest(nativeDir: string): Promise<NativeManifest> {
  const file = join(nativeDir, NATIVE_MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyNativeManifest();
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message}). Delete it and run \`kdlab native build\` again.`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: field "${issue.path.join('.')}": ${issue.message}. Delete it and run \`kdlab native build\` again.`);
  }
  return parsed.data;
}

/**
 * Writes the manifest atomically (a temporary file renamed over the old one).
 *
 * @param nativeDir - The native build folder (created when missing).
 * @param manifest - What to write.
 */
export async function writeNativeManifest(nativeDir: string, manifest: NativeManifest): Promise<void> {
  await mkdir(nativeDir, { recursive: true });
  const file = join(nativeDir, NATIVE_MANIFEST_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(manifestSchema.parse(manifest), null, 2)}\n`);
  await rename(temporary, file);
}
