import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** The machine a bench ran on and how busy it was. */
export interface MachineState {
  /** CPU model and logical core count. */
  cpu: string;
  /** The processor as `/proc/cpuinfo` names it: vendor, family, model, and its vector instruction sets. */
  cpuDetail?: string;
  /** Total memory in GiB. */
  memoryGiB: number;
  /** 1, 5 and 15 minute load averages. */
  loadAverage: [number, number, number];
  /** `uptime`'s line, when the command exists. */
  uptime?: string;
}

/** The vector instruction sets the kernels of the bench's libraries choose between, in the order shown. */
const VECTOR_FLAGS = ['avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx512_bf16', 'amx_tile'];

/**
 * The first processor's vendor, family, model and vector instruction sets from `/proc/cpuinfo`'s
 * text (`AuthenticAMD family 26 model 2; avx2 fma avx512f ...`), or `undefined` when it has none.
 */
export function cpuDetail(cpuinfo: string): string | undefined {
  const first = cpuinfo.split(/\n\s*\n/)[0] ?? '';
  const field = (name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(first)?.[1]?.trim();
  const vendor = field('vendor_id');
  if (vendor === undefined) return undefined;
  const flags = new Set((field('flags') ?? '').split(/\s+/));
  const vector = VECTOR_FLAGS.filter((flag) => flags.has(flag));
  return `${vendor} family ${field('cpu family') ?? '?'} model ${field('model') ?? '?'}; ${vector.length > 0 ? vector.join(' ') : 'no AVX2'}`;
}

/** Reads the machine's CPU, memory and load now. */
export function machineState(): MachineState {
  const processors = cpus();
  const [one, five, fifteen] = loadavg() as [number, number, number];
  let uptime: string | undefined;
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    uptime = undefined;
  }
  let detail: string | undefined;
  try {
    detail = cpuDetail(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    detail = undefined;
  }
  return {
    cpu: `${processors[0]?.model ?? 'unknown CPU'} x ${processors.length}`,
    ...(detail !== undefined ? { cpuDetail: detail } : {}),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: [one, five, fifteen],
    ...(uptime !== undefined ? { uptime } : {}),
  };
}

/** `load average 1.02, 0.85, 0.60` */
export function describeLoad(state: MachineState): string {
  return `load average ${state.loadAverage.map((value) => value.toFixed(2)).join(', ')}`;
}

/** The CPU line that heads every table of the report: `CPU: AMD EPYC x 2 (AuthenticAMD family 26 model 2; avx2 fma avx512f ...), 24 GiB`. */
export function describeCpu(state: MachineState): string {
  return `CPU: ${state.cpu}${state.cpuDetail !== undefined ? ` (${state.cpuDetail})` : ''}, ${state.memoryGiB} GiB`;
}
