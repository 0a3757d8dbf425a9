"""Study 1's runs in Keras 3: the teacher once (`fit`), then per student seed a baseline (`fit` on the
labels) and a distilled student per temperature (`Distiller.fit`), each recorded in one JSON results
file in the PyTorch twin's shape (repro/pytorch-twin/README.md), rewritten after every run. Unlike the
PyTorch twin it does not resume: every invocation trains every run."""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
from pathlib import Path
from typing import Any

import keras
import numpy
import tensorflow as tf

from keras_twin_data import TwinData, limit_split, load_data
from keras_twin_models import RunSeeds, build_distiller, build_mlp, compile_plain, cosine_schedule, make_optimizer
from keras_twin_training import LOG, steps_per_run, train_model
from runtime import MACHINE_OPENBLAS_SETTINGS, memory_kb, openblas_setting
from twin_setting import HARD_WEIGHT, SOFT_WEIGHT, TEACHER_SEED, TrainSetting, student_setting, teacher_setting

FORMAT = "kdlab-keras-twin/1"
"""The value of the results file's `format` field."""

STUDY = {"study": "hinton-mnist-full", "twin_of": "experiments/repro/hinton-mnist-full.ts"}
"""The results file's identification fields."""


def run_key(role: str, seed: int, temperature: float | None = None) -> str:
    """A run's identity, as in the PyTorch twin: `teacher/seed=0`, `baseline/seed=3`, `distilled/T=20/seed=3`."""
    return f"{role}/seed={seed}" if temperature is None else f"{role}/T={temperature:g}/seed={seed}"


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (`unknown` where there is none)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def environment() -> dict[str, Any]:
    """What a run ran on: Keras, TensorFlow, numpy and Python versions, TensorFlow's thread pools, its
    oneDNN switch, the OpenBLAS and malloc variables of this process, the CPU."""
    return {
        "keras_version": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "tensorflow_version": tf.__version__,
        "numpy_version": numpy.__version__,
        "python_version": platform.python_version(),
        "threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "interop_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "onednn_opts": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on for x86 CPUs)"),
        "openblas_env": openblas_setting(),
        "machine_openblas_settings": MACHINE_OPENBLAS_SETTINGS,
        "malloc_env": {name: value for name, value in os.environ.items() if name.startswith("MALLOC_")},
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
    }


def describe_setting(options: argparse.Namespace, data: TwinData) -> dict[str, Any]:
    """The setting, as the PyTorch twin records it, plus how Keras runs it."""
    header = data.header
    return {
        "data": {
            "dataset": header["dataset"],
            "fractions": header["fractions"],
            "split_seed": header["seed"],
            "limit_train": options.limit_train,
            "counts": {"train": data.train.count, "val": data.val.count, "test": data.test.count},
        },
        "teacher": {**teacher_setting(options.teacher_epochs).to_json(), "seed": TEACHER_SEED, "loss": "ce"},
        "student": student_setting(options.student_epochs).to_json(),
        "distillation": {
            "hard_weight": HARD_WEIGHT,
            "soft_weight": SOFT_WEIGHT,
            "loss": "keras.distillation.Distiller(student_loss_weight=hard_weight) + LogitsDistillation(T, loss=keras.losses.KLDivergence()): hard_weight * CE + (1 - hard_weight) * T^2 * KL(softmax(teacher/T) || softmax(student/T)), batch mean",
            "teacher_signal": "the teacher's last weights run forward in inference mode on every batch (Distiller.compute_loss), training and validation",
        },
        "schedule": "per-step cosine from the learning rate to 0: keras.optimizers.schedules.CosineDecay(lr, decay_steps=T - 1, alpha=0), lr_t = 0.5 lr (1 + cos(pi t / (T - 1)))",
        "momentum": "Keras SGD: v = m v - lr_t g; w += v (PyTorch / tfjs: v = m v + g; w -= lr_t v; equal at a constant rate)",
        "initialisation": "glorot-uniform kernels (a seed per layer), zero biases",
        "training": "model.fit(batch_size=128, shuffle=True, validation_data=val, validation_batch_size=512); test errors by predict(batch_size=512)",
    }


