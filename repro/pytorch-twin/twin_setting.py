"""The setting of kdlab's study 1 (experiments/repro/hinton-mnist-full.ts), as plain data.

Hinton, Vinyals and Dean (2015), section 3, on the full MNIST: the paper's regularised teacher and its
unregularised 800-800 student, trained on hard labels (baseline) and on 0.1 hard + 0.9 soft targets at
T = 20 and T = 4, 5 student seeds. Every number here mirrors experiments/repro/shared-setting.ts
(PAPER_TEACHER, STUDENT_TRAIN) and hinton-mnist-full.ts; only the epochs come from the command line.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

TEACHER_SEED = 0
"""The teacher's seed (the study's `seed`, default 0): it is trained once for every student."""

STUDENT_SEEDS = (0, 1, 2, 3, 4)
"""The study's `seeds`: one baseline and one distilled student per temperature for each."""

TEMPERATURES = (20.0, 4.0)
"""The study's sweep over `losses.1.temperature`."""

HARD_WEIGHT = 0.1
"""Weight of the cross-entropy on hard labels in the distilled students' loss."""

SOFT_WEIGHT = 0.9
"""Weight of T^2 * KL(softmax(teacher/T) || softmax(student/T)) in the distilled students' loss."""

EVAL_BATCH = 512
"""Batch size of inference (validation, test, the teacher's logits), as kdlab's trainer uses."""


@dataclass(frozen=True)
class TrainSetting:
    """One model's architecture and training, the fields kdlab's `model` and `train` settings hold."""

    hidden: tuple[int, ...]
    """Units of each hidden layer (784 inputs, 10 logits around them)."""
    epochs: int
    """Passes over the training split."""
    optimizer: Literal["sgd", "adam"]
    """SGD with momentum (v = m v + g; w -= lr v) or Adam."""
    learning_rate: float
    """The peak rate; a per-step cosine takes it to 0 at the last step."""
    batch_size: int = 128
    """Examples per step; the last step of an epoch takes the remainder."""
    momentum: float = 0.0
    """SGD's momentum (not Nesterov)."""
    betas: tuple[float, float] = (0.9, 0.999)
    """Adam's decay rates."""
    eps: float = 1e-7
    """Adam's epsilon (TensorFlow's default, not PyTorch's 1e-8)."""
    input_dropout: float = 0.0
    """Dropout rate on the inputs while training."""
    dropout: float = 0.0
    """Dropout rate after each hidden layer while training."""
    max_norm: float | None = None
    """Largest L2 norm of each unit's incoming weights, enforced after every step (None: off)."""
    translate: int = 0
    """Largest random shift of a training image, in pixels along each axis (0: off)."""

    def to_json(self) -> dict[str, Any]:
        """The setting as JSON-ready data, without the other optimizer's fields."""
        unused = ("betas", "eps") if self.optimizer == "sgd" else ("momentum",)
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items() if key not in unused}


def teacher_setting(epochs: int) -> TrainSetting:
    """The paper's teacher (PAPER_TEACHER): 784-1200-1200-10 ReLU, dropout 0.2 on inputs and 0.5 on
    hidden units, max-norm 3.5, inputs jittered by up to 2 pixels, SGD with momentum 0.9 at 0.1."""
    return TrainSetting(
        hidden=(1200, 1200),
        epochs=epochs,
        optimizer="sgd",
        learning_rate=0.1,
        momentum=0.9,
        input_dropout=0.2,
        dropout=0.5,
        max_norm=3.5,
        translate=2,
    )


def student_setting(epochs: int) -> TrainSetting:
    """The student (baseline and distilled alike, STUDENT_TRAIN): 784-800-800-10 ReLU, no
    regularisation, Adam at 1e-3."""
    return TrainSetting(hidden=(800, 800), epochs=epochs, optimizer="adam", learning_rate=1e-3)
