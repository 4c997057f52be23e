#!/usr/bin/env bash
# Builds the Compose validator (main.go, on compose-go) into .work/validate. Does nothing when
# the binary is newer than its sources. Needs Go >= 1.24 and, for the first build, the Go module
# proxy (go.sum pins every module).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$here/.work/validate"
fresh=1
for src in main.go go.mod go.sum; do [[ "$bin" -nt "$here/$src" ]] || fresh=0; done
if [[ "$fresh" == 1 ]]; then exit 0; fi
. "$here/../apt_need.sh"
# A Go of 1.21 or later fetches the 1.24 toolchain go.mod asks for by itself.
if ! apt_need go golang-go; then
  echo "tests/compose/setup.sh: Go >= 1.24 is needed to build the Compose validator" >&2
  exit 1
fi
mkdir -p "$here/.work"
(cd "$here" && go build -mod=readonly -buildvcs=false -trimpath -o "$bin" .)
echo "compose validator in $bin" >&2
