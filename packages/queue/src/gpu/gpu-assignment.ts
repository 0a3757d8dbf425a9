/** The GPUs a worker's trial processes share out, and where that list came from. */
export interface GpuPlan {
  /** One entry per GPU: an index or a UUID, as `CUDA_VISIBLE_DEVICES` takes it. */
  gpus: string[];
  /** Where the list came from. */
  source: '--gpus' | 'CUDA_VISIBLE_DEVICES' | 'nvidia-smi' | 'none';
}

/** Why a `--gpus` value was refused. */
export class GpuOptionError extends Error {
  /** The error's name. */
  override name = 'GpuOptionError';
}

/**
 * The GPU indices in `nvidia-smi -L` output (`GPU 0: NVIDIA H100 ... (UUID: GPU-...)`, one per line).
 *
 * @param listing - the command's standard output.
 */
export function parseNvidiaSmiList(listing: string): string[] {
  return listing
    .split('\n')
    .map((line) => /^GPU (\d+):/.exec(line.trim())?.[1])
    .filter((index): index is string => index !== undefined);
}

/**
 * Which GPUs a worker uses. `--gpus none` (or a CPU backend): none. `--gpus 0,2`: those. `--gpus auto`
 * (the default for `node-gpu`): the `CUDA_VISIBLE_DEVICES` of the worker's environment when set (an
 * empty value or `-1` meaning none, as CUDA reads it), else every GPU `nvidia-smi -L` lists.
 *
 * @param option - the `--gpus` value (`auto`, `none` or a comma-separated list).
 * @param env - the worker's environment.
 * @param listGpus - runs `nvidia-smi -L` and answers its output, or undefined when there is no such command.
 * @throws GpuOptionError for a list with an empty or repeated entry.
 */
export function selectGpus(option: string, env: Readonly<Record<string, string | undefined>>, listGpus: () => string | undefined): GpuPlan {
  const value = option.trim();
  if (value === 'none') return { gpus: [], source: 'none' };
  if (value !== 'auto') {
    const gpus = value.split(',').map((entry) => entry.trim());
    if (gpus.some((entry) => entry === '')) throw new GpuOptionError(`--gpus "${option}": an entry is empty; expected auto, none, or a list such as 0,1.`);
    const repeated = gpus.find((entry, i) => gpus.indexOf(entry) !== i);
    if (repeated !== undefined) throw new GpuOptionError(`--gpus "${option}": GPU ${repeated} is listed twice.`);
    return { gpus, source: '--gpus' };
  }
  const visible = env['CUDA_VISIBLE_DEVICES'];
  if (visible !== undefined) {
    // CUDA reads the list up to its first invalid entry (`-1` hides every GPU after it).
    const gpus: string[] = [];
    for (const entry of visible.split(',').map((e) => e.trim())) {
      if (entry === '') continue;
      if (entry.startsWith('-')) break;
      gpus.push(entry);
    }
    return { gpus, source: 'CUDA_VISIBLE_DEVICES' };
  }
  const listing = listGpus();
  return listing === undefined ? { gpus: [], source: 'none' } : { gpus: parseNvidiaSmiList(listing), source: 'nvidia-smi' };
}

/**
 * The environment of each trial process of a GPU worker: one process per GPU, each seeing only its
 * own (`CUDA_VISIBLE_DEVICES`), with TensorFlow's memory growth on (`TF_FORCE_GPU_ALLOW_GROWTH`), so
 * that a process takes the memory it uses rather than the whole card. Without GPUs: one empty
 * environment per process.
 *
 * @param plan - the GPUs.
 * @param processes - how many trial processes (without GPUs).
 */
export function trialProcessEnvironments(plan: GpuPlan, processes: number): Record<string, string>[] {
  if (plan.gpus.length === 0) return Array.from({ length: processes }, () => ({}));
  return plan.gpus.map((gpu) => ({ CUDA_VISIBLE_DEVICES: gpu, TF_FORCE_GPU_ALLOW_GROWTH: 'true' }));
}

/**
 * How many jobs a worker takes at once when `--concurrency` is not given: one per GPU on a GPU
 * worker (not one per CPU core: the cores feed the GPUs); on CPUs, the cores divided by the threads
 * each trial process uses, at least 1.
 */
export function defaultConcurrency(plan: GpuPlan, cpuCores: number, threadsPerProcess: number): number {
  if (plan.gpus.length > 0) return plan.gpus.length;
  return Math.max(1, Math.floor(cpuCores / Math.max(1, threadsPerProcess)));
}
