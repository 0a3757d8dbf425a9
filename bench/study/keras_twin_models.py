"""The Keras twin's models and optimizers: kdlab's `mlp` (with the teacher's dropout, max-norm and
random translation) as Keras functional models, SGD / Adam on the per-step cosine schedule, and the
distiller set up as kdlab's `0.1 ce + 0.9 hinton(T)`.

Import after bench/keras/common.py's `configure` (threads, KERAS_BACKEND=tensorflow): this module
imports Keras.
"""
from __future__ import annotations

from dataclasses import dataclass

import keras

from twin_setting import HARD_WEIGHT, TrainSetting

SIDE = 28
"""Images are SIDE x SIDE pixels, flattened to SIDE * SIDE inputs."""


def derive_seed(seed: int, label: str) -> int:
    """kdlab's deriveSeed (packages/core/src/engine/derive-seed.ts), as the PyTorch twin has it: FNV-1a
    over "<seed>:<label>", 31 bits, so each purpose (initialisation, batch order, dropout, translation)
    has its own stream."""
    value = 0x811C9DC5
    for char in f"{seed}:{label}":
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return value & 0x7FFFFFFF


@dataclass(frozen=True)
class RunSeeds:
    """The seeds of one run's random streams, derived from the run's seed and role as kdlab (and the
    PyTorch twin's RunSeeds) does: `teacher/init`, `student/batches`, ... A baseline and the distilled
    students of the same seed get the same initial weights."""

    init: int
    batches: int
    dropout: int
    augment: int

    @staticmethod
    def of(seed: int, role: str) -> "RunSeeds":
        """The seeds of a `role` ('teacher' or 'student') trained with `seed`."""
        return RunSeeds(*(derive_seed(seed, f"{role}/{purpose}") for purpose in ("init", "batches", "dropout", "augment")))


@keras.saving.register_keras_serializable(package="kdlab_twin")
class RandomShift(keras.layers.Layer):
    """kdlab's `augment: { translate }` as a layer: while training, each image of the batch is shifted by
    whole pixels drawn uniformly from [-max_shift, max_shift], independently along rows and columns, zeros
    filling the uncovered border (the PyTorch twin's `translate`); at inference it passes the input
    through. A positive shift moves the content down or right: output (r, c) takes input (r - dy, c - dx)."""

    def __init__(self, max_shift: int, seed: int | None = None, **kwargs):
        """`max_shift`: the largest shift in pixels; `seed`: the seed of its random stream."""
        super().__init__(**kwargs)
        self.max_shift = max_shift
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=None):
        """Shifted images while training, `x` otherwise (`x` is `batch x SIDE*SIDE`)."""
        if not training or self.max_shift == 0:
            return x
        ops, shift = keras.ops, self.max_shift
        count = ops.shape(x)[0]
        wide = SIDE + 2 * shift
        padded = ops.pad(ops.reshape(x, (-1, SIDE, SIDE)), [[0, 0], [shift, shift], [shift, shift]])
        shifts = keras.random.randint((count, 2), -shift, shift + 1, seed=self.seed_generator, dtype="int32")
        grid = ops.arange(SIDE, dtype="int32")[None, :]
        rows = grid + shift - shifts[:, 0:1]
        columns = grid + shift - shifts[:, 1:2]
        picked = ops.take_along_axis(padded, ops.broadcast_to(rows[:, :, None], (count, SIDE, wide)), axis=1)
        moved = ops.take_along_axis(picked, ops.broadcast_to(columns[:, None, :], (count, SIDE, SIDE)), axis=2)
        return ops.reshape(moved, (-1, SIDE * SIDE))

    def get_config(self):
        """For serialisation."""
        return {**super().get_config(), "max_shift": self.max_shift, "seed": self.seed}


