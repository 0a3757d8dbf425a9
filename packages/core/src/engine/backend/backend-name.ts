/**
 * The TensorFlow.js backends kdlab can run on, in the order `auto` tries them:
 * `node-gpu` (@tensorflow/tfjs-node-gpu), `node` (@tensorflow/tfjs-node), `wasm`
 * (@tensorflow/tfjs-backend-wasm with kdlab's kernels), `cpu` (pure JavaScript).
 */
export const BACKEND_NAMES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;

/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** A backend request: a name, or `auto` for the fastest one that loads. */
export type BackendRequest = BackendName | 'auto';

/** Parses a backend request (from `--backend` or `KDLAB_BACKEND`); throws naming the accepted values. */
export function parseBackendRequest(value: string | undefined, origin: string): BackendRequest {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`${origin}: unknown backend "${value}". Expected one of: auto, ${BACKEND_NAMES.join(', ')}.`);
}
