#!/usr/bin/env bash
# Installs Chromium from the Debian archive when it is missing (the browser tests drive it with
# puppeteer-core; no browser is downloaded by npm). Concurrent callers wait for one install.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
have() { command -v chromium >/dev/null 2>&1; }
have && exit 0
exec 9>"$here/.setup.lock"
flock 9
have && exit 0
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
chromium --version >&2