def build_mlp(setting: TrainSetting, seeds: RunSeeds, name: str) -> keras.Model:
    """The setting's MLP on flattened images: [random shift] [input dropout] then per hidden layer Dense +
    ReLU [+ dropout], then linear logits. Glorot-uniform kernels (each from its own seed derived from
    `seeds.init` and kdlab's layer name, so a baseline and the distilled students of a seed start alike), zero
    biases, and `MaxNorm(max_norm, axis=0)` on every kernel (each unit's incoming weights, the logits
    layer's included) when the setting has one: Keras applies it after every optimizer step."""
    image = keras.Input((SIDE * SIDE,), name="image")
    x = image
    if setting.translate > 0:
        x = RandomShift(setting.translate, seed=seeds.augment, name=f"{name}_translate")(x)
    if setting.input_dropout > 0:
        x = keras.layers.Dropout(setting.input_dropout, seed=derive_seed(seeds.dropout, "input"), name=f"{name}_input_dropout")(x)

    def dense(units: int, layer: str, activation: str | None) -> keras.layers.Dense:
        return keras.layers.Dense(
            units,
            activation=activation,
            kernel_initializer=keras.initializers.GlorotUniform(seed=derive_seed(seeds.init, f"{layer}/kernel")),
            bias_initializer="zeros",
            kernel_constraint=None if setting.max_norm is None else keras.constraints.MaxNorm(setting.max_norm, axis=0),
            name=f"{name}_{layer}",
        )

    for index, width in enumerate(setting.hidden):
        x = dense(width, f"hidden{index + 1}", "relu")(x)
        if setting.dropout > 0:
            x = keras.layers.Dropout(setting.dropout, seed=derive_seed(seeds.dropout, f"hidden{index + 1}"), name=f"{name}_dropout{index + 1}")(x)
    logits = dense(10, "logits", None)(x)
    return keras.Model(image, logits, name=name)


def cosine_schedule(base: float, total_steps: int) -> keras.optimizers.schedules.CosineDecay:
    """kdlab's per-step cosine without warm-up, `lr_t = 0.5 base (1 + cos(pi t / (T - 1)))` for t = 0 ..
    T - 1: Keras' CosineDecay with `decay_steps = T - 1` and `alpha = 0` (the optimizer passes its
    iteration count, 0 at the first step)."""
    return keras.optimizers.schedules.CosineDecay(base, decay_steps=max(1, total_steps - 1), alpha=0.0)


def make_optimizer(setting: TrainSetting, rate: keras.optimizers.schedules.LearningRateSchedule) -> keras.optimizers.Optimizer:
    """SGD with momentum (Keras' update, `v = m v - lr g; w += v`, which equals PyTorch's and tfjs' `v = m
    v + g; w -= lr v` at a constant rate and differs slightly while the rate changes) or Adam with
    epsilon 1e-7, each on the schedule `rate`."""
    if setting.optimizer == "sgd":
        return keras.optimizers.SGD(learning_rate=rate, momentum=setting.momentum)
    beta_1, beta_2 = setting.betas
    return keras.optimizers.Adam(learning_rate=rate, beta_1=beta_1, beta_2=beta_2, epsilon=setting.eps)


def student_loss() -> keras.losses.Loss:
    """Cross-entropy on the logits, batch mean (kdlab's `ce`)."""
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def accuracy_metric() -> keras.metrics.Metric:
    """Top-1 accuracy, logged as `accuracy` (`val_accuracy` on the validation split)."""
    return keras.metrics.SparseCategoricalAccuracy(name="accuracy")


def compile_plain(model: keras.Model, optimizer: keras.optimizers.Optimizer) -> keras.Model:
    """A model trained on the labels (the teacher, the baselines)."""
    model.compile(optimizer=optimizer, loss=student_loss(), metrics=[accuracy_metric()])
    return model


def build_distiller(teacher: keras.Model, student: keras.Model, temperature: float, optimizer: keras.optimizers.Optimizer | str = "adam") -> keras.Model:
    """`keras.distillation.Distiller` as kdlab's `HARD_WEIGHT ce + (1 - HARD_WEIGHT) hinton(T)`.

    Keras 3.15.1's `Distiller.compute_loss` is `student_loss_weight * student_loss + (1 -
    student_loss_weight) * sum(w_i * distillation_loss_i)` (w = 1 for one loss), so
    `student_loss_weight = HARD_WEIGHT` (0.1) gives 0.1 CE + 0.9 * distillation loss.
    `LogitsDistillation` divides both logits by T, applies softmax and multiplies the batch-mean
    `KLDivergence(teacher, student)` by T^2 only when its loss is a `keras.losses.KLDivergence`
    instance (its default, the string "kl_divergence", would apply the plain function to the scaled
    logits, without T^2: see bench/keras/common.py). bench/study/keras_loss_check.py checks the
    total against numpy. The teacher is frozen and runs forward (inference mode: no dropout, no
    translation) on every batch, training and validation: `Distiller.compute_loss` calls it. That is
    how the distiller's users run it; kdlab and the PyTorch twin gather logits computed once.
    """
    loss = keras.distillation.LogitsDistillation(temperature=temperature, loss=keras.losses.KLDivergence())
    model = keras.distillation.Distiller(teacher=teacher, student=student, distillation_losses=loss, student_loss_weight=HARD_WEIGHT)
    model.compile(optimizer=optimizer, loss=student_loss(), metrics=[accuracy_metric()])
    return model
