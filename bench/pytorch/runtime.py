"""Thread settings and process facts shared by the bench's Python peers (PyTorch and Keras).

Import this before torch or TensorFlow is imported anywhere: `configure_threads` sets OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS and MKL_NUM_THREADS from --threads (the BLAS reads them when it loads), then
torch's intra-op threads. `apply_openblas_setting` removes OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, both
together, from this process's environment when KDLAB_BENCH_OPENBLAS_ENV=unset (bench/run.ts sets it per
peer process: it measures both settings for the peers whose BLAS is OpenBLAS and picks the faster, see
bench/README.md), so that OpenBLAS picks its own kernels for this CPU: the machine's settings, which old
OpenBLAS builds need on some CPUs, pin the Haswell (AVX2) kernels, about 1.5x slower than the Cooperlake
(AVX-512) ones OpenBLAS 0.3.21 picks on an AVX-512 AMD EPYC. Without the variable (tests, CI, a script
run by hand, the repro twins) the environment is left as it is. (glibc malloc's settings, the bench's
other per-peer choice, are set by bench/run.ts in the spawned environment: glibc reads them at start.)
"""
import ctypes
import os

OPENBLAS_SETTINGS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

# the machine's settings, before apply_openblas_setting drops them
MACHINE_OPENBLAS_SETTINGS = {name: os.environ[name] for name in OPENBLAS_SETTINGS if name in os.environ}


def openblas_setting():
    """`unset` when this process drops the machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, else `keep`."""
    return "unset" if os.environ.get("KDLAB_BENCH_OPENBLAS_ENV") == "unset" else "keep"


def apply_openblas_setting():
    """Drops OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE together when KDLAB_BENCH_OPENBLAS_ENV=unset."""
    if openblas_setting() == "unset":
        for name in OPENBLAS_SETTINGS:
            os.environ.pop(name, None)


def thread_environment(threads):
    """Sets the thread counts the BLAS libraries and OpenMP read when they load."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    apply_openblas_setting()


def configure_threads(threads):
    """Sets every thread count PyTorch's CPU path reads to `threads` and returns torch."""
    thread_environment(threads)
    import torch

    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set by an earlier parallel region
    return torch


def _is_bundled_by_numpy(path):
    # numpy's wheels bring their own OpenBLAS (numpy.libs/libscipy_openblas*), which torch does not call
    return "numpy.libs" in path or "scipy_openblas" in path


def blas_library():
    """The system BLAS shared library this process loaded (from /proc/self/maps), or None; numpy's own is left out."""
    with open("/proc/self/maps", encoding="utf-8") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    paths = sorted(path for path in paths if not _is_bundled_by_numpy(path))
    return paths[0] if paths else None


def torch_blas_info(torch):
    """torch's BLAS_INFO build setting (`mkl`, `generic` for the system libblas, `open`...), or None."""
    import re

    match = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return match.group(1) if match else None


def blas_description(torch):
    """What torch's matrix products call: MKL linked into torch, or the system library it loaded."""
    if torch_blas_info(torch) == "mkl":
        return "MKL (linked into libtorch_cpu)"
    return blas_library()


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


def parse_onednn_verbose(text):
    """oneDNN's version, ISA and the implementation of each primitive kind seen, from ONEDNN_VERBOSE=1 output."""
    version, isa, kernels = None, None, {}
    for line in text.splitlines():
        if not (line.startswith("onednn_verbose") or line.startswith("dnnl_verbose")):
            continue
        fields = line.split(",")
        if ",info,oneDNN v" in line:
            version = line.split(",info,", 1)[1].strip()
        elif ",info,cpu,isa:" in line:
            isa = line.split(",info,cpu,isa:", 1)[1].strip()
        elif "exec" in fields and "cpu" in fields:
            at = fields.index("cpu")
            if at + 2 < len(fields) and fields[at + 1] != "reorder":
                kernels.setdefault(fields[at + 1], fields[at + 2] or "(unnamed)")
    return version, isa, kernels


def gemm_gflops(matmul, repeats=20):
    """GFLOP/s of one [128, 784] x [784, 800] product (the KD step's first layer), best of a few timings."""
    import time

    best = float("inf")
    for _ in range(3):
        matmul()
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeats):
            matmul()
        best = min(best, (time.perf_counter() - started) / repeats)
    return 2 * 128 * 784 * 800 / best / 1e9
