import { describe, expect, it, vi } from 'vitest';
import { defaultConcurrency, GpuOptionError, parseNvidiaSmiList, selectGpus, trialProcessEnvironments, type GpuPlan } from '@kdlab/queue';

/** `nvidia-smi -L` on a machine with two H100s, the second split into MIG instances. */
const NVIDIA_SMI_L = [
  'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-9a7c1a7e-0b1e-4d52-8d3b-2f1c0f5a6b11)',
  'GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-2b4e6a8c-1d3f-4a5b-9c7d-3e5f7a9b1c22)',
  '  MIG 3g.40gb     Device  0: (UUID: MIG-5c8d1f4e-7a2b-5c6d-8e9f-0a1b2c3d4e55)',
  '  MIG 3g.40gb     Device  1: (UUID: MIG-6d9e2a5f-8b3c-5d7e-9f0a-1b2c3d4e5f66)',
  '',
].join('\n');

/** A `listGpus` that must not be called. */
const noListing = (): string | undefined => {
  throw new Error('nvidia-smi was run although the GPUs were known');
};

describe('parseNvidiaSmiList', () => {
  it("reads the index of each `GPU n:` line, MIG device lines and blank lines passed over", () => {
    expect(parseNvidiaSmiList(NVIDIA_SMI_L)).toEqual(['0', '1']);
  });

  it('reads Windows line ends, leading blanks and two-digit indices, and nothing from an empty listing', () => {
    expect(parseNvidiaSmiList('GPU 0: A100 (UUID: GPU-a)\r\n  GPU 10: A100 (UUID: GPU-b)\r\n')).toEqual(['0', '10']);
    expect(parseNvidiaSmiList('')).toEqual([]);
    expect(parseNvidiaSmiList('No devices were found\n')).toEqual([]);
    expect(parseNvidiaSmiList('NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.')).toEqual([]);
  });
});

describe('selectGpus', () => {
  it('--gpus none: no GPU, whatever the environment says, and nvidia-smi is not run', () => {
    expect(selectGpus('none', { CUDA_VISIBLE_DEVICES: '0,1' }, noListing)).toEqual({ gpus: [], source: 'none' });
    expect(selectGpus(' none ', {}, noListing)).toEqual({ gpus: [], source: 'none' });
  });

  it('--gpus with a list: those GPUs, indices or UUIDs, blanks trimmed, in the order given', () => {
    expect(selectGpus('0,2', { CUDA_VISIBLE_DEVICES: '5' }, noListing)).toEqual({ gpus: ['0', '2'], source: '--gpus' });
    expect(selectGpus(' 3 , 1 ', {}, noListing)).toEqual({ gpus: ['3', '1'], source: '--gpus' });
    expect(selectGpus('GPU-9a7c1a7e,GPU-2b4e6a8c', {}, noListing)).toEqual({ gpus: ['GPU-9a7c1a7e', 'GPU-2b4e6a8c'], source: '--gpus' });
    expect(selectGpus('7', {}, noListing)).toEqual({ gpus: ['7'], source: '--gpus' });
  });

  it('refuses a list with an empty or a repeated entry, naming the value', () => {
    for (const value of ['0,,1', '0,', ',1', ' , ']) {
      expect(() => selectGpus(value, {}, noListing), value).toThrow(GpuOptionError);
      expect(() => selectGpus(value, {}, noListing), value).toThrow(`--gpus "${value}": an entry is empty; expected auto, none, or a list such as 0,1.`);
    }
    expect(() => selectGpus('0,1,0', {}, noListing)).toThrow('--gpus "0,1,0": GPU 0 is listed twice.');
    expect(() => selectGpus('1, 1', {}, noListing)).toThrow('--gpus "1, 1": GPU 1 is listed twice.');
  });

  it('auto: CUDA_VISIBLE_DEVICES when it is set, before nvidia-smi', () => {
    expect(selectGpus('auto', { CUDA_VISIBLE_DEVICES: '1,3' }, noListing)).toEqual({ gpus: ['1', '3'], source: 'CUDA_VISIBLE_DEVICES' });
    expect(selectGpus('auto', { CUDA_VISIBLE_DEVICES: ' 2 , 0 ' }, noListing)).toEqual({ gpus: ['2', '0'], source: 'CUDA_VISIBLE_DEVICES' });
    expect(selectGpus('auto', { CUDA_VISIBLE_DEVICES: 'GPU-9a7c1a7e' }, noListing)).toEqual({ gpus: ['GPU-9a7c1a7e'], source: 'CUDA_VISIBLE_DEVICES' });
    expect(selectGpus('auto', { CUDA_VISIBLE_DEVICES: '0,,1,' }, noListing)).toEqual({ gpus: ['0', '1'], source: 'CUDA_VISIBLE_DEVICES' });
  });

  it('auto: an empty CUDA_VISIBLE_DEVICES or -1 means no GPU, as CUDA reads it (nvidia-smi is not asked)', () => {
    for (const value of ['', '   ', '-1', ' -1 ']) {
      expect(selectGpus('auto', { CUDA_VISIBLE_DEVICES: value }, noListing), JSON.stringify(value)).toEqual({ gpus: [], source: 'CUDA_VISIBLE_DEVICES' });
    }
  });

  it('auto without CUDA_VISIBLE_DEVICES: every GPU nvidia-smi -L lists; none without nvidia-smi', () => {
    const listGpus = vi.fn(() => NVIDIA_SMI_L);
    expect(selectGpus('auto', { PATH: '/usr/bin' }, listGpus)).toEqual({ gpus: ['0', '1'], source: 'nvidia-smi' });
    expect(listGpus).toHaveBeenCalledTimes(1);
    expect(selectGpus('auto', { CUDA_VISIBLE_DEVICES: undefined }, () => 'No devices were found\n')).toEqual({ gpus: [], source: 'nvidia-smi' });
    expect(selectGpus('auto', {}, () => undefined)).toEqual({ gpus: [], source: 'none' });
  });
});

