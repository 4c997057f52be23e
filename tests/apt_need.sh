#!/usr/bin/env bash
# Sourced by the setup scripts, so that `deno task test` runs on a Debian/Ubuntu machine that has
# only Node.js and npm: `apt_need COMMAND PACKAGE...` installs the packages when COMMAND is
# missing, `apt_install PACKAGE...` installs them (as root, or with sudo). Concurrent callers wait
# for one apt-get. Without apt-get, they say what is missing and fail.
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "tests: needed, and no apt-get to install them: $*" >&2
    return 1
  fi
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  (
    flock 8
    echo "tests: installing $* with apt-get" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" \
      >/dev/null
  ) 8>/tmp/qrsdp-apt.lock
}

apt_need() {
  local cmd="$1"
  shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  apt_install "$@" && command -v "$cmd" >/dev/null 2>&1
}
