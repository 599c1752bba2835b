#!/usr/bin/env bash
# Installs plenar for the plenar-ci action, in this order:
#   1. plenar already on PATH with the wanted version: use it;
#   2. the release archive for this OS and architecture, if checksums.txt pins its SHA-256:
#      download it (curl --retry) and install it only if the checksum matches;
#   3. else build it from this action's own source (swift build -c release), kept in a folder
#      the action caches with actions/cache.
# Then the binary's folder goes on $GITHUB_PATH.
#
# An install problem never fails the job unless PLENAR_REQUIRED is true: it is one ::warning::
# naming the cause and the fix, the output installed=false, and exit 0; connect then skips
# (connected=false), the run action runs its command without plenar, and signal skips. With
# PLENAR_REQUIRED=true the same message is an ::error:: and the step fails. A checksum mismatch
# is a security event: whatever the setting, the download is deleted, never installed.
#
#   install.sh plan      write the outputs install, build, cache-path and cache-key to $GITHUB_OUTPUT
#   install.sh install   install; write the output installed (true/false)
#   install.sh archive-name   print this platform's archive name (scripts/release.sh uses it)
#
# Environment: PLENAR_VERSION (default: the action's VERSION), PLENAR_DOWNLOAD_URL (base URL of the
# archives; default the GitHub release of that version), PLENAR_CHECKSUMS_FILE (default the
# action's checksums.txt), PLENAR_REQUIRED, RUNNER_OS, RUNNER_TEMP.
set -euo pipefail

action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source_dir=$(cd "$action_dir/.." && pwd)
own_version=$(tr -d '[:space:]' <"$action_dir/VERSION")
want=${PLENAR_VERSION:-$own_version}
checksums=${PLENAR_CHECKSUMS_FILE:-$action_dir/checksums.txt}
base_url=${PLENAR_DOWNLOAD_URL:-https://github.com/plenar/plenar-ci/releases/download/v$want}
required=$(printf '%s' "${PLENAR_REQUIRED:-false}" | tr '[:upper:]' '[:lower:]')

uname_s=$(uname -s 2>/dev/null || echo unknown)
uname_m=$(uname -m 2>/dev/null || echo unknown)
case "$uname_s" in
  Linux) os=linux ;;
  Darwin) os=macos ;;
  MINGW* | MSYS* | CYGWIN* | Windows*) os=windows ;;
  *) os=$(printf '%s' "$uname_s" | tr '[:upper:]' '[:lower:]') ;;
esac
if [ "${RUNNER_OS:-}" = Windows ]; then os=windows; fi
case "$uname_m" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch=$uname_m ;;
esac
archive="plenar-$want-$os-$arch.tar.gz"
bin_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/plenar-$want/bin"
# Under RUNNER_TEMP, which is emptied after each job: only actions/cache, keyed on the source
# itself, puts a binary there, never another job on a shared machine.
cache_path="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/plenar-build-cache/$want-$os-$arch"
later="not connected: the run action runs its command without plenar, signal skips"

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; fi
}

# An install problem: "$1" names the cause and the fix. A warning and exit 0, or with required: true
# an error and exit 1. The caller's outputs are written first.
problem() {
  trap - ERR
  output installed false
  if [ "$required" = true ]; then
    echo "::error title=plenar not installed::plenar: $1 (required is true)"
    exit 1
  fi
  echo "::warning title=plenar not installed::plenar: $1; $later (set required: true to fail instead)"
  exit 0
}

supported() {
  case "$os-$arch" in
    linux-x86_64 | linux-arm64 | macos-x86_64 | macos-arm64) return 0 ;;
    *) return 1 ;;
  esac
}

# SHA-256 of files, as sha256sum prints it (macOS has shasum instead).
if command -v sha256sum >/dev/null 2>&1; then sha256=(sha256sum); else sha256=(shasum -a 256); fi

on_path() {
  command -v plenar >/dev/null 2>&1 && [ "$(plenar --version 2>/dev/null)" = "$want" ]
}

# The pinned checksum of this platform's archive, or nothing.
pinned() {
  [ -f "$checksums" ] || return 0
  tr -d '\r' <"$checksums" | awk -v name="$archive" '!/^#/ && ($2 == name || $2 == "*" name) { print tolower($1); exit }'
}

plan() {
  local build=false install=true key=""
  if [ -z "${PLENAR_KEY:-${PLENAR_TOKEN:-}}" ] && [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ]; then
    # No key and no OIDC token (a fork's pull request): connect will skip, so nothing is installed for it.
    install=false
  elif [ "$os" = windows ]; then
    install=false
  elif ! supported; then
    install=false
  elif ! on_path && [ -z "$(pinned)" ]; then
    if [ "$want" != "$own_version" ]; then
      install=false
    else
      build=true
      local swift_version sources
      swift_version=$(swift --version 2>/dev/null | head -n 1 | tr -c '[:alnum:].' '-' || true)
      # The action's own source, whatever ref it was checked out at (no .git under _actions/).
      sources=$(cd "$source_dir" && find Package.swift Sources -type f -print0 | sort -z | xargs -0 "${sha256[@]}" | "${sha256[@]}" | cut -c 1-16)
      key="plenar-$os-$arch-$want-$sources-${swift_version:-no-swift}"
    fi
  fi
  output install "$install"
  output build "$build"
  output cache-path "$cache_path"
  output cache-key "$key"
  if [ -z "${PLENAR_KEY:-${PLENAR_TOKEN:-}}" ] && [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ]; then
    echo "no key: nothing to install (and no OIDC token)"
    return 0
  fi
  if [ "$os" = windows ]; then
    problem "plenar does not run on Windows yet, so nothing was installed; run this job on a Linux or macOS runner to use plenar"
  fi
  if ! supported; then
    problem "no plenar for $uname_s $uname_m (plenar runs on Linux and macOS, x86_64 and arm64), so nothing was installed; run this job on such a runner"
  fi
  if [ "$install" = false ]; then
    problem "no archive of plenar $want is pinned for $os-$arch, and this action's source builds only $own_version; use the action at the commit of v$want, or leave version empty"
  fi
  echo "plenar $want for $os-$arch: $(if on_path; then echo "on PATH"; elif [ "$build" = true ]; then echo "build from source"; else echo "download $archive"; fi)"
}

