"""Says which PyTorch this Python has and which kernels it loaded, as one `@@bench <json>` line.

    python bench/pytorch/check.py [--threads 1]

Run by bench/run.ts once per PyTorch peer (Debian's python3-torch 1.13, PyTorch 2.13 in the bench's
virtual environment) and per OpenBLAS setting (KDLAB_BENCH_OPENBLAS_ENV, see runtime.py). Reports:
- the BLAS torch's matrix products call: Debian's python3-torch calls the system libblas.so.3, the
  reference implementation unless libopenblas0-pthread is installed (about 10x slower); the PyTorch
  wheels link MKL into libtorch_cpu;
- OpenBLAS's kernel family (`openblas_get_corename()`), when the BLAS is OpenBLAS;
- MKL's version and code path (MKL_VERBOSE's first line), oneDNN's version, ISA and the implementation
  of each primitive one small convolution and product ran (ONEDNN_VERBOSE), from a child process of
  this script with those variables set (they print to stdout);
- ATen's CPU capability and parallel backend (torch.__config__), and the GFLOP/s of one
  [128, 784] x [784, 800] product at --threads (the KD step's first layer).
"""
import argparse
import json
import os
import subprocess
import sys

from runtime import (MACHINE_OPENBLAS_SETTINGS, blas_description, blas_library, configure_threads, gemm_gflops,
                     openblas_core, openblas_setting, parse_onednn_verbose, torch_blas_info)


def verbose_probe():
    """Runs in the child: a product and a convolution, so that MKL and oneDNN print their first lines."""
    torch = configure_threads(1)
    torch.ones(128, 784) @ torch.ones(784, 800)
    torch.nn.functional.conv2d(torch.ones(8, 1, 28, 28), torch.ones(32, 1, 3, 3), padding=1)
    linear = torch.nn.Linear(784, 800)
    linear(torch.ones(128, 784, requires_grad=True)).sum().backward()


def kernels_from_child():
    env = dict(os.environ, MKL_VERBOSE="1", ONEDNN_VERBOSE="1", DNNL_VERBOSE="1")
    child = subprocess.run([sys.executable, __file__, "--verbose-probe"], env=env, capture_output=True, text=True, timeout=300)
    text = child.stdout + child.stderr
    mkl = next((line for line in text.splitlines() if line.startswith("MKL_VERBOSE") and "SGEMM" not in line and "build" in line), None)
    # "MKL_VERBOSE oneMKL 2024.0 Update 2 Product build 20240605 for Intel(R) 64 architecture <code path>, Lnx 2.10GHz lp64 gnu_thread"
    mkl_path = None
    if mkl is not None and " architecture " in mkl:
        mkl_path = mkl.split(" architecture ", 1)[1].split(", Lnx")[0].strip()
    version, isa, kernels = parse_onednn_verbose(text)
    return {"mklVerbose": mkl, "mklCodePath": mkl_path, "onednn": version, "onednnIsa": isa, "onednnKernels": kernels}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--verbose-probe", action="store_true")
    options = parser.parse_args()
    if options.verbose_probe:
        verbose_probe()
        return
    torch = configure_threads(options.threads)
    a, b = torch.randn(128, 784), torch.randn(784, 800)
    gflops = gemm_gflops(lambda: a @ b)  # also loads the BLAS
    library = blas_library()
    info = torch_blas_info(torch)
    config = torch.__config__.show()
    capability = next((line.split(":", 1)[1].strip() for line in config.splitlines() if "CPU capability usage" in line), None)
    parallel = next((line.split(":", 1)[1].strip() for line in torch.__config__.parallel_info().splitlines() if line.startswith("ATen parallel backend")), None)
    mkl_version = next((line.strip(" -") for line in config.splitlines() if "Math Kernel Library" in line), None)
    answer = {
        "framework": f"PyTorch {torch.__version__}",
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "blasInfo": info,
        "blas": blas_description(torch),
        "optimizedBlas": info == "mkl" or (library is not None and ("openblas" in library.lower() or "mkl" in library.lower())),
        "blasCore": openblas_core() if info != "mkl" else None,
        "mkl": mkl_version,
        "cpuCapability": capability,
        "parallel": parallel,
        "threads": torch.get_num_threads(),
        "gemmGflops": gflops,
        "openblasEnv": openblas_setting(),
        "machineOpenblasSettings": MACHINE_OPENBLAS_SETTINGS,
    }
    try:
        answer.update(kernels_from_child())
    except (subprocess.SubprocessError, OSError) as error:
        answer["kernelProbeError"] = str(error)
    sys.stdout.write("@@bench " + json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
