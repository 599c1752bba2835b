#!/usr/bin/env bash
# Installs plenar for the plenar-ci action, in this order:
#   1. plenar already on PATH with the wanted version: use it;
#   2. the release archive for this OS and architecture, if checksums.txt pins its SHA-256:
#      download it (curl --retry) and install it only if the checksum matches (fail closed);
#   3. else build it from this action's own source (swift build -c release), kept in a folder
#      the action caches with actions/cache.
# Then the binary's folder goes on $GITHUB_PATH.
#
#   install.sh plan      write the outputs build, cache-path and cache-key to $GITHUB_OUTPUT
#   install.sh install   install
#   install.sh archive-name   print this platform's archive name (scripts/release.sh uses it)
#
# Environment: PLENAR_VERSION (default: the action's VERSION), PLENAR_DOWNLOAD_URL (base URL of the
# archives; default the GitHub release of that version), PLENAR_CHECKSUMS_FILE (default the
# action's checksums.txt), RUNNER_TEMP, RUNNER_TOOL_CACHE.
set -euo pipefail

action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source_dir=$(cd "$action_dir/.." && pwd)
own_version=$(tr -d '[:space:]' <"$action_dir/VERSION")
want=${PLENAR_VERSION:-$own_version}
checksums=${PLENAR_CHECKSUMS_FILE:-$action_dir/checksums.txt}
base_url=${PLENAR_DOWNLOAD_URL:-https://github.com/plenar/plenar-ci/releases/download/v$want}

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=macos ;;
  *) os=$(uname -s | tr '[:upper:]' '[:lower:]') ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
archive="plenar-$want-$os-$arch.tar.gz"
bin_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/plenar-$want/bin"
# Under RUNNER_TEMP, which is emptied after each job: only actions/cache, keyed on the source
# itself, puts a binary there, never another job on a shared machine.
cache_path="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/plenar-build-cache/$want-$os-$arch"

on_path() {
  command -v plenar >/dev/null 2>&1 && [ "$(plenar --version 2>/dev/null)" = "$want" ]
}

# The pinned checksum of this platform's archive, or nothing.
pinned() {
  [ -f "$checksums" ] || return 0
  tr -d '\r' <"$checksums" | awk -v name="$archive" '!/^#/ && ($2 == name || $2 == "*" name) { print tolower($1); exit }'
}

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; fi
}

plan() {
  local build=false install=true key=""
  if [ -z "${PLENAR_KEY:-${PLENAR_TOKEN:-}}" ]; then
    # No key (a fork's pull request): connect will skip, so nothing is installed for it.
    install=false
  elif ! on_path && [ -z "$(pinned)" ]; then
    if [ "$want" != "$own_version" ]; then
      echo "::error::plenar: no archive of plenar $want is pinned for $os-$arch, and this action's source builds only $own_version: use the action at that version's commit"
      return 1
    fi
    build=true
    local swift_version sources
    swift_version=$(swift --version 2>/dev/null | head -n 1 | tr -c '[:alnum:].' '-' || true)
    # The action's own source, whatever ref it was checked out at (no .git under _actions/).
    sources=$(cd "$source_dir" && find Package.swift Sources -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c 1-16)
    key="plenar-$os-$arch-$want-$sources-${swift_version:-no-swift}"
  fi
  output install "$install"
  output build "$build"
  output cache-path "$cache_path"
  output cache-key "$key"
  if [ "$install" = false ]; then echo "no key: nothing to install"; return 0; fi
  echo "plenar $want for $os-$arch: $(if on_path; then echo "on PATH"; elif [ "$build" = true ]; then echo "build from source"; else echo "download $archive"; fi)"
}

download() {
  local expected=$1 work actual
  work=$(mktemp -d)
  echo "Downloading $base_url/$archive"
  if ! command -v curl >/dev/null 2>&1 || ! command -v sha256sum >/dev/null 2>&1; then
    echo "::error::plenar: installing needs curl and sha256sum"
    rm -rf "$work"
    return 1
  fi
  if ! curl -fsSL --retry 3 --retry-connrefused --retry-delay 1 --max-time 300 -o "$work/$archive" "$base_url/$archive"; then
    echo "::error::plenar: cannot download $base_url/$archive; set PLENAR_DOWNLOAD_URL or try again"
    rm -rf "$work"
    return 1
  fi
  actual=$(sha256sum "$work/$archive" | cut -d ' ' -f 1)
  if [ "$actual" != "$expected" ]; then
    echo "::error::plenar: $archive has SHA-256 $actual, not the pinned $expected: not installed"
    rm -rf "$work"
    return 1
  fi
  mkdir -p "$bin_dir"
  if ! tar -xzf "$work/$archive" -C "$bin_dir" plenar; then
    echo "::error::plenar: $archive holds no plenar"
    rm -rf "$work"
    return 1
  fi
  rm -rf "$work"
}

build() {
  if [ -x "$cache_path/plenar" ] && [ "$("$cache_path/plenar" --version 2>/dev/null)" = "$want" ]; then
    echo "Using plenar built earlier: $cache_path/plenar"
  else
    if ! command -v swift >/dev/null 2>&1; then
      echo "::error::plenar: no release archive is pinned for $os-$arch and swift is not installed to build one: install Swift 6.2 or later first"
      return 1
    fi
    echo "Building plenar $want from $source_dir"
    local scratch="${RUNNER_TEMP:-/tmp}/plenar-build"
    swift build -c release --product plenar --package-path "$source_dir" --scratch-path "$scratch" >&2
    mkdir -p "$cache_path"
    cp "$(swift build -c release --package-path "$source_dir" --scratch-path "$scratch" --show-bin-path)/plenar" "$cache_path/plenar"
  fi
  mkdir -p "$bin_dir"
  cp "$cache_path/plenar" "$bin_dir/plenar"
}

install() {
  if on_path; then
    echo "plenar $want is on PATH: $(command -v plenar)"
    return 0
  fi
  local expected
  expected=$(pinned)
  if [ -n "$expected" ]; then download "$expected"; else build; fi
  local got
  got=$("$bin_dir/plenar" --version)
  if [ "$got" != "$want" ]; then
    echo "::error::plenar: the installed binary says $got, not $want"
    return 1
  fi
  if [ -n "${GITHUB_PATH:-}" ]; then echo "$bin_dir" >>"$GITHUB_PATH"; fi
  echo "Installed plenar $want in $bin_dir"
}

case "${1:-}" in
  plan) plan ;;
  install) install ;;
  archive-name) echo "$archive" ;;
  *) echo "usage: install.sh plan|install|archive-name" >&2; exit 64 ;;
esac