download() {
  local expected=$1 work actual
  for tool in curl tar; do
    command -v "$tool" >/dev/null 2>&1 || problem "installing needs $tool, which this runner lacks; install it in an earlier step"
  done
  work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/plenar-download.XXXXXX")
  # shellcheck disable=SC2064 # $work is fixed now
  trap "rm -rf '$work'" EXIT
  echo "Downloading $base_url/$archive"
  local status=0
  curl -fsSL --retry 3 --retry-connrefused --retry-delay 1 --connect-timeout 20 --max-time 300 -o "$work/$archive" "$base_url/$archive" || status=$?
  if [ "$status" -ne 0 ]; then
    problem "cannot download $base_url/$archive (curl exit $status, after up to 3 retries); check the runner's network and that the release exists, or set PLENAR_DOWNLOAD_URL to a mirror"
  fi
  actual=$("${sha256[@]}" "$work/$archive" | cut -d ' ' -f 1)
  if [ "$actual" != "$expected" ]; then
    rm -f "$work/$archive"
    local what="SECURITY: $archive from $base_url has SHA-256 $actual, not the $expected pinned in this action: it may have been tampered with, so it was deleted, not installed. Do not install it by hand; check PLENAR_DOWNLOAD_URL and any proxy, and report it to the plenar-ci maintainers"
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
      printf '### plenar: checksum mismatch\n\n%s\n' "$what" >>"$GITHUB_STEP_SUMMARY"
    fi
    echo "::warning title=plenar: checksum mismatch::$what"
    problem "the downloaded archive failed its checksum (above)"
  fi
  mkdir -p "$bin_dir"
  if ! tar -xzf "$work/$archive" -C "$bin_dir" plenar; then
    rm -f "$bin_dir/plenar"
    problem "$archive holds no plenar; report it to the plenar-ci maintainers"
  fi
}

build() {
  if [ -x "$cache_path/plenar" ] && [ "$("$cache_path/plenar" --version 2>/dev/null)" = "$want" ]; then
    echo "Using plenar built earlier: $cache_path/plenar"
  else
    if ! command -v swift >/dev/null 2>&1; then
      problem "no release archive is pinned for $os-$arch and Swift is not installed to build one; install Swift 6.2 or later in an earlier step, or use a release of the action that pins an archive for $os-$arch"
    fi
    echo "Building plenar $want from $source_dir"
    local scratch="${RUNNER_TEMP:-/tmp}/plenar-build" bin
    if ! swift build -c release --product plenar --package-path "$source_dir" --scratch-path "$scratch" >&2 ||
      ! bin=$(swift build -c release --package-path "$source_dir" --scratch-path "$scratch" --show-bin-path) ||
      [ ! -x "$bin/plenar" ]; then
      problem "building plenar $want from source failed (the log is above); this needs Swift 6.2 or later ($(swift --version 2>/dev/null | head -n 1 || echo "swift --version fails") here), or a release of the action that pins an archive for $os-$arch"
    fi
    mkdir -p "$cache_path"
    cp "$bin/plenar" "$cache_path/plenar"
  fi
  mkdir -p "$bin_dir"
  cp "$cache_path/plenar" "$bin_dir/plenar"
}

install() {
  # Anything unforeseen (a full disk, say) is an install problem too, not a red job.
  trap 'problem "the installer failed at line $LINENO of action/scripts/install.sh; report it to the plenar-ci maintainers"' ERR
  if on_path; then
    echo "plenar $want is on PATH: $(command -v plenar)"
    output installed true
    return 0
  fi
  local expected
  expected=$(pinned)
  if [ -n "$expected" ]; then download "$expected"; else build; fi
  local got
  got=$("$bin_dir/plenar" --version 2>&1) || true
  if [ "$got" != "$want" ]; then
    rm -f "$bin_dir/plenar"
    problem "the installed binary does not run as plenar $want (it says: ${got:-nothing}); report it to the plenar-ci maintainers"
  fi
  if [ -n "${GITHUB_PATH:-}" ]; then echo "$bin_dir" >>"$GITHUB_PATH"; fi
  output installed true
  echo "Installed plenar $want in $bin_dir"
}

case "${1:-}" in
  plan) plan ;;
  install) install ;;
  archive-name) echo "$archive" ;;
  *) echo "usage: install.sh plan|install|archive-name" >&2; exit 64 ;;
esac
