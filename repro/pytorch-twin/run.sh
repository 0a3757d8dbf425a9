#!/usr/bin/env bash
# The PyTorch twin of study 1, end to end:
#   repro/pytorch-twin/run.sh [hinton_mnist_full.py options]     e.g. --threads 2, --seeds 0,1
# 1. sets up the venv (.kdlab/venv-torch; offline, idempotent: setup.sh),
# 2. writes kdlab's split once to .kdlab/pytorch-twin-data (export-split.ts, as study 1 loads it),
# 3. runs hinton_mnist_full.py with the options given, which writes (and resumes)
#    repro/store/pytorch-twin/hinton-mnist-full.json unless --out says otherwise.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/repro/pytorch-twin"
venv="${KDLAB_TWIN_VENV:-$root/.kdlab/venv-torch}"
data="${KDLAB_TWIN_DATA:-$root/.kdlab/pytorch-twin-data}"
cd "$root"

"$here/setup.sh"
if [ ! -f "$data/header.json" ]; then
  npx tsx --conditions=@kdlab/source "$here/export-split.ts" "$data"
fi
exec "$venv/bin/python" "$here/hinton_mnist_full.py" --data "$data" "$@"
