import { describePlatform, matchesPlatform, type HostPlatform } from './host-platform.js';
import type { LibrarySource, LibraryVariant } from './library-source.js';

/** The parts of a wheel file name (PEP 427: `name-version(-build)?-python-abi-platform.whl`). */
export interface WheelName {
  /** The distribution, normalised: lower case, `_` for `-` and `.` (`tensorflow_cpu`). */
  distribution: string;
  /** Its version (`2.21.0`). */
  version: string;
  /** The Python tag (`cp311`); irrelevant to the C library. */
  pythonTag: string;
  /** The platform tag (`manylinux_2_27_x86_64`); may hold several, joined by `.`. */
  platformTag: string;
}

/** TensorFlow's wheel distributions that carry its C library (`libtensorflow_cc` and `libtensorflow_framework`). */
const TENSORFLOW_DISTRIBUTIONS = new Set([
  'tensorflow',
  'tensorflow_cpu',
  'tensorflow_gpu',
  'tf_nightly',
  'tf_nightly_cpu',
  'tf_nightly_gpu',
  'intel_tensorflow',
  'tensorflow_intel',
  'tensorflow_aarch64',
  'tensorflow_cpu_aws',
  'tensorflow_macos',
]);

/**
 * Parses a wheel file name; undefined when it is not one.
 *
 * @param fileName - The file's base name.
 */
export function parseWheelName(fileName: string): WheelName | undefined {
  if (!fileName.endsWith('.whl')) return undefined;
  const parts = fileName.slice(0, -'.whl'.length).split('-');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [distribution, version] = parts as [string, string];
  return {
    distribution: distribution.toLowerCase().replace(/[-.]/g, '_'),
    version,
    pythonTag: parts[parts.length - 3]!,
    platformTag: parts[parts.length - 1]!,
  };
}

/**
 * Whether a TensorFlow distribution is a CUDA build: names with `cpu` or `gpu` say so; plain
 * `tensorflow` / `tf_nightly` wheels are CUDA builds on Linux x86_64 only; the vendor builds
 * (Intel, AWS, aarch64, macOS) are CPU-only.
 *
 * @param distribution - The normalised distribution name.
 * @param platformTag - The wheel's platform tag.
 */
export function wheelVariant(distribution: string, platformTag: string): LibraryVariant {
  if (distribution.includes('cpu')) return 'cpu';
  if (distribution.includes('gpu')) return 'gpu';
  if (distribution === 'tensorflow' || distribution === 'tf_nightly') {
    return /linux/.test(platformTag) && /x86_64/.test(platformTag) ? 'gpu' : 'cpu';
  }
  return 'cpu';
}

function mismatch(tag: string, host: HostPlatform): string | undefined {
  return matchesPlatform(tag, host) ? undefined : `built for ${tag}, not ${describePlatform(host)}`;
}

/**
 * Recognises a TensorFlow wheel or libtensorflow tarball by its file name; undefined for anything
 * else. Tarballs are named like the official ones (`libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz`) or
 * tfjs' own builds (`libtensorflow_r2_7_linux_arm64.tar.gz`).
 *
 * @param path - The file's absolute path.
 * @param host - The platform it must be built for.
 */
export function classifySourceName(path: string, host: HostPlatform): LibrarySource | undefined {
  const fileName = path.split(/[/\\]/).pop()!;
  const wheel = parseWheelName(fileName);
  if (wheel !== undefined) {
    if (!TENSORFLOW_DISTRIBUTIONS.has(wheel.distribution)) return undefined;
    const platformMismatch = mismatch(wheel.platformTag, host);
    return {
      kind: 'wheel',
      path,
      label: `${wheel.distribution} ${wheel.version} wheel (${wheel.platformTag})`,
      version: wheel.version,
      variant: wheelVariant(wheel.distribution, wheel.platformTag),
      ...(platformMismatch !== undefined ? { platformMismatch } : {}),
    };
  }
  const tarball = /^(libtensorflow[-_].*)\.(tar\.gz|tgz)$/i.exec(fileName);
  if (tarball === null) return undefined;
  const stem = tarball[1]!;
  const dotted = /(\d+\.\d+(?:\.\d+)?)/.exec(stem)?.[1];
  const release = /_r(\d+)_(\d+)/.exec(stem);
  const version = dotted ?? (release !== null ? `${release[1]}.${release[2]}` : undefined);
  const variant: LibraryVariant = /gpu/i.test(stem) ? 'gpu' : /cpu/i.test(stem) ? 'cpu' : 'unknown';
  // A tarball renamed without its platform is taken on trust; one that names another platform is not.
  const namesPlatform = /linux|darwin|macos|windows|win_|x86_64|aarch64|arm64|amd64/i.test(stem);
  const platformMismatch = namesPlatform ? mismatch(stem, host) : undefined;
  return {
    kind: 'tarball',
    path,
    label: `libtensorflow${version !== undefined ? ` ${version}` : ''} tarball (${stem})`,
    ...(version !== undefined ? { version } : {}),
    variant,
    ...(platformMismatch !== undefined ? { platformMismatch } : {}),
  };
}

/** What a `*.dist-info` folder name says. */
export interface DistInfoName {
  /** The distribution, normalised (`tensorflow_cpu`). */
  distribution: string;
  /** Its version. */
  version: string;
}

/**
 * Reads a `*.dist-info` folder name beside an installed `tensorflow` package
 * (`tensorflow_cpu-2.21.0.dist-info`): the distribution and version; undefined when it is not a
 * TensorFlow one.
 *
 * @param folderName - The folder's base name.
 */
export function parseDistInfoName(folderName: string): DistInfoName | undefined {
  const match = /^([A-Za-z0-9_.-]+?)-([0-9][^-]*)\.dist-info$/.exec(folderName);
  if (match === null) return undefined;
  const distribution = match[1]!.toLowerCase().replace(/[-.]/g, '_');
  return TENSORFLOW_DISTRIBUTIONS.has(distribution) ? { distribution, version: match[2]! } : undefined;
}
