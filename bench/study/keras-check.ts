import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PEERS, peerEnv, type PeerSettings } from '../peers/peers.js';
import { ANSWER_PREFIX } from '../steps/protocol.js';

/** One temperature of the Keras twin's loss check. */
export interface KerasLossCheck {
  /** The temperature. */
  temperature: number;
  /** `Distiller.compute_loss` on the batch. */
  keras: number;
  /** 0.1 CE + 0.9 T^2 KL in float64 numpy. */
  numpy: number;
  /** Their relative difference. */
  relative_difference: number;
  /** What the default `LogitsDistillation` loss (the string "kl_divergence") gives as the soft term. */
  default_loss_soft_term: number;
  /** Within tolerance. */
  ok: boolean;
}

/** bench/study/keras_twin_check.py's answer. */
export interface KerasCheck {
  /** The distiller's loss against numpy, per temperature. */
  loss: KerasLossCheck[];
  /** Every check passed. */
  ok: boolean;
  /** The other checks (schedule, translation, max-norm), as the script reports them. */
  [check: string]: unknown;
}

const run = promisify(execFile);

/**
 * Runs the Keras twin's numeric checks (bench/study/keras_twin_check.py: the distiller's loss against
 * numpy at T = 20 and 4, the cosine schedule, the translation, max-norm) with the Keras peer's
 * environment, 1 thread; not timed. A failed check comes back with `ok: false`.
 */
export async function runKerasCheck(python: string, settings: PeerSettings, root: string): Promise<KerasCheck> {
  let stdout: string;
  try {
    ({ stdout } = await run(python, ['bench/study/keras_twin_check.py', '--threads', '1'], { cwd: root, env: { ...process.env, ...peerEnv(PEERS.keras, 1, settings) }, maxBuffer: 16 * 1024 * 1024, timeout: 600_000 }));
  } catch (error) {
    stdout = (error as { stdout?: string }).stdout ?? '';
    if (!stdout.includes(ANSWER_PREFIX)) throw new Error(`bench/study/keras_twin_check.py failed: ${((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').at(-1) ?? ''}`);
  }
  const line = stdout.split('\n').find((text) => text.startsWith(ANSWER_PREFIX));
  if (line === undefined) throw new Error('bench/study/keras_twin_check.py printed no answer');
  return JSON.parse(line.slice(ANSWER_PREFIX.length)) as KerasCheck;
}