describe('trialProcessEnvironments', () => {
  it('gives one process per GPU, each seeing only its own, with memory growth on (the process count is then the GPU count)', () => {
    const plan: GpuPlan = { gpus: ['0', '2', 'GPU-9a7c1a7e'], source: '--gpus' };
    expect(trialProcessEnvironments(plan, 8)).toEqual([
      { CUDA_VISIBLE_DEVICES: '0', TF_FORCE_GPU_ALLOW_GROWTH: 'true' },
      { CUDA_VISIBLE_DEVICES: '2', TF_FORCE_GPU_ALLOW_GROWTH: 'true' },
      { CUDA_VISIBLE_DEVICES: 'GPU-9a7c1a7e', TF_FORCE_GPU_ALLOW_GROWTH: 'true' },
    ]);
  });

  it('without GPUs, gives the asked number of empty environments, each its own object', () => {
    const environments = trialProcessEnvironments({ gpus: [], source: 'none' }, 3);
    expect(environments).toEqual([{}, {}, {}]);
    environments[0]!['X'] = '1';
    expect(environments[1]).toEqual({});
    expect(trialProcessEnvironments({ gpus: [], source: 'CUDA_VISIBLE_DEVICES' }, 0)).toEqual([]);
  });
});

describe('defaultConcurrency', () => {
  it('is one job per GPU on a GPU worker, whatever the cores', () => {
    expect(defaultConcurrency({ gpus: ['0', '1', '2', '3'], source: 'nvidia-smi' }, 64, 8)).toBe(4);
    expect(defaultConcurrency({ gpus: ['5'], source: '--gpus' }, 2, 4)).toBe(1);
  });

  it('is the cores divided by the threads per trial process on CPUs, rounded down, at least 1', () => {
    const cpu: GpuPlan = { gpus: [], source: 'none' };
    expect(defaultConcurrency(cpu, 16, 4)).toBe(4);
    expect(defaultConcurrency(cpu, 7, 2)).toBe(3);
    expect(defaultConcurrency(cpu, 16, 1)).toBe(16);
    expect(defaultConcurrency(cpu, 2, 4)).toBe(1);
    expect(defaultConcurrency(cpu, 8, 0)).toBe(8); // no thread count: one thread each
    expect(defaultConcurrency(cpu, 1, 1)).toBe(1);
  });
});

describe('a CUDA_VISIBLE_DEVICES with an invalid entry', () => {
  it('is read as CUDA reads it: up to the first -1', () => {
    expect(selectGpus('auto', { CUDA_VISIBLE_DEVICES: '0,-1,1' }, () => undefined)).toEqual({ gpus: ['0'], source: 'CUDA_VISIBLE_DEVICES' });
  });
});
