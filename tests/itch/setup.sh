#!/usr/bin/env bash
# Installs Debian's tshark when it is missing (the pcap tests decode our captures with its
# MoldUDP64 dissector). Concurrent callers wait for one install.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
have() { command -v tshark >/dev/null 2>&1; }
have && exit 0
exec 9>"$here/.setup.lock"
flock 9
have && exit 0
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
# tshark asks whether non-root users may capture; the default (no) is fine for reading files.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq tshark >/dev/null
tshark --version | head -1 >&2
