#!/usr/bin/env bash
# Extraction speed, storyfold vs trafilatura (Python, from PyPI), on the same AEB pages in one run.
# Usage: bench/extract.sh [AEB_DIR]   (default ../shared/data/aeb)
# Creates bench/.venv-extract with trafilatura on first use and builds storyfold (release).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
aeb="${1:-$root/../shared/data/aeb}"
venv="$root/bench/.venv-extract"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet trafilatura lxml_html_clean
fi
(cd "$root" && cargo build --release --quiet -p storyfold-cli)
exec "$venv/bin/python" "$root/bench/extract.py" --aeb "$aeb" --storyfold "$root/target/release/storyfold"
