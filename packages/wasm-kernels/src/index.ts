/**
 * TensorFlow.js wasm-backend kernels that training needs and tfjs lacks or runs slowly.
 * @packageDocumentation
 */
export { registerWasmKernels, unregisterWasmKernels, areWasmKernelsRegistered } from './register-wasm-kernels.js';
export type { RegisterWasmKernelsOptions } from './register-wasm-kernels.js';
export { einsumGradConfig, registerEinsumGradient } from './gradients/einsum-gradient.js';
export { registerTileGradient, tileGradConfig, tileGradientPlan, unregisterTileGradient } from './gradients/tile-gradient.js';
export type { TileGradientPlan } from './gradients/tile-gradient.js';
export { KDLAB_WASM_KERNELS } from './kdlab-wasm-kernels.js';
export type { KdlabWasmKernel } from './kdlab-wasm-kernels.js';
export type { PrimitiveKernels } from './wasm/primitive-kernels.js';
export type { WasmKernelArgs, WasmKernelFunc } from './wasm/wasm-kernel-args.js';
export { MIN_MULTIPLY_ADDS_PER_BATCHED_PRODUCT } from './kernels/fast-mat-mul.js';
export { ADAM_UPDATE_KERNEL_NAME } from './adam/adam-update-kernel.js';
export { AdamSimd, adamModuleBytes } from './adam/adam-simd-module.js';
export type { AdamStepScalars, AdamUpdateOffsets } from './adam/adam-simd-module.js';
export { HostAdamState } from './adam/host-adam-state.js';
export type { WasmMemory } from './simd/webassembly-api.js';
export type { HostAdamSlot } from './adam/host-adam-state.js';
export { RELU_GRAD_KERNEL_NAME } from './kernels/relu-grad.js';
export { registerReluGradient, reluGradConfig, unregisterReluGradient } from './gradients/relu-gradient.js';
