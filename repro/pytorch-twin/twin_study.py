"""Study 1's runs in PyTorch: the teacher once, then per student seed a baseline and a distilled student
per temperature; finished runs (in the results file) are skipped, the teacher reused from its file."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

import losses
from twin_data import TwinData, limit_split, load_data
from twin_setting import HARD_WEIGHT, SOFT_WEIGHT, TEACHER_SEED, student_setting, teacher_setting
from twin_store import ResultStore, check_setting, environment, run_key
from twin_training import LOG, LossFn, RunSeeds, build_mlp, predict_logits, train_model

STUDY = {"study": "hinton-mnist-full", "twin_of": "experiments/repro/hinton-mnist-full.ts"}
"""The results file's identification fields."""


@dataclass(frozen=True)
class Study:
    """One invocation: its options, its data, the setting it records and its results file."""

    options: argparse.Namespace
    data: TwinData
    setting: dict[str, Any]
    store: ResultStore

    @property
    def teacher_path(self) -> Path:
        """Where the teacher is saved: beside the results file, `<name>-teacher.pt`."""
        out: Path = self.options.out
        return out.with_name(f"{out.stem}-teacher.pt")


def describe_setting(options: argparse.Namespace, data: TwinData) -> dict[str, Any]:
    """Everything the runs' results depend on but their seed and temperature; a rerun must match it."""
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
            "loss": "hard_weight * CE + soft_weight * T^2 * KL(softmax(teacher/T) || softmax(student/T)), batch mean",
            "teacher_signal": "logits of the teacher's last weights on the unaugmented training split, inference mode, computed once",
        },
        "schedule": "per-step cosine from the learning rate to 0: lr_t = 0.5 lr (1 + cos(pi t / (T - 1))), t = 0 .. T - 1",
        "initialisation": "glorot-uniform kernels, zero biases",
    }


def run_record(key: str, seed: int, temperature: float | None, outcome: dict[str, Any]) -> dict[str, Any]:
    """One run's entry in the results file (the role is the key's first part)."""
    return {"key": key, "role": key.partition("/")[0], "temperature": temperature, "seed": seed, **outcome, "environment": environment()}


def report(record: dict[str, Any]) -> None:
    """Logs a finished run's headline metrics."""
    LOG.info(
        f"{record['key']}: {record['test_errors']} test errors (best-val epoch {record['best_epoch']}: {record['test_errors_best']}), "
        f"best val acc {record['best_val_accuracy']:.4f}, {record['mean_epoch_seconds']:.2f} s/epoch, {record['wall_seconds']:.1f} s in all"
    )


def ce_loss(logits: torch.Tensor, labels: torch.Tensor, _indices: torch.Tensor) -> torch.Tensor:
    """The teacher's and the baseline's loss: cross-entropy on the hard labels."""
    loss: torch.Tensor = losses.ce(logits, labels)
    return loss


def distillation_loss(teacher_logits: torch.Tensor, temperature: float) -> LossFn:
    """0.1 CE + 0.9 T^2 KL(softmax(t/T) || softmax(s/T)), the teacher's logits gathered per batch."""

    def loss(logits: torch.Tensor, labels: torch.Tensor, indices: torch.Tensor) -> torch.Tensor:
        total: torch.Tensor = HARD_WEIGHT * losses.ce(logits, labels) + SOFT_WEIGHT * losses.hinton(logits, teacher_logits[indices], temperature)
        return total

    return loss


def train_teacher(study: Study) -> torch.Tensor:
    """Trains the teacher, saves its weights, its training-split logits and its run, records the run,
    and returns the logits."""
    key = run_key("teacher", TEACHER_SEED)
    setting = teacher_setting(study.options.teacher_epochs)
    seeds = RunSeeds.of(TEACHER_SEED, "teacher")
    LOG.info(f"{key}: training ({setting.epochs} epochs)")
    model = build_mlp(setting, seeds.init)
    record = run_record(key, TEACHER_SEED, None, train_model(model, setting, study.data, seeds=seeds, loss_fn=ce_loss, name=key))
    logits = predict_logits(model, study.data.train.x)
    study.teacher_path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"setting": study.setting, "record": record, "state_dict": model.state_dict(), "train_logits": logits}, study.teacher_path)
    study.store.add(record)
    report(record)
    return logits


