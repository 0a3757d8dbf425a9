"""Says which PyTorch and which BLAS the bench's PyTorch peer would use, as one `@@bench <json>` line.

Debian's python3-torch calls the system BLAS (libblas.so.3): the reference implementation unless
libopenblas0-pthread is installed, which makes PyTorch's CPU matrix products about 10x slower. With
OpenBLAS, also which kernels it chose (`blasCore`) and the machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE,
which the peer's processes drop unless KDLAB_BENCH_OPENBLAS_ENV=keep (runtime.py).
"""
import json
import os
import sys

from runtime import OPENBLAS_SETTINGS, blas_library, configure_threads, openblas_core

machine_settings = {name: os.environ[name] for name in OPENBLAS_SETTINGS if name in os.environ}
torch = configure_threads(1)
torch.ones(64, 64) @ torch.ones(64, 64)  # loads the BLAS
library = blas_library()
sys.stdout.write("@@bench " + json.dumps({
    "torch": torch.__version__,
    "blas": library,
    "optimizedBlas": library is not None and ("openblas" in library.lower() or "mkl" in library.lower()),
    "blasCore": openblas_core(),
    "openblasEnv": "keep" if os.environ.get("KDLAB_BENCH_OPENBLAS_ENV") == "keep" else "unset",
    "machineOpenblasSettings": machine_settings,
}) + "\n")
