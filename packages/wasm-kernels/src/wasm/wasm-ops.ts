import { util } from '@tensorflow/tfjs-core';
import type { DataType, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { blockedTransposePays, transposeMatricesBlocked } from './blocked-transpose.js';
import { heapBytes } from './heap-bytes.js';
import type { PrimitiveKernelName, PrimitiveKernels } from './primitive-kernels.js';

/** Explicit 2-D convolution padding in tfjs' NHWC form: `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** Geometry of a 2-D convolution run through the wasm `Conv2D` or `DepthwiseConv2dNative` kernel. */
export interface ConvolutionAttrs {
  /** Strides `[height, width]`. */
  strides: [number, number];
  /** Dilations `[height, width]`. */
  dilations: [number, number];
  /** Padding, explicit so that no rounding rule applies. */
  pad: ExplicitPadding;
}

/**
 * Tensor operations on the wasm backend for use inside a kernel, built on the captured wasm kernels.
 * Every tensor an operation returns is an intermediate owned by this object and freed by
 * {@link WasmOps.release}, except the one the kernel hands back (see {@link runWithWasmOps}).
 * Views ({@link WasmOps.view}) share their base's memory and are unregistered without freeing it.
 */
export class WasmOps {
  private readonly intermediates: TensorInfo[] = [];
  private readonly views: TensorInfo[] = [];

  /**
   * @param primitives the wasm kernels to build on
   * @param backend the wasm backend the kernel runs on
   */
  constructor(
    private readonly primitives: PrimitiveKernels,
    readonly backend: BackendWasm,
  ) {}

  private track(tensor: TensorInfo): TensorInfo {
    this.intermediates.push(tensor);
    return tensor;
  }

  /** Runs the captured wasm kernel `name` (the original, even where kdlab replaced it). */
  run(name: PrimitiveKernelName, inputs: Record<string, TensorInfo | undefined>, attrs: NamedAttrMap = {}): TensorInfo {
    return this.track(this.primitives.run(name, this.backend, inputs, attrs));
  }

  /** `x` with its axes permuted (a copy; the identity permutation still copies). */
  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /**
   * `[batch, rows, columns]` float32 matrices transposed to `[batch, columns, rows]`: tiled on the
   * heap for wide matrices, where the wasm `Transpose` kernel is slow, and by that kernel otherwise.
   */
  transposeMatrices(x: TensorInfo): TensorInfo {
    const [batch, rows, columns] = x.shape as [number, number, number];
    if (x.dtype !== 'float32' || !blockedTransposePays(rows, columns)) return this.transpose(x, [0, 2, 1]);
    const result = this.output([batch, columns, rows], 'float32');
    transposeMatricesBlocked(this.backend.typedArrayFromHeap(x) as Float32Array, this.backend.typedArrayFromHeap(result) as Float32Array, batch, rows, columns);
    return result;
  }

  /** `x` seen with another shape (no copy). */
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** `x` padded with `constantValue`; `paddings[i]` is `[before, after]` for axis `i`. */
  pad(x: TensorInfo, paddings: Array<[number, number]>, constantValue = 0): TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue });
  }

  /** `x` reversed along `dims`. */
  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run('Reverse', { x }, { dims });
  }

  /** A copy of the block of `x` starting at `begin` with extent `size`. */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /** NHWC convolution through XNNPACK; `filter` is `[height, width, in, out]`. */
  conv2d(x: TensorInfo, filter: TensorInfo, attrs: ConvolutionAttrs): TensorInfo {
    return this.run('Conv2D', { x, filter }, { ...attrs, dataFormat: 'NHWC', dimRoundingMode: 'floor' } as unknown as NamedAttrMap);
  }

  /** NHWC depthwise convolution through XNNPACK; `filter` is `[height, width, channels, multiplier]`. */
  depthwiseConv2d(x: TensorInfo, filter: TensorInfo, attrs: ConvolutionAttrs): TensorInfo {
    return this.run('DepthwiseConv2dNative', { x, filter }, { ...attrs, dataFormat: 'NHWC', dimRoundingMode: 'floor' } as unknown as NamedAttrMap);
  }

  /** The original wasm `BatchMatMul` without transposes (XNNPACK when neither operand has a batch). */
  plainMatMul(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('BatchMatMul', { a, b: this.cacheSafeRightOperand(b) }, { transposeA: false, transposeB: false });
  }

  /**
   * `b` itself when its matrix shape is the one its memory was made with, else a view of it (a new
   * tensor id). XNNPACK caches the packed right operand of a product by tensor id alone, so the same
   * memory seen as `[6, 4]` and later as `[2, 12]` would reuse the first packing.
   */
  private cacheSafeRightOperand(b: TensorInfo): TensorInfo {
    const madeAs = this.backend.dataIdMap.get(b.dataId).shape;
    const sameMatrix = madeAs.length >= 2 && util.arraysEqual(madeAs.slice(-2), b.shape.slice(-2)) && util.sizeFromShape(madeAs) === util.sizeFromShape(b.shape);
    return sameMatrix ? b : this.view(b, 0, b.shape);
  }

  /** The original wasm `BatchMatMul`, transposes and all (its slow loop where XNNPACK does not apply). */
  originalMatMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    return this.run('BatchMatMul', { a, b }, { transposeA, transposeB });
  }

  /**
   * The original wasm `_FusedMatMul` with the given bias/PReLU inputs and activation attributes; without
   * transposes (the default) it runs XNNPACK when neither rank-3 operand has a batch.
   */
  plainFusedMatMul(
    a: TensorInfo,
    b: TensorInfo,
    extraInputs: Record<string, TensorInfo | undefined>,
    attrs: NamedAttrMap,
    transposeA = false,
    transposeB = false,
  ): TensorInfo {
    return this.run('_FusedMatMul', { a, b: this.cacheSafeRightOperand(b), ...extraInputs }, { ...attrs, transposeA, transposeB });
  }

  /** `a + b` with broadcasting. */
  add(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('Add', { a, b });
  }

  /** `a * b` with broadcasting. */
  multiply(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('Multiply', { a, b });
  }

  /** `x` summed over `axis` (dropped from the shape). */
  sum(x: TensorInfo, axis: number[]): TensorInfo {
    return this.run('Sum', { x }, { axis, keepDims: false });
  }

  /** A tensor of zeros. */
  zeros(shape: number[], dtype: DataType): TensorInfo {
    const tensor = this.output(shape, dtype);
    const start = this.backend.dataIdMap.get(tensor.dataId).memoryOffset;
    heapBytes(this.backend).fill(0, start, start + util.sizeFromShape(shape) * util.bytesPerElement(dtype));
    return tensor;
  }

  /** A fresh, uninitialised tensor. */
  output(shape: number[], dtype: DataType): TensorInfo {
    return this.track(this.backend.makeOutput(shape, dtype));
  }

  /**
   * A tensor of `shape` over the memory of `base` from element `elementOffset` on (no copy). Writing
   * to it writes to `base`. It must not outlive `base`, and must never be the kernel's result.
   */
  view(base: TensorInfo, elementOffset: number, shape: number[]): TensorInfo {
    const size = util.sizeFromShape(shape);
    const baseSize = util.sizeFromShape(base.shape);
    if (elementOffset < 0 || elementOffset + size > baseSize) {
      throw new Error(`@kdlab/wasm-kernels: view [${shape}] at ${elementOffset} exceeds its base of shape [${base.shape}]`);
    }
    const baseOffset = this.backend.dataIdMap.get(base.dataId).memoryOffset;
    const view = this.backend.makeOutput(shape, base.dtype, baseOffset + elementOffset * util.bytesPerElement(base.dtype));
    this.views.push(view);
    return view;
  }

  /** Copies all of `source` into `target` from element `targetOffset` on. */
  copyInto(target: TensorInfo, targetOffset: number, source: TensorInfo): void {
    const bytes = util.bytesPerElement(source.dtype);
    const heap = heapBytes(this.backend);
    const sourceStart = this.backend.dataIdMap.get(source.dataId).memoryOffset;
    const targetStart = this.backend.dataIdMap.get(target.dataId).memoryOffset + targetOffset * bytes;
    heap.copyWithin(targetStart, sourceStart, sourceStart + util.sizeFromShape(source.shape) * bytes);
  }

  /** Frees `tensor` (an intermediate or a view of this object) now rather than at the end. */
  dispose(tensor: TensorInfo): void {
    const viewIndex = this.views.indexOf(tensor);
    if (viewIndex >= 0) {
      this.views.splice(viewIndex, 1);
      this.unregisterView(tensor);
      return;
    }
    const index = this.intermediates.indexOf(tensor);
    if (index < 0) throw new Error(`@kdlab/wasm-kernels: dispose of a tensor of shape [${tensor.shape}] this kernel does not own`);
    this.intermediates.splice(index, 1);
    this.backend.disposeData(tensor.dataId);
  }

  private unregisterView(view: TensorInfo): void {
    const data = this.backend.dataIdMap.get(view.dataId);
    this.backend.wasm.tfjs.disposeData(data.id);
    this.backend.dataIdMap.delete(view.dataId);
  }

  /**
   * `tensor` as a kernel result the caller may own: intermediates as they are, anything else (a kernel
   * input) as a new reference to the same memory.
   * @throws Error when `tensor` is a view, whose memory belongs to another tensor.
   */
  asResult(tensor: TensorInfo): TensorInfo {
    if (this.views.includes(tensor)) throw new Error(`@kdlab/wasm-kernels: a view of shape [${tensor.shape}] cannot be a kernel result`);
    return this.intermediates.includes(tensor) ? tensor : this.reshape(tensor, tensor.shape);
  }

  /** Frees every intermediate and view except `keep` (the kernel's result, which the caller now owns). */
  release(keep: readonly TensorInfo[]): void {
    for (const view of this.views.splice(0)) this.unregisterView(view);
    for (const tensor of this.intermediates.splice(0)) {
      if (!keep.includes(tensor)) this.backend.disposeData(tensor.dataId);
    }
  }
}

/**
 * Runs `body` with a fresh {@link WasmOps} and frees its intermediates afterwards, keeping the result
 * (a tensor made by `ops`, or a kernel input, which is then returned as a new reference; never a view).
 */
export function runWithWasmOps(primitives: PrimitiveKernels, backend: BackendWasm, body: (ops: WasmOps) => TensorInfo): TensorInfo {
  const ops = new WasmOps(primitives, backend);
  let result: TensorInfo | undefined;
  try {
    result = ops.asResult(body(ops));
    return result;
  } finally {
    ops.release(result === undefined ? [] : [result]);
  }
}
