// What the scripts that time training steps in alternating rounds share: the `--steps` and `--rounds`
// flags, and a round's median step.
import { positiveInteger } from './flags.js';

/**
 * The `--steps` and `--rounds` flags and their descriptions, to spread into a script's flag spec;
 * `compared` names what the rounds alternate between (e.g. `backend`).
 */
export function roundFlags(stepsDefault: string, compared: string) {
  return {
    options: { steps: { type: 'string', default: stepsDefault }, rounds: { type: 'string', default: '3' } },
    describe: { steps: 'timed steps per round (the median is kept)', rounds: `alternating rounds (each ${compared}'s best is kept)` },
  } as const;
}

/** The `--steps` and `--rounds` values as numbers; throws naming the script and the flag when one is not a positive integer. */
export function parseRounds(script: string, flags: { steps: string; rounds: string }): { steps: number; rounds: number } {
  return { steps: positiveInteger(script, '--steps', flags.steps), rounds: positiveInteger(script, '--rounds', flags.rounds) };
}

/** Median milliseconds per call of `step` over `steps` calls. */
export function medianStepMs(step: () => void, steps: number): number {
  const times: number[] = [];
  for (let index = 0; index < steps; index++) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  const sorted = times.sort((first, second) => first - second);
  return sorted[Math.floor(sorted.length / 2)]!;
}
