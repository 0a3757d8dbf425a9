"""The twin's models and training loop: kdlab's trainer (packages/core/src/engine/train-model.ts) as a
plain PyTorch loop.

Per step: the learning rate of the per-step cosine is set, the batch (shuffled per epoch, the last one
of an epoch smaller) is translated when the setting says so, the model runs in training mode, the loss
is differentiated, the optimizer steps, then max-norm is enforced. After each epoch the validation
accuracy is measured; at the end the test errors of the last weights and of the best-validation
epoch's weights (the first epoch on ties), and the model is left with the last weights, as kdlab does.
"""
from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

import models
from twin_data import Split, TwinData, translate
from twin_setting import EVAL_BATCH, TrainSetting

LossFn = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]
"""A step's loss from (student logits, labels, the batch's indices in the training split)."""

LOG = logging.getLogger("twin")
"""Progress lines (configured by hinton_mnist_full.py)."""


def derive_seed(seed: int, label: str) -> int:
    """kdlab's deriveSeed (packages/core/src/engine/derive-seed.ts): FNV-1a over "<seed>:<label>",
    31 bits, so each purpose (initialisation, batch order, dropout, translation) has its own stream."""
    value = 0x811C9DC5
    for char in f"{seed}:{label}":
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return value & 0x7FFFFFFF


@dataclass(frozen=True)
class RunSeeds:
    """The seeds of one run's random streams, derived from the run's seed and role as kdlab does
    (`teacher/init`, `student/batches`, ...): a baseline and a distilled student of the same seed get
    the same initial weights and batch order."""

    init: int
    batches: int
    dropout: int
    augment: int

    @staticmethod
    def of(seed: int, role: str) -> RunSeeds:
        """The seeds of a `role` ('teacher' or 'student') trained with `seed`."""
        return RunSeeds(*(derive_seed(seed, f"{role}/{purpose}") for purpose in ("init", "batches", "dropout", "augment")))


class DropoutMlp(models.Mlp):
    """The bench's `Mlp` with kdlab's `mlp({ dropout, inputDropout })`: dropout on the flattened
    inputs, and after each hidden layer's ReLU, while training (inverted dropout, as tfjs')."""

    def __init__(self, hidden: list[int], input_dropout: float, dropout: float) -> None:
        """Layers of `Mlp(hidden)` with the two dropout rates."""
        super().__init__(hidden)
        self.input_dropout = nn.Dropout(input_dropout)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Logits and the hidden layers' outputs (after ReLU, before dropout), as `Mlp.forward`."""
        x = self.input_dropout(torch.flatten(x, 1))
        features = {}
        for index, layer in enumerate(self.hidden):
            x = F.relu(layer(x))
            features[f"hidden{index + 1}"] = x
            x = self.dropout(x)
        return self.logits(x), features


def named_layers(model: models.Mlp) -> list[tuple[str, nn.Linear]]:
    """The model's dense layers with kdlab's names: hidden1 ... hiddenN, logits."""
    layers = [(f"hidden{index + 1}", layer) for index, layer in enumerate(model.hidden)] + [("logits", model.logits)]
    return [(name, layer) for name, layer in layers if isinstance(layer, nn.Linear)]


def build_mlp(setting: TrainSetting, seed: int) -> models.Mlp:
    """The setting's MLP, initialised as kdlab's `mlp` is: glorot-uniform kernels, each from its own
    seed derived from `seed` and the layer's name, and zero biases (not PyTorch's default init)."""
    hidden = list(setting.hidden)
    model = DropoutMlp(hidden, setting.input_dropout, setting.dropout) if setting.input_dropout or setting.dropout else models.Mlp(hidden)
    with torch.no_grad():
        for name, layer in named_layers(model):
            generator = torch.Generator().manual_seed(derive_seed(seed, f"{name}/kernel"))
            nn.init.xavier_uniform_(layer.weight, generator=generator)
            nn.init.zeros_(layer.bias)
    return model


def make_optimizer(setting: TrainSetting, model: nn.Module) -> torch.optim.Optimizer:
    """SGD with momentum (PyTorch's update is tfjs' momentum: v = m v + g; w -= lr v) or Adam with
    TensorFlow's epsilon."""
    if setting.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=setting.learning_rate, momentum=setting.momentum)
    return torch.optim.Adam(model.parameters(), lr=setting.learning_rate, betas=setting.betas, eps=setting.eps)


def cosine_rate(base: float, step: int, total: int) -> float:
    """kdlab's cosine schedule without warm-up: 0.5 base (1 + cos(pi step / (total - 1))), from
    `base` at step 0 to 0 at the last step."""
    progress = 0.0 if total <= 1 else step / (total - 1)
    return 0.5 * base * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def apply_max_norm(model: nn.Module, max_norm: float) -> None:
    """Scales every unit's incoming weight vector (a row of each Linear's weight) down to an L2 norm
    of at most `max_norm`; biases are left alone (kdlab's applyMaxNorm)."""
    for module in model.modules():
        if isinstance(module, nn.Linear):
            norms = module.weight.norm(dim=1, keepdim=True)
            module.weight.mul_(torch.clamp(max_norm / norms.clamp_min(1e-12), max=1.0))


