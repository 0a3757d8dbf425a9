"""Thread settings and process facts shared by the bench's PyTorch scripts.

Import this before torch is imported anywhere: it sets OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and
MKL_NUM_THREADS from --threads (the BLAS reads them when it loads), then torch's intra-op threads.
"""
import os


def configure_threads(threads):
    """Sets every thread count PyTorch's CPU path reads to `threads` and returns torch."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
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


def memory_kb():
    """VmHWM (peak resident set) and VmRSS of this process, in KiB."""
    values = {}
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values["VmHWM"], values["VmRSS"]
