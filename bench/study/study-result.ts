import type { PeerCheck, SettingsChoice } from '../peers/peers.js';
import type { MachineState } from '../system/machine.js';
import type { StudyContenderId, StudyOptions } from './study-options.js';
import type { ProcessPeak } from './tree-memory.js';

/** One training run of a study (the teacher, a baseline, a distilled student), as a contender recorded it. */
export interface StudyRun {
  /** `teacher`, `baseline` or `distilled`. */
  role: 'teacher' | 'baseline' | 'distilled';
  /** The student seed (the teacher's: its own seed). */
  seed: number;
  /** The distillation temperature (distilled students only). */
  temperature?: number;
  /** Test accuracy of the last epoch's weights. */
  testAccuracy?: number;
  /** Test accuracy of the best-validation epoch's weights. */
  testAccuracyBest?: number;
  /** Epochs trained. */
  epochs?: number;
  /** Mean wall time of an epoch's training steps, s. */
  meanEpochSeconds?: number;
  /** The run's wall time from its start to its end (steps, validation, tests; kdlab: also what it logs), s. */
  wallSeconds?: number;
}

/** How a contender was started. */
export interface StudyLaunch {
  /** The command. */
  command: string;
  /** Its arguments. */
  args: string[];
  /** The environment variables set for it on top of the runner's. */
  env: Record<string, string>;
  /** Its temporary folder (tracking store, caches, results file). */
  workDir: string;
}

/** What one contender measured. */
export interface ContenderResult {
  /** Which contender. */
  id: StudyContenderId;
  /** Its label in the table. */
  label: string;
  /** Its library and version, in words (`kdlab 0.1.0, tfjs-node 4.22.0 on TensorFlow 2.21 (native)`). */
  version: string;
  /** How it runs, in words (`kdlab run, compiled dist, 1 process`). */
  how: string;
  /** How it was started. */
  launch: StudyLaunch;
  /** The OpenBLAS / malloc settings of its processes (peers), and why. */
  settings?: SettingsChoice;
  /** What the peer's check reported about its kernels (peers). */
  check?: PeerCheck;
  /** Wall time from the process's start to its exit, s. */
  seconds?: number;
  /** Largest summed resident set of its process tree in one sample, KiB. */
  peakTreeKb?: number;
  /** Largest peak of one of its processes (`VmHWM`), KiB. */
  peakProcessKb?: number;
  /** Memory samples taken. */
  memorySamples?: number;
  /** Each of its processes' peaks. */
  processes?: ProcessPeak[];
  /** Its runs, in the order trained. */
  runs: StudyRun[];
  /** Where its output went. */
  log: string;
  /** Why it failed (it exited with an error, or its results could not be read). */
  error?: string;
}

/** The whole comparison: `.kdlab/bench/study-latest.json`. */
export interface StudyReport {
  /** `kdlab-study-bench/1`. */
  format: 'kdlab-study-bench/1';
  /** When it started (ISO). */
  startedAt: string;
  /** The git commit of the checkout. */
  commit?: string;
  /** The options. */
  options: StudyOptions;
  /** The machine at the start and at the end. */
  machine: { before: MachineState; after: MachineState };
  /** The Keras twin's numeric checks (keras_twin_check.py's answer), when the Keras twin ran. */
  kerasCheck?: unknown;
  /** Each contender's result, in the order run. */
  contenders: ContenderResult[];
  /** The markdown table. */
  markdown: string;
}
