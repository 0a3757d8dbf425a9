"""The twin's data: kdlab's split as export-split.ts wrote it, and the teacher's random translation."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy
import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class Split:
    """One split in memory: float32 pixels in [0, 1], `count x 784`, and int64 labels."""

    x: torch.Tensor
    y: torch.Tensor

    @property
    def count(self) -> int:
        """Number of examples."""
        return int(self.y.shape[0])


@dataclass(frozen=True)
class TwinData:
    """The three splits and header.json, which describes them."""

    train: Split
    val: Split
    test: Split
    header: dict[str, Any]


def read_split(directory: Path, entry: dict[str, Any], feature_size: int) -> Split:
    """Reads one split's two little-endian files, checking their sizes against the header."""
    count = int(entry["count"])
    x = numpy.fromfile(directory / entry["x"], dtype="<f4")
    y = numpy.fromfile(directory / entry["y"], dtype="<i4")
    if x.size != count * feature_size or y.size != count:
        raise ValueError(f"{directory}: {entry['x']} and {entry['y']} hold {x.size} floats and {y.size} labels; header.json says {count} examples of {feature_size}")
    return Split(torch.from_numpy(x.reshape(count, feature_size)), torch.from_numpy(y.astype(numpy.int64)))


def load_data(directory: Path) -> TwinData:
    """Loads the split that export-split.ts wrote to `directory`."""
    header_path = directory / "header.json"
    if not header_path.is_file():
        raise FileNotFoundError(f"{header_path} is missing: write the split first with `npx tsx --conditions=@kdlab/source repro/pytorch-twin/export-split.ts {directory}`")
    header = json.loads(header_path.read_text(encoding="utf-8"))
    size = int(header["featureSize"])
    splits = header["splits"]
    return TwinData(
        train=read_split(directory, splits["train"], size),
        val=read_split(directory, splits["val"], size),
        test=read_split(directory, splits["test"], size),
        header=header,
    )


def limit_split(split: Split, limit: int | None, seed: int = 0) -> Split:
    """At most `limit` examples of `split` (a seeded random subset, in the split's order), for quick
    checks of the code; None keeps the whole split."""
    if limit is None or limit >= split.count:
        return split
    generator = torch.Generator().manual_seed(seed)
    keep = torch.randperm(split.count, generator=generator)[:limit].sort().values
    return Split(split.x[keep], split.y[keep])


def translate(x: torch.Tensor, max_shift: int, generator: torch.Generator, side: int = 28) -> torch.Tensor:
    """Shifts each image of a batch by whole pixels, drawn uniformly from [-max_shift, max_shift]
    independently along rows and columns, zeros filling the uncovered border (kdlab's
    `augment.translate`). A positive shift moves the content down or right: output (r, c) takes
    input (r - dy, c - dx). `x` is `count x side*side`; a new tensor of that shape is returned."""
    count = x.shape[0]
    padded = F.pad(x.view(count, side, side), (max_shift, max_shift, max_shift, max_shift))
    shifts = torch.randint(-max_shift, max_shift + 1, (count, 2), generator=generator)
    grid = torch.arange(side)
    rows = grid[None, :] + max_shift - shifts[:, 0:1]
    columns = grid[None, :] + max_shift - shifts[:, 1:2]
    images = torch.arange(count)[:, None, None]
    return padded[images, rows[:, :, None], columns[:, None, :]].reshape(count, side * side)
