import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

/** The machine a bench ran on and how busy it was. */
export interface MachineState {
  /** CPU model and logical core count. */
  cpu: string;
  /** Total memory in GiB. */
  memoryGiB: number;
  /** 1, 5 and 15 minute load averages. */
  loadAverage: [number, number, number];
  /** `uptime`'s line, when the command exists. */
  uptime?: string;
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
  return {
    cpu: `${processors[0]?.model ?? 'unknown CPU'} x ${processors.length}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: [one, five, fifteen],
    ...(uptime !== undefined ? { uptime } : {}),
  };
}

/** `load average 1.02, 0.85, 0.60` */
export function describeLoad(state: MachineState): string {
  return `load average ${state.loadAverage.map((value) => value.toFixed(2)).join(', ')}`;
}
