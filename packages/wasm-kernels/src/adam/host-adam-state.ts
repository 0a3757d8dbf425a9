import { webAssembly } from '../simd/webassembly-api.js';
import { AdamSimd, type AdamStepScalars } from './adam-simd-module.js';

const PAGE_BYTES = 65536;
const ALIGN_BYTES = 16;

/** Where one variable's Adam state lies in {@link HostAdamState}'s memory (byte offsets). */
export interface HostAdamSlot {
  /** Elements of the variable. */
  readonly count: number;
  /** The optimizer's copy of the variable's value. */
  readonly value: number;
  /** The first moment. */
  readonly first: number;
  /** The second moment. */
  readonly second: number;
  /** Room for the step's gradient. */
  readonly gradient: number;
}

/**
 * Adam state held outside any tfjs backend, for backends whose tensors live in host memory (`cpu`,
 * tfjs-node): each variable's value, moments and a gradient buffer in one private WebAssembly
 * memory, updated in place by the fused SIMD pass. A step then costs one copy of the gradient in and
 * one of the new value out, where tfjs' `AdamOptimizer` runs about 14 element-wise kernels, each
 * allocating a new tensor. Bit-identical to tfjs' Adam.
 */
export class HostAdamState {
  private readonly memory = new webAssembly.Memory({ initial: 1 });
  private readonly adam = new AdamSimd(this.memory);
  private usedBytes = 0;

  /** Reserves a slot for a variable of `count` elements; its value and moments start at zero. */
  allocate(count: number): HostAdamSlot {
    const bytes = Math.ceil((count * 4) / ALIGN_BYTES) * ALIGN_BYTES;
    const start = this.usedBytes;
    const end = start + 4 * bytes;
    const missing = end - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE_BYTES));
    this.usedBytes = end;
    return { count, value: start, first: start + bytes, second: start + 2 * bytes, gradient: start + 3 * bytes };
  }

  /** A live view of `count` float32s at `offset` (valid until the memory next grows). */
  view(offset: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, count);
  }

  /** Copies `source` into the slot's value (when the variable was changed from outside). */
  writeValue(slot: HostAdamSlot, source: ArrayLike<number>): void {
    this.view(slot.value, slot.count).set(source);
  }

  /** Copies `source` into the slot's moments (restoring saved optimizer weights). */
  writeMoments(slot: HostAdamSlot, first: ArrayLike<number>, second: ArrayLike<number>): void {
    this.view(slot.first, slot.count).set(first);
    this.view(slot.second, slot.count).set(second);
  }

  /**
   * One Adam step of the slot in place with `gradient`; returns a copy of the new value (the caller
   * hands it to a tensor).
   */
  step(slot: HostAdamSlot, gradient: ArrayLike<number>, scalars: AdamStepScalars): Float32Array {
    this.view(slot.gradient, slot.count).set(gradient);
    this.adam.update(
      { valueOut: slot.value, firstOut: slot.first, secondOut: slot.second, value: slot.value, gradient: slot.gradient, first: slot.first, second: slot.second },
      slot.count,
      scalars,
    );
    return this.view(slot.value, slot.count).slice();
  }
}
