"""Thread settings and process facts shared by the bench's PyTorch scripts.

Import this before torch is imported anywhere: it sets OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and
MKL_NUM_THREADS from --threads (the BLAS reads them when it loads), then torch's intra-op threads. It
also removes OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE from this process's environment (unless
KDLAB_BENCH_OPENBLAS_ENV=keep), so that OpenBLAS picks its own kernels for this CPU: the machine's
settings, which old OpenBLAS builds need on some CPUs, pin the Haswell (AVX2) kernels, about 1.5x
slower than the Cooperlake (AVX-512) ones OpenBLAS 0.3.21 picks on an AVX-512 AMD EPYC.
"""
import ctypes
import os

OPENBLAS_SETTINGS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def configure_threads(threads):
    """Sets every thread count PyTorch's CPU path reads to `threads` and returns torch."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    if os.environ.get("KDLAB_BENCH_OPENBLAS_ENV", "unset") != "keep":
        for name in OPENBLAS_SETTINGS:
            os.environ.pop(name, None)
    import torch

    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set by an earlier parallel region
    return torch


def blas_library():
    """The BLAS shared library this process loaded (from /proc/self/maps), or None."""
    with open("/proc/self/maps", encoding="utf-8") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return sorted(paths)[0] if paths else None


def openblas_core():
    """The kernel family OpenBLAS chose for this CPU (openblas_get_corename), or None for another BLAS."""
    library = blas_library()
    if library is None:
        return None
    try:
        corename = ctypes.CDLL(library).openblas_get_corename
    except (OSError, AttributeError):
        return None
    corename.restype = ctypes.c_char_p
    return corename().decode()


def memory_kb():
    """VmHWM (peak resident set) and VmRSS of this process, in KiB."""
    values = {}
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values["VmHWM"], values["VmRSS"]
