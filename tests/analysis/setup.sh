#!/usr/bin/env bash
# Creates tests/analysis/.venv with the pinned packages of requirements.txt (DuckDB, hftbacktest,
# itch-book).
# Does nothing when the venv already has exactly those requirements; concurrent callers wait for
# one install.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
stamp="$venv/.requirements"
python="${PYTHON:-python3}"

installed() { [[ -x "$venv/bin/python" ]] && cmp -s "$here/requirements.txt" "$stamp"; }

installed && exit 0
exec 9>"$here/.venv.lock"
flock 9
installed && exit 0
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/python" -c 'import duckdb, hftbacktest, itch_book'
cp "$here/requirements.txt" "$stamp"
echo "analysis venv ready in $venv" >&2
