#!/usr/bin/env bash
# Creates the twin's virtual environment (PyTorch 2.13 CPU and numpy), offline and idempotently:
#   repro/pytorch-twin/setup.sh
# The venv lives in .kdlab/venv-torch (gitignored). A venv whose torch and numpy already import is
# left as it is. KDLAB_TWIN_VENV, TORCH_WHEELS and PYPI_FILES override the locations.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${KDLAB_TWIN_VENV:-$root/.kdlab/venv-torch}"
wheels="${TORCH_WHEELS:-/opt/wheels}"
pypi="${PYPI_FILES:-/opt/pypi/files}"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import torch, numpy' 2>/dev/null; then
  exit 0
fi

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null && [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" = "3.11" ]; then
    python="$candidate"
    break
  fi
done
if [ -z "$python" ]; then
  echo "setup.sh: no Python 3.11 on PATH (the torch wheel is cp311)" >&2
  exit 1
fi

mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --no-index --find-links "$wheels" --find-links "$pypi" torch numpy
"$venv/bin/python" -c 'import torch, numpy; print(f"setup.sh: torch {torch.__version__}, numpy {numpy.__version__} in '"$venv"'")'