def load_teacher(study: Study) -> torch.Tensor:
    """The saved teacher's training-split logits; its run is recorded when the results file lacks it."""
    path = study.teacher_path
    saved = torch.load(path, weights_only=True)
    check_setting(path, saved["setting"], study.setting)
    logits: torch.Tensor = saved["train_logits"]
    if logits.shape != (study.data.train.count, 10):
        raise ValueError(f"{path}: the teacher's logits have shape {tuple(logits.shape)}, expected ({study.data.train.count}, 10)")
    if not study.store.has(saved["record"]["key"]):
        study.store.add(saved["record"])
    LOG.info(f"teacher: reusing {path}")
    return logits


def teacher_logits(study: Study) -> torch.Tensor:
    """The teacher's logits on the training split: from its saved file, else trained now."""
    if study.teacher_path.is_file():
        return load_teacher(study)
    if study.store.has(run_key("teacher", TEACHER_SEED)):
        raise FileNotFoundError(f"{study.options.out} records a teacher but its file {study.teacher_path} is missing: restore it, or remove {study.options.out} to start over")
    return train_teacher(study)


def train_student(study: Study, seed: int, temperature: float | None, logits: torch.Tensor | None) -> None:
    """Trains one student, the baseline (temperature None) or distilled from `logits`, and records its run."""
    key = run_key("baseline" if temperature is None else "distilled", seed, temperature)
    loss_fn: LossFn
    if temperature is None:
        loss_fn = ce_loss
    elif logits is None:
        raise ValueError(f"{key}: no teacher logits to distil from")
    else:
        loss_fn = distillation_loss(logits, temperature)
    setting = student_setting(study.options.student_epochs)
    seeds = RunSeeds.of(seed, "student")
    LOG.info(f"{key}: training ({setting.epochs} epochs)")
    outcome = train_model(build_mlp(setting, seeds.init), setting, study.data, seeds=seeds, loss_fn=loss_fn, name=key)
    record = run_record(key, seed, temperature, outcome)
    study.store.add(record)
    report(record)


def pending_students(study: Study) -> list[tuple[int, float | None]]:
    """The (seed, temperature) students not yet in the results file, seed by seed, the baseline
    (temperature None) first."""
    plan = [(seed, temperature) for seed in study.options.seeds for temperature in (None, *study.options.temperatures)]
    return [(seed, temperature) for seed, temperature in plan if not study.store.has(run_key("baseline" if temperature is None else "distilled", seed, temperature))]


def open_study(options: argparse.Namespace) -> Study:
    """Loads the data (limited when asked) and opens the results file."""
    full = load_data(options.data)
    data = TwinData(limit_split(full.train, options.limit_train), full.val, full.test, full.header)
    setting = describe_setting(options, data)
    return Study(options, data, setting, ResultStore(options.out, STUDY, setting))


def run_study(options: argparse.Namespace) -> None:
    """Runs what the results file `options.out` still lacks."""
    study = open_study(options)
    data = study.data
    LOG.info(f"data: {data.train.count} train / {data.val.count} val / {data.test.count} test; torch {torch.__version__}, {torch.get_num_threads()} threads; results -> {options.out}")
    pending = pending_students(study)
    needs_teacher = not study.store.has(run_key("teacher", TEACHER_SEED)) or any(temperature is not None for _, temperature in pending)
    if study.store.has(run_key("teacher", TEACHER_SEED)):
        LOG.info(f"{run_key('teacher', TEACHER_SEED)}: already in {options.out}")
    logits = teacher_logits(study) if needs_teacher else None
    skipped = len(options.seeds) * (1 + len(options.temperatures)) - len(pending)
    if skipped:
        LOG.info(f"skipping {skipped} of {skipped + len(pending)} student run(s), already in {options.out}")
    for seed, temperature in pending:
        train_student(study, seed, temperature, logits)
    LOG.info(f"done: {len(study.store.runs)} run(s) in {options.out}")
