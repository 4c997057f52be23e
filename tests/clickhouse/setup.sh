#!/usr/bin/env bash
# Creates tests/clickhouse/.venv with the pinned packages of requirements.txt (chdb, lz4). Does
# nothing when the venv already has exactly those requirements; concurrent callers wait for one
# install.
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
. "$here/../apt_need.sh"
apt_need "$python" python3
# Debian keeps venv and pip out of python3.
"$python" -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv python3-pip
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
# pyarrow comes with chdb (its dependency); tests/export_test.ts reads our Parquet files with it.
"$venv/bin/python" -c 'import chdb.session, lz4.block, lz4.frame, pyarrow.parquet'
cp "$here/requirements.txt" "$stamp"
echo "test venv ready in $venv" >&2
