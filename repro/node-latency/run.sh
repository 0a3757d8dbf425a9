#!/usr/bin/env bash
# The compression study's Node peer (study 8): times the table's architectures (float32, uint8, float16
# files loaded back with tf.loadLayersModel) on tfjs-node with 1 intra-op thread, and writes
# repro/store/node-latency/compression.json (or --out). Needs the native backend (`kdlab native build`).
# Run it on a quiet machine: nothing else should load the cores while it times.
#   repro/node-latency/run.sh [--out <file>] [--runs 200] [--warmup 20] [--samples 1000] [--batch-size 100] [--passes 5] [--threads 1]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
exec npx tsx --conditions=@kdlab/source repro/node-latency/measure-node-latency.ts "$@"
