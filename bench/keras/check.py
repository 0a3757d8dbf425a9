"""Says which Keras and TensorFlow this Python has and which kernels TensorFlow loaded, as one
`@@bench <json>` line (bench/run.ts runs it for the Keras peer).

    python bench/keras/check.py [--threads 1]

Reports Keras' version and backend, that `keras.distillation.Distiller` exists, TensorFlow's version and
build (`tf.sysconfig.get_build_info()`), and, from a child process of this script run with
TF_CPP_MIN_LOG_LEVEL=0 and ONEDNN_VERBOSE=1: whether TensorFlow's oneDNN operations are on (its
`port.cc` log line), the instructions its own (Eigen) kernels were built without (`cpu_feature_guard`:
they are used only inside oneDNN, which picks its ISA at run time), oneDNN's version and ISA, and the
implementation of each oneDNN primitive a small product and convolution ran. Also the GFLOP/s of one
[128, 784] x [784, 800] product at --threads inside a `tf.function` (the KD step's first layer).
"""
import argparse
import json
import os
import subprocess
import sys

from common import configure, runtime
from runtime import MACHINE_OPENBLAS_SETTINGS, gemm_gflops, openblas_setting, parse_onednn_verbose


def verbose_probe():
    """Runs in the child: one product and one convolution, as the training steps run them (in a tf.function)."""
    tf, _ = configure(1)

    @tf.function
    def probe(a, b, x, w):
        return tf.matmul(a, b), tf.nn.conv2d(x, w, 1, "SAME")

    probe(tf.ones([128, 784]), tf.ones([784, 800]), tf.ones([8, 28, 28, 1]), tf.ones([3, 3, 1, 32]))


def kernels_from_child():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="0", ONEDNN_VERBOSE="1")
    child = subprocess.run([sys.executable, __file__, "--verbose-probe"], env=env, capture_output=True, text=True, timeout=300)
    text = child.stdout + child.stderr
    lines = text.splitlines()
    version, isa, kernels = parse_onednn_verbose(text)
    guard = None
    for index, line in enumerate(lines):
        if "cpu_feature_guard" in line:
            # "To enable the following instructions: AVX2 AVX512F ... FMA, in other operations, rebuild TensorFlow ..."
            rest = " ".join(lines[index:index + 2])
            if "following instructions:" in rest:
                guard = rest.split("following instructions:", 1)[1].split(", in other operations")[0].strip()
    return {
        "onednnOpts": any("oneDNN custom operations are on" in line for line in lines),
        "tfBuiltWithout": guard,
        "onednn": version,
        "onednnIsa": isa,
        "onednnKernels": kernels,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--verbose-probe", action="store_true")
    options = parser.parse_args()
    if options.verbose_probe:
        verbose_probe()
        return
    tf, keras = configure(options.threads)
    a, b = tf.random.normal([128, 784]), tf.random.normal([784, 800])
    matmul = tf.function(lambda: tf.matmul(a, b))
    answer = {
        "framework": f"Keras {keras.__version__} on TensorFlow {tf.__version__}",
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "backend": keras.backend.backend(),
        "distiller": hasattr(keras, "distillation") and hasattr(keras.distillation, "Distiller") and hasattr(keras.distillation, "LogitsDistillation"),
        "python": sys.version.split()[0],
        "runtime": runtime(tf, keras),
        "build": {key: value for key, value in tf.sysconfig.get_build_info().items() if not isinstance(value, (list, dict))},
        "blas": "oneDNN (TensorFlow's own build), Eigen",
        "optimizedBlas": True,
        "blasCore": None,
        "gemmGflops": gemm_gflops(lambda: matmul().numpy()),
        "threads": tf.config.threading.get_intra_op_parallelism_threads(),
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
