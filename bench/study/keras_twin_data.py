"""The Keras twin's data: kdlab's split as repro/pytorch-twin/export-split.ts wrote it, read with numpy
(the PyTorch twin's twin_data.py reads the same files into torch tensors)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy


@dataclass(frozen=True)
class Split:
    """One split in memory: float32 pixels in [0, 1], `count x 784`, and int32 labels."""

    x: numpy.ndarray
    y: numpy.ndarray

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
    return Split(x.reshape(count, feature_size).astype(numpy.float32, copy=False), y.astype(numpy.int32, copy=False))


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
    checks of the code; None keeps the whole split. (numpy's generator: not the PyTorch twin's subset.)"""
    if limit is None or limit >= split.count:
        return split
    keep = numpy.sort(numpy.random.default_rng(seed).permutation(split.count)[:limit])
    return Split(split.x[keep], split.y[keep])
