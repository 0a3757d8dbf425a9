"""Checks the Keras twin's pieces against independent numpy computations and prints one
`@@bench <json>` line (bench/study/run-study.ts records it; it also stops with an error on a mismatch).

    .kdlab/bench/venv/bin/python bench/study/keras_twin_check.py [--threads 1]

1. The distiller's loss: `Distiller.compute_loss` of keras_twin_models.build_distiller on one random
   batch (64 examples, teacher and student MLPs with random weights) against numpy in float64:
   0.1 * CE(student, labels) + 0.9 * T^2 * KL(softmax(teacher/T) || softmax(student/T)), batch means,
   at T = 20 and T = 4; and what the default `LogitsDistillation` loss (the string "kl_divergence")
   would give instead.
2. The cosine schedule: CosineDecay(lr, T - 1) against 0.5 lr (1 + cos(pi t / (T - 1))) at every step.
3. The translation: every image the training-mode RandomShift returns is its input shifted by whole
   pixels in [-2, 2] along each axis with zeros filled in, and all 25 shifts occur.
4. Max-norm: MaxNorm(3.5, axis=0) on a Dense kernel ([inputs, units]) caps each unit's incoming
   weight vector (a column) at norm 3.5.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.dont_write_bytecode = True
sys.path.insert(0, str(REPO / "bench" / "keras"))
sys.path.insert(0, str(REPO / "bench" / "pytorch"))
sys.path.insert(0, str(REPO / "repro" / "pytorch-twin"))

from common import configure  # noqa: E402

TOLERANCE = 1e-5
"""Largest relative difference accepted between Keras (float32) and numpy (float64)."""


def numpy_loss(numpy, teacher, student, labels, temperature, hard_weight):
    """The distillation objective in float64, written out."""

    def log_softmax(logits):
        shifted = logits - logits.max(axis=1, keepdims=True)
        return shifted - numpy.log(numpy.exp(shifted).sum(axis=1, keepdims=True))

    ce = -log_softmax(student)[numpy.arange(len(labels)), labels].mean()
    log_p_teacher, log_p_student = log_softmax(teacher / temperature), log_softmax(student / temperature)
    kl = (numpy.exp(log_p_teacher) * (log_p_teacher - log_p_student)).sum(axis=1).mean()
    return hard_weight * ce + (1 - hard_weight) * temperature**2 * kl, ce, kl


def check_loss(keras, numpy, models):
    """Item 1: the distiller's total loss against numpy at T = 20 and T = 4."""
    from twin_setting import HARD_WEIGHT, student_setting, teacher_setting

    generator = numpy.random.default_rng(0)
    x = generator.random((64, 784), dtype=numpy.float32)
    y = generator.integers(0, 10, 64).astype(numpy.int32)
    teacher = models.build_mlp(teacher_setting(1), models.RunSeeds.of(0, "teacher"), "teacher")
    results = []
    for temperature in (20.0, 4.0):
        student = models.build_mlp(student_setting(1), models.RunSeeds.of(1, "student"), f"student_t{temperature:g}")
        # scale the student's logits up so that the soft targets differ clearly from uniform
        student.get_layer(f"student_t{temperature:g}_logits").kernel.assign(student.get_layer(f"student_t{temperature:g}_logits").kernel * 8.0)
        distiller = models.build_distiller(teacher, student, temperature)
        y_pred = distiller(x, training=True)
        keras_total = float(keras.ops.convert_to_numpy(distiller.compute_loss(x=x, y=y, y_pred=y_pred)))
        teacher_logits = keras.ops.convert_to_numpy(teacher(x, training=False)).astype(numpy.float64)
        student_logits = keras.ops.convert_to_numpy(y_pred).astype(numpy.float64)
        expected, ce, kl = numpy_loss(numpy, teacher_logits, student_logits, y, temperature, HARD_WEIGHT)
        default = keras.distillation.LogitsDistillation(temperature=temperature)  # the string "kl_divergence"
        default_soft = float(keras.ops.convert_to_numpy(default.compute_loss(teacher_logits.astype(numpy.float32), student_logits.astype(numpy.float32))))
        difference = abs(keras_total - expected) / abs(expected)
        results.append({
            "temperature": temperature,
            "keras": keras_total,
            "numpy": float(expected),
            "relative_difference": difference,
            "ce": float(ce),
            "t2_kl": float(temperature**2 * kl),
            "default_loss_soft_term": default_soft,
            "ok": bool(difference < TOLERANCE),
        })
    return results


def check_schedule(keras, models):
    """Item 2: the schedule at every step of a 50-step run."""
    total, base = 50, 0.1
    schedule = models.cosine_schedule(base, total)
    worst = max(abs(float(keras.ops.convert_to_numpy(schedule(step))) - 0.5 * base * (1 + math.cos(math.pi * step / (total - 1)))) for step in range(total))
    return {"steps": total, "max_abs_difference": worst, "ok": bool(worst < 1e-7)}


def check_translation(keras, numpy, models):
    """Item 3: each output image is a zero-filled whole-pixel shift of its input, within [-2, 2]."""
    count, side, shift = 400, 28, 2
    images = numpy.random.default_rng(1).random((count, side * side), dtype=numpy.float32) + 0.5  # no zeros inside
    layer = models.RandomShift(shift, seed=3)
    moved = keras.ops.convert_to_numpy(layer(images, training=True)).reshape(count, side, side)
    passed = keras.ops.convert_to_numpy(layer(images, training=False))
    padded = numpy.pad(images.reshape(count, side, side), ((0, 0), (shift, shift), (shift, shift)))
    seen, bad = set(), 0
    for index in range(count):
        matches = [(dy, dx) for dy in range(-shift, shift + 1) for dx in range(-shift, shift + 1)
                   if numpy.array_equal(moved[index], padded[index, shift - dy:shift - dy + side, shift - dx:shift - dx + side])]
        if len(matches) != 1:
            bad += 1
        seen.update(matches)
    return {"images": count, "not_a_shift": bad, "shifts_seen": len(seen), "identity_at_inference": bool(numpy.array_equal(passed, images)), "ok": bool(bad == 0 and len(seen) == 25 and numpy.array_equal(passed, images))}


def check_max_norm(keras, numpy):
    """Item 4: MaxNorm(3.5, axis=0) caps the columns of a [inputs, units] kernel."""
    kernel = numpy.random.default_rng(2).normal(size=(784, 16)).astype(numpy.float32)
    capped = keras.ops.convert_to_numpy(keras.constraints.MaxNorm(3.5, axis=0)(kernel))
    norms = numpy.linalg.norm(capped, axis=0)
    return {"largest_unit_norm": float(norms.max()), "ok": bool(norms.max() <= 3.5 + 1e-4 and norms.min() > 3.4)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    options = parser.parse_args()
    _, keras = configure(options.threads)
    import numpy

    import keras_twin_models as models

    answer = {
        "loss": check_loss(keras, numpy, models),
        "schedule": check_schedule(keras, models),
        "translation": check_translation(keras, numpy, models),
        "max_norm": check_max_norm(keras, numpy),
    }
    answer["ok"] = all(item["ok"] for item in answer["loss"]) and all(answer[name]["ok"] for name in ("schedule", "translation", "max_norm"))
    sys.stdout.write("@@bench " + json.dumps(answer) + "\n")
    return 0 if answer["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