class ResultFile:
    """The runs of one invocation in one JSON file, rewritten atomically after each run."""

    def __init__(self, path: Path, setting: dict[str, Any]) -> None:
        """Starts an empty file at `path` (an earlier file there is replaced)."""
        self.path, self.setting, self.runs = path, setting, []
        self.write()

    def document(self) -> dict[str, Any]:
        """`{format, study, twin_of, keras_version, tensorflow_version, threads, cpu, setting, process, runs}`."""
        env = environment()
        peak, current = memory_kb()
        return {
            "format": FORMAT,
            **STUDY,
            "keras_version": env["keras_version"],
            "tensorflow_version": env["tensorflow_version"],
            "threads": env["threads"],
            "cpu": env["cpu"],
            "setting": self.setting,
            "process": {"peak_rss_kb": peak, "rss_kb": current},
            "runs": self.runs,
        }

    def add(self, run: dict[str, Any]) -> None:
        """Adds a finished run (stamped with the time) and rewrites the file."""
        self.runs.append({**run, "finished_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")})
        self.write()

    def write(self) -> None:
        """Rewrites the file atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        temporary.write_text(json.dumps(self.document(), indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)


def record(key: str, seed: int, temperature: float | None, outcome: dict[str, Any]) -> dict[str, Any]:
    """One run's entry (the role is the key's first part), logged."""
    LOG.info(
        f"{key}: {outcome['test_errors']} test errors (best-val epoch {outcome['best_epoch']}: {outcome['test_errors_best']}), "
        f"best val acc {outcome['best_val_accuracy']:.4f}, {outcome['mean_epoch_seconds']:.2f} s/epoch, {outcome['wall_seconds']:.1f} s in all"
    )
    return {"key": key, "role": key.partition("/")[0], "temperature": temperature, "seed": seed, **outcome, "environment": environment()}


def train_plain(setting: TrainSetting, data: TwinData, seeds: RunSeeds, name: str, key: str) -> tuple[keras.Model, dict[str, Any]]:
    """A model fitted on the labels (the teacher, a baseline): the model and its outcome."""
    LOG.info(f"{key}: training ({setting.epochs} epochs)")
    model = build_mlp(setting, seeds, name)
    rate = cosine_schedule(setting.learning_rate, steps_per_run(setting, data.train.count))
    compile_plain(model, make_optimizer(setting, rate))
    return model, train_model(model, model, setting, data, seeds=seeds, rate=rate, name=key)


def train_distilled(teacher: keras.Model, setting: TrainSetting, data: TwinData, seed: int, temperature: float, key: str) -> dict[str, Any]:
    """A student distilled from `teacher` at `temperature` with `Distiller.fit`: its outcome."""
    LOG.info(f"{key}: training ({setting.epochs} epochs)")
    seeds = RunSeeds.of(seed, "student")
    student = build_mlp(setting, seeds, f"student_t{temperature:g}_s{seed}".replace(".", "_"))
    rate = cosine_schedule(setting.learning_rate, steps_per_run(setting, data.train.count))
    distiller = build_distiller(teacher, student, temperature, make_optimizer(setting, rate))
    return train_model(distiller, student, setting, data, seeds=seeds, rate=rate, name=key)


def run_study(options: argparse.Namespace) -> None:
    """Trains the teacher, then per seed the baseline and a distilled student per temperature."""
    full = load_data(options.data)
    data = TwinData(limit_split(full.train, options.limit_train), full.val, full.test, full.header)
    results = ResultFile(options.out, describe_setting(options, data))
    LOG.info(f"data: {data.train.count} train / {data.val.count} val / {data.test.count} test; Keras {keras.__version__} on TensorFlow {tf.__version__}, {tf.config.threading.get_intra_op_parallelism_threads()} threads; results -> {options.out}")
    key = run_key("teacher", TEACHER_SEED)
    teacher, outcome = train_plain(teacher_setting(options.teacher_epochs), data, RunSeeds.of(TEACHER_SEED, "teacher"), "teacher", key)
    results.add(record(key, TEACHER_SEED, None, outcome))
    setting = student_setting(options.student_epochs)
    for seed in options.seeds:
        key = run_key("baseline", seed)
        _, outcome = train_plain(setting, data, RunSeeds.of(seed, "student"), f"baseline_s{seed}", key)
        results.add(record(key, seed, None, outcome))
        for temperature in options.temperatures:
            key = run_key("distilled", seed, temperature)
            results.add(record(key, seed, temperature, train_distilled(teacher, setting, data, seed, temperature, key)))
    LOG.info(f"done: {len(results.runs)} run(s) in {options.out}")
