"""The Keras twin's training: `model.fit` as a Keras user runs it, measured as the PyTorch twin's loop
(repro/pytorch-twin/twin_training.py) measures kdlab's trainer.

`fit` on the training split (batch 128, shuffled each epoch, the last batch of an epoch smaller), the
validation split evaluated after every epoch (`validation_data`, batch 512), the best-validation epoch's
weights (the first on ties) kept in memory by a callback; at the end the test errors of the last weights
and of the best weights (`predict`, batch 512), and the model is left with its last weights.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass
from typing import Any

import keras
import numpy

from keras_twin_data import Split, TwinData
from keras_twin_models import RunSeeds
from twin_setting import EVAL_BATCH, TrainSetting

LOG = logging.getLogger("keras-twin")
"""Progress lines (configured by keras_hinton_mnist_full.py)."""


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch measured (the PyTorch twin's fields)."""

    epoch: int
    """1-based epoch."""
    loss: float
    """Keras' mean training loss over the epoch's batches (with dropout and translation for the teacher)."""
    train_accuracy: float
    """Training accuracy measured during the steps."""
    val_accuracy: float
    """Validation accuracy after the epoch."""
    learning_rate: float
    """The rate of the epoch's last step."""
    seconds: float
    """Wall time of the epoch's training steps (validation not included)."""
    epoch_seconds: float
    """Wall time of the whole epoch, validation included."""


class EpochRecorder(keras.callbacks.Callback):
    """Times each epoch's steps (to the start of validation) and the whole epoch, reads the logs, and
    keeps a copy of `target`'s weights at the best validation accuracy (the first epoch on ties)."""

    def __init__(self, target: keras.Model, rate: keras.optimizers.schedules.LearningRateSchedule, name: str, epochs: int):
        """`target`: the model whose weights are kept (the student inside a Distiller); `rate`: the schedule."""
        super().__init__()
        self.target, self.rate, self.name, self.epochs = target, rate, name, epochs
        self.history: list[EpochRecord] = []
        self.best_accuracy, self.best_epoch, self.best_weights = -1.0, 0, None
        self._started = self._steps_done = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._started = self._steps_done = time.perf_counter()

    def on_test_begin(self, logs=None):
        self._steps_done = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        finished = time.perf_counter()
        steps_done = self._steps_done if self._steps_done > self._started else finished
        val_accuracy = float(logs.get("val_accuracy", -1.0))
        if val_accuracy > self.best_accuracy:
            self.best_accuracy, self.best_epoch, self.best_weights = val_accuracy, epoch + 1, self.target.get_weights()
        step = int(self.model.optimizer.iterations.numpy()) - 1
        rate = float(keras.ops.convert_to_numpy(self.rate(max(0, step))))
        record = EpochRecord(epoch + 1, float(logs.get("loss", math.nan)), float(logs.get("accuracy", math.nan)), val_accuracy, rate, steps_done - self._started, finished - self._started)
        self.history.append(record)
        LOG.info(f"{self.name}: epoch {record.epoch}/{self.epochs} loss {record.loss:.4f} train acc {record.train_accuracy:.4f} val acc {val_accuracy:.4f} lr {rate:.3g} {record.seconds:.1f}s (+{record.epoch_seconds - record.seconds:.1f}s validation)")


def count_errors(model: keras.Model, split: Split) -> int:
    """Misclassified examples of `split` (argmax of `predict`, the first class on ties)."""
    logits = model.predict(split.x, batch_size=EVAL_BATCH, verbose=0)
    return int((numpy.argmax(logits, axis=1) != split.y).sum())


def accuracy(errors: int, count: int) -> float:
    """The fraction right, from the errors."""
    return (count - errors) / count


def steps_per_run(setting: TrainSetting, train_count: int) -> int:
    """Every step of a run: batches per epoch (the last one smaller) times epochs."""
    return math.ceil(train_count / setting.batch_size) * setting.epochs


def train_model(model: keras.Model, target: keras.Model, setting: TrainSetting, data: TwinData, *, seeds: RunSeeds, rate: keras.optimizers.schedules.LearningRateSchedule, name: str) -> dict[str, Any]:
    """Fits `model` (compiled with an optimizer on the schedule `rate`: a plain model, or a Distiller
    whose student is `target`) and returns `target`'s metrics and per-epoch history in the PyTorch twin's
    shape. `target` keeps its last weights."""
    started = time.perf_counter()
    keras.utils.set_random_seed(seeds.batches)  # fit's shuffling draws from the global seed
    recorder = EpochRecorder(target, rate, name, setting.epochs)
    model.fit(
        data.train.x,
        data.train.y,
        batch_size=setting.batch_size,
        epochs=setting.epochs,
        shuffle=True,
        validation_data=(data.val.x, data.val.y),
        validation_batch_size=EVAL_BATCH,
        callbacks=[recorder],
        verbose=0,
    )
    test_errors = count_errors(target, data.test)
    last_weights = target.get_weights()
    if recorder.best_weights is not None:
        target.set_weights(recorder.best_weights)
    test_errors_best = count_errors(target, data.test)
    target.set_weights(last_weights)
    history = recorder.history
    metrics = {
        "test_errors": test_errors,
        "test_accuracy": accuracy(test_errors, data.test.count),
        "best_val_accuracy": recorder.best_accuracy,
        "best_epoch": recorder.best_epoch,
        "test_errors_best": test_errors_best,
        "test_accuracy_best": accuracy(test_errors_best, data.test.count),
        "epochs": setting.epochs,
        "mean_epoch_seconds": sum(record.seconds for record in history) / max(1, len(history)),
        "mean_epoch_seconds_with_validation": sum(record.epoch_seconds for record in history) / max(1, len(history)),
        "wall_seconds": time.perf_counter() - started,
    }
    return {**metrics, "history": [asdict(record) for record in history]}
