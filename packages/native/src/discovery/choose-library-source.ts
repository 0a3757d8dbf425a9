import { compareVersions, type LibrarySource } from './library-source.js';

/** A source that was found but cannot be used, and why. */
export interface RejectedSource {
  /** The source. */
  source: LibrarySource;
  /** Why not: another platform, or CPU-only when a GPU build was asked for. */
  reason: string;
}

/** The outcome of {@link chooseLibrarySource}. */
export interface SourceChoice {
  /** The best usable source, if any. */
  chosen?: LibrarySource;
  /** The other usable sources, best first. */
  alternatives: LibrarySource[];
  /** Those that cannot be used, with the reason. */
  rejected: RejectedSource[];
}

/** Preference by variant: for the CPU backend a CPU-only library is smallest and needs no CUDA. */
const CPU_PREFERENCE = { cpu: 0, unknown: 1, gpu: 2 } as const;

/**
 * Picks the library to build against. For the GPU backend only CUDA-enabled libraries qualify (or,
 * when `trustUnknown`, one whose variant its name does not tell: a path the user named); for the CPU
 * backend any library for this platform does, CPU-only ones first. Then the newest version wins, and
 * the path breaks ties so that the choice is stable.
 *
 * @param candidates - What discovery found.
 * @param request - Whether a GPU build is wanted, and whether an unnamed variant is taken on trust.
 */
export function chooseLibrarySource(candidates: readonly LibrarySource[], request: { gpu: boolean; trustUnknown?: boolean }): SourceChoice {
  const usable: LibrarySource[] = [];
  const rejected: RejectedSource[] = [];
  for (const source of candidates) {
    if (source.platformMismatch !== undefined) rejected.push({ source, reason: source.platformMismatch });
    else if (request.gpu && source.variant === 'cpu') rejected.push({ source, reason: 'a CPU-only build: the GPU backend needs a CUDA-enabled TensorFlow library' });
    else if (request.gpu && source.variant === 'unknown' && request.trustUnknown !== true) {
      rejected.push({ source, reason: 'its name does not say it is CUDA-enabled: name it with --from to use it for the GPU backend' });
    } else usable.push(source);
  }
  usable.sort(
    (first, second) =>
      (request.gpu ? 0 : CPU_PREFERENCE[first.variant] - CPU_PREFERENCE[second.variant]) ||
      compareVersions(second.version, first.version) ||
      first.path.localeCompare(second.path),
  );
  const [chosen, ...alternatives] = usable;
  return { ...(chosen !== undefined ? { chosen } : {}), alternatives, rejected };
}
