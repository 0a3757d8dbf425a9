"""The Keras 3 twin of kdlab's study 1 (experiments/repro/hinton-mnist-full.ts): Hinton et al. 2015 on
the full MNIST, the same split, models, losses and training as the PyTorch twin
(repro/pytorch-twin), written the way a Keras user writes it: `model.fit` for the teacher and the
baselines, `keras.distillation.Distiller` + `LogitsDistillation` for the distilled students (its
teacher runs forward on every batch).

    .kdlab/bench/venv/bin/python bench/study/keras_hinton_mnist_full.py --data .kdlab/pytorch-twin-data --threads 1

Writes every finished run to one JSON file (--out) in the PyTorch twin's shape. See bench/README.md
("Study-level comparison").
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.dont_write_bytecode = True  # no __pycache__ in the source folders
sys.path.insert(0, str(REPO / "bench" / "keras"))  # the bench's Keras peer: configure (threads, backend)
sys.path.insert(0, str(REPO / "bench" / "pytorch"))  # runtime: thread environment, OpenBLAS setting, memory
sys.path.insert(0, str(REPO / "repro" / "pytorch-twin"))  # twin_setting: the setting as data (no torch)

from common import configure  # noqa: E402 (after the path; before TensorFlow is imported)

from twin_setting import STUDENT_SEEDS, TEMPERATURES  # noqa: E402

DEFAULT_DATA = REPO / ".kdlab" / "pytorch-twin-data"
DEFAULT_OUT = REPO / ".kdlab" / "bench" / "keras-twin" / "hinton-mnist-full.json"


def positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def int_list(text: str) -> list[int]:
    """An argparse type: comma-separated non-negative integers (`0,1,2`)."""
    values = [int(part) for part in text.split(",") if part.strip()]
    if not values or any(value < 0 for value in values):
        raise argparse.ArgumentTypeError(f"expected comma-separated non-negative integers, got {text!r}")
    return values


def float_list(text: str) -> list[float]:
    """An argparse type: comma-separated positive numbers (`20,4`)."""
    values = [float(part) for part in text.split(",") if part.strip()]
    if not values or any(not value > 0 for value in values):
        raise argparse.ArgumentTypeError(f"expected comma-separated positive numbers, got {text!r}")
    return values


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: the PyTorch twin's options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the split written by repro/pytorch-twin/export-split.ts")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the results JSON (replaced)")
    parser.add_argument("--teacher-epochs", type=positive_int, default=100, help="the teacher's epochs")
    parser.add_argument("--student-epochs", type=positive_int, default=30, help="each student's epochs")
    parser.add_argument("--seeds", type=int_list, default=list(STUDENT_SEEDS), help="student seeds, comma-separated")
    parser.add_argument("--temperatures", type=float_list, default=list(TEMPERATURES), help="distillation temperatures, comma-separated")
    parser.add_argument("--threads", type=positive_int, default=2, help="TensorFlow's intra-op and inter-op threads (and OMP/MKL/OpenBLAS thread counts)")
    parser.add_argument("--limit-train", type=positive_int, default=None, help="train on a seeded random subset of this many examples (quick checks only)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Runs the twin; returns the exit status."""
    options = parse_options(argv)
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(message)s", datefmt="%H:%M:%S", stream=sys.stdout)
    configure(options.threads)
    # Imported only now: they import Keras and TensorFlow, which must start after configure.
    from keras_twin_study import run_study  # noqa: PLC0415

    try:
        run_study(options)
    except FileNotFoundError as error:
        sys.stderr.write(f"keras_hinton_mnist_full.py: {error}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
