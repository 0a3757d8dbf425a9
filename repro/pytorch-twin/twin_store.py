"""The twin's results file: one JSON of every finished run, rewritten after each, read back on a rerun
so that finished runs are skipped."""
from __future__ import annotations

import datetime
import json
import os
import platform
from pathlib import Path
from typing import Any

import numpy
import torch

FORMAT = "kdlab-pytorch-twin/1"
"""The value of the file's `format` field."""


def run_key(role: str, seed: int, temperature: float | None = None) -> str:
    """A run's identity in the file: `teacher/seed=0`, `baseline/seed=3`, `distilled/T=20/seed=3`."""
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
    """What a run ran on: PyTorch, numpy and Python versions, PyTorch's threads, the CPU."""
    return {
        "torch_version": str(torch.__version__),  # a str subclass that torch.load(weights_only=True) refuses
        "numpy_version": numpy.__version__,
        "python_version": platform.python_version(),
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "mkl": torch.backends.mkl.is_available(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
    }


def summarize_environment(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The file-level `torch_version`, `threads` and `cpu`: the runs' common value of each; where they
    differ, the distinct strings joined with " / ", and no `threads` (each run keeps its own)."""
    summary: dict[str, Any] = {}
    for field in ("torch_version", "threads", "cpu"):
        values = list(dict.fromkeys(run["environment"][field] for run in runs if "environment" in run))
        if len(values) == 1:
            summary[field] = values[0]
        elif values and field != "threads":
            summary[field] = " / ".join(str(value) for value in values)
    return summary


class SettingMismatchError(Exception):
    """The results file (or the saved teacher) was made with another setting than the one asked for."""


def check_setting(path: Path, recorded: dict[str, Any], setting: dict[str, Any]) -> None:
    """Raises SettingMismatchError, naming the differing fields, unless `recorded` is `setting`."""
    if recorded == setting:
        return
    fields = sorted(key for key in recorded.keys() | setting.keys() if recorded.get(key) != setting.get(key))
    raise SettingMismatchError(f"{path} holds runs of another setting (differing: {', '.join(fields)}); pass another --out, or remove {path} to start over")


class ResultStore:
    """The runs of one setting in one JSON file."""

    def __init__(self, path: Path, study: dict[str, str], setting: dict[str, Any]) -> None:
        """Opens `path`, reading its runs when it exists; its setting must be `setting`."""
        self.path = path
        self.study = study
        self.setting = setting
        self.runs: list[dict[str, Any]] = []
        if path.is_file():
            existing = json.loads(path.read_text(encoding="utf-8"))
            check_setting(path, existing.get("setting", {}), setting)
            self.runs = existing.get("runs", [])

    @property
    def document(self) -> dict[str, Any]:
        """The file's content: `{format, study, twin_of, torch_version, threads, cpu, setting, runs}`."""
        return {"format": FORMAT, **self.study, **summarize_environment(self.runs), "setting": self.setting, "runs": self.runs}

    def has(self, key: str) -> bool:
        """Whether the run `key` finished in an earlier invocation or this one."""
        return any(run["key"] == key for run in self.runs)

    def add(self, run: dict[str, Any]) -> None:
        """Adds a finished run (stamped with the time) and rewrites the file atomically."""
        stamped = {**run, "finished_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}
        self.runs = [existing for existing in self.runs if existing["key"] != run["key"]] + [stamped]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        temporary.write_text(json.dumps(self.document, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)
