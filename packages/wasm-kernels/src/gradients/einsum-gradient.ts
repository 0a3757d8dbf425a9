import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

/** Splits `'ab,bc->ac'` into its operand labels and its output labels. */
function parseEquation(equation: string): { operands: string[]; output: string } {
  const [inputs = '', output = ''] = equation.replace(/\s/g, '').split('->');
  return { operands: inputs.split(','), output };
}

/** `tensor` (labelled `labels`) summed over the labels not in `keep`, with its remaining labels. */
function sumLabelsOutside(tensor: Tensor, labels: string, keep: string): { labels: string; tensor: Tensor } {
  const summedAxes = [...labels].flatMap((label, axis) => (keep.includes(label) ? [] : [axis]));
  if (summedAxes.length === 0) return { labels, tensor };
  return { labels: [...labels].filter((label) => keep.includes(label)).join(''), tensor: tf.sum(tensor, summedAxes) };
}

/**
 * The gradient for the operand labelled `target`: an einsum of the output gradient (labels `output`)
 * with the other operand (if any; its labels found nowhere else summed first, so every einsum here
 * contracts only labels shared by both its operands) onto the target's labels that appear in either,
 * then broadcast along the target's labels that appear in neither (they were summed away inside the
 * target, so each of their elements received the same gradient).
 */
function operandGradient(dy: Tensor, output: string, other: { labels: string; tensor: Tensor } | undefined, target: string, targetShape: number[]): Tensor {
  return tf.tidy(() => {
    const partner = other === undefined ? undefined : sumLabelsOutside(other.tensor, other.labels, output + target);
    const reachable = [...target].filter((label) => output.includes(label) || (partner?.labels.includes(label) ?? false)).join('');
    const terms = partner === undefined ? output : `${output},${partner.labels}`;
    const operands = partner === undefined ? [dy] : [dy, partner.tensor];
    const reduced = reachable.length === 0 ? tf.sum(tf.einsum(`${terms}->${output}`, ...operands)) : tf.einsum(`${terms}->${reachable}`, ...operands);
    if (reachable.length === target.length) return reduced;
    const expandedShape = [...target].map((label, axis) => (reachable.includes(label) ? targetShape[axis]! : 1));
    return tf.broadcastTo(tf.reshape(reduced, expandedShape), targetShape);
  });
}

/**
 * The gradient of tfjs' `Einsum` kernel (tfjs ships none, so einsum models cannot train on any
 * backend): for `A,B->O`, `dA = einsum('O,B->A')` and `dB = einsum('O,A->B')`, broadcast along labels
 * summed inside one operand; for `A->O`, `dA` is `dy` rearranged to `A` and broadcast likewise.
 */
export const einsumGradConfig: GradConfig = {
  kernelName: 'Einsum',
  saveAllInputs: true,
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const gradient = Array.isArray(dy) ? dy[0]! : dy;
    const { operands, output } = parseEquation(attrs['equation'] as string);
    const gradients: Record<string, () => Tensor> = {};
    saved.forEach((tensor, index) => {
      const otherIndex = 1 - index;
      const other = saved.length === 2 ? { labels: operands[otherIndex]!, tensor: saved[otherIndex]! } : undefined;
      gradients[index] = () => operandGradient(gradient, output, other, operands[index]!, tensor.shape);
    });
    return gradients;
  },
};

/**
 * Registers {@link einsumGradConfig} with tfjs (for every backend) unless an `Einsum` gradient is
 * already registered. Returns whether it registered it.
 */
export function registerEinsumGradient(): boolean {
  if (tf.getGradient('Einsum') !== undefined) return false;
  tf.registerGradient(einsumGradConfig);
  return true;
}
