"""Says which PyTorch and which BLAS the bench's PyTorch peer would use, as one `@@bench <json>` line.

Debian's python3-torch calls the system BLAS (libblas.so.3): the reference implementation unless
libopenblas0-pthread is installed, which makes PyTorch's CPU matrix products about 10x slower.
"""
import json
import sys

from runtime import blas_library, configure_threads

torch = configure_threads(1)
torch.ones(64, 64) @ torch.ones(64, 64)  # loads the BLAS
library = blas_library()
sys.stdout.write("@@bench " + json.dumps({
    "torch": torch.__version__,
    "blas": library,
    "optimizedBlas": library is not None and ("openblas" in library.lower() or "mkl" in library.lower()),
}) + "\n")