@torch.no_grad()
def predict_logits(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The model's logits for `x` in inference mode (no dropout), in batches of EVAL_BATCH."""
    model.eval()
    return torch.cat([model(x[start:start + EVAL_BATCH])[0] for start in range(0, len(x), EVAL_BATCH)])


def count_errors(model: nn.Module, split: Split) -> int:
    """Misclassified examples of `split` (argmax, the first class on ties)."""
    return int((predict_logits(model, split.x).argmax(1) != split.y).sum().item())


def accuracy(errors: int, count: int) -> float:
    """The fraction right, from the errors."""
    return (count - errors) / count


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch measured."""

    epoch: int
    """1-based epoch."""
    loss: float
    """Mean training loss over the epoch's examples (with dropout and translation, as they trained)."""
    train_accuracy: float
    """Training accuracy measured during the steps."""
    val_accuracy: float
    """Validation accuracy after the epoch."""
    learning_rate: float
    """The rate of the epoch's last step."""
    seconds: float
    """Wall time of the epoch's training steps (validation not included)."""


@dataclass
class TrainState:
    """What a run carries from step to step: its optimizer, its random streams and its step count."""

    optimizer: torch.optim.Optimizer
    batches: torch.Generator
    augment: torch.Generator
    step: int
    total_steps: int


def train_epoch(model: nn.Module, setting: TrainSetting, train: Split, loss_fn: LossFn, state: TrainState) -> tuple[float, float, float]:
    """One pass over the training split; returns the mean loss, the training accuracy and the last
    step's learning rate."""
    model.train()
    order = torch.randperm(train.count, generator=state.batches)
    loss_sum, correct, rate = 0.0, 0, setting.learning_rate
    for start in range(0, train.count, setting.batch_size):
        indices = order[start:start + setting.batch_size]
        x, labels = train.x[indices], train.y[indices]
        if setting.translate > 0:
            x = translate(x, setting.translate, state.augment)
        rate = cosine_rate(setting.learning_rate, state.step, state.total_steps)
        for group in state.optimizer.param_groups:
            group["lr"] = rate
        state.optimizer.zero_grad(set_to_none=True)
        logits, _ = model(x)
        loss = loss_fn(logits, labels, indices)
        loss.backward()
        state.optimizer.step()
        if setting.max_norm is not None:
            apply_max_norm(model, setting.max_norm)
        state.step += 1
        loss_sum += loss.item() * len(indices)
        correct += int((logits.detach().argmax(1) == labels).sum().item())
    return loss_sum / train.count, correct / train.count, rate


def snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
    """A copy of the model's weights."""
    return {name: value.detach().clone() for name, value in model.state_dict().items()}


def train_model(model: nn.Module, setting: TrainSetting, data: TwinData, *, seeds: RunSeeds, loss_fn: LossFn, name: str) -> dict[str, Any]:
    """Trains `model` as kdlab's trainer does and returns its metrics and per-epoch history:
    `{"test_errors": ..., ..., "history": [EpochRecord as dict, ...]}`. The model keeps its last weights."""
    started = time.perf_counter()
    torch.manual_seed(seeds.dropout)  # dropout draws from PyTorch's global generator
    steps_per_epoch = math.ceil(data.train.count / setting.batch_size)
    state = TrainState(
        optimizer=make_optimizer(setting, model),
        batches=torch.Generator().manual_seed(seeds.batches),
        augment=torch.Generator().manual_seed(seeds.augment),
        step=0,
        total_steps=steps_per_epoch * setting.epochs,
    )
    history: list[EpochRecord] = []
    best_accuracy, best_epoch, best_weights = -1.0, 0, snapshot(model)
    for epoch in range(1, setting.epochs + 1):
        epoch_started = time.perf_counter()
        loss, train_accuracy, rate = train_epoch(model, setting, data.train, loss_fn, state)
        seconds = time.perf_counter() - epoch_started
        val_accuracy = accuracy(count_errors(model, data.val), data.val.count)
        if val_accuracy > best_accuracy:
            best_accuracy, best_epoch, best_weights = val_accuracy, epoch, snapshot(model)
        history.append(EpochRecord(epoch, loss, train_accuracy, val_accuracy, rate, seconds))
        LOG.info(f"{name}: epoch {epoch}/{setting.epochs} loss {loss:.4f} train acc {train_accuracy:.4f} val acc {val_accuracy:.4f} lr {rate:.3g} {seconds:.1f}s")
    test_errors = count_errors(model, data.test)
    last_weights = snapshot(model)
    model.load_state_dict(best_weights)
    test_errors_best = count_errors(model, data.test)
    model.load_state_dict(last_weights)
    metrics = {
        "test_errors": test_errors,
        "test_accuracy": accuracy(test_errors, data.test.count),
        "best_val_accuracy": best_accuracy,
        "best_epoch": best_epoch,
        "test_errors_best": test_errors_best,
        "test_accuracy_best": accuracy(test_errors_best, data.test.count),
        "epochs": setting.epochs,
        "mean_epoch_seconds": sum(record.seconds for record in history) / len(history),
        "wall_seconds": time.perf_counter() - started,
    }
    return {**metrics, "history": [asdict(record) for record in history]}
