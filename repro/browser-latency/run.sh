#!/usr/bin/env bash
# The compression study's browser peer (study 8): times the table's architectures in headless Chromium
# through the page `kdlab export` writes, and writes repro/store/browser-latency/compression.json
# (or --out). Needs Chromium (Debian: apt-get install chromium; or KDLAB_CHROMIUM).
#   repro/browser-latency/run.sh [--out <file>]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
exec npx tsx --conditions=@kdlab/source repro/browser-latency/measure-browser-latency.ts "$@"
