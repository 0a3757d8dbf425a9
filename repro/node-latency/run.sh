#!/usr/bin/env bash
# The Node-latency peer: times a study's architectures on tfjs-node with 1 intra-op thread and writes
# repro/store/node-latency/<study>.json (or --out). --study compression (the default): the CNN
# teacher and thin-deep student as float32, uint8 and float16 files on MNIST test digits; --study
# distilbert-spam (the DistilBERT-style study): the 4-layer transformer teacher and 2-layer student, float32, on tokenized
# SpamAssassin test messages. Needs the native backend (`kdlab native build`).
# Run it on a quiet machine: nothing else should load the cores while it times.
#   repro/node-latency/run.sh [--study compression|distilbert-spam] [--out <file>] [--runs 200] [--warmup 20] [--samples <study's>] [--batch-size 100] [--passes 5] [--threads 1]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
exec npx tsx --conditions=@kdlab/source repro/node-latency/measure-node-latency.ts "$@"
