/*
 * Preloaded (LD_PRELOAD) into a peer's processes when the bench's settings probe chooses it
 * (bench/peers/mkl-intel-path.ts): Intel MKL asks these two functions whether the processor is an
 * Intel one, and on any other vendor's processor takes its generic code path (SSE-level kernels: about
 * 80-90 GFLOP/s for the bench's GEMM on an AMD EPYC with AVX-512, against ~200 on its AVX-512 path).
 * Answering yes lets MKL dispatch on the instruction sets the processor reports, as it does on Intel's.
 * Only MKL builds that export these functions dynamically (PyTorch's wheels link MKL into
 * libtorch_cpu.so and export them) are affected; the check reports the code path MKL then takes.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
int mkl_serv_intel_cpu(void) { return 1; }
