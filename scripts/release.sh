#!/usr/bin/env bash
# Release archives of plenar.
#
#   scripts/release.sh [--pin]     build dist/plenar-VERSION-OS-ARCH.tar.gz for this machine (the
#                                  stripped release binary as `plenar`) and its line in
#                                  dist/SHA256SUMS; --pin also copies SHA256SUMS into
#                                  action/checksums.txt
#   scripts/release.sh pin FILE    pin the archives listed in FILE (a SHA256SUMS) in
#                                  action/checksums.txt, building nothing
#   scripts/release.sh reproduce   clone this commit twice, into two folders of different paths,
#                                  build the archive in each, and check that the stripped binaries
#                                  and the archives are byte for byte the same; prints the SHA-256s
#
# The archive is reproducible: entries sorted by name, owner and group 0, every mtime
# SOURCE_DATE_EPOCH (default: the commit time of HEAD), gzip without a name or time; the binary is
# built with the checkout's path mapped away (scripts/release-build).
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v sha256sum >/dev/null 2>&1; then sha256=(sha256sum); else sha256=(shasum -a 256); fi

pin() {
  local sums=$1 work
  work=$(mktemp -d)
  { sed -n '/^#/p' action/checksums.txt; grep -E '^[0-9a-f]{64}  plenar-[^ ]+\.tar\.gz$' "$sums" | sort -k 2; } >"$work/checksums"
  cp "$work/checksums" action/checksums.txt
  rm -rf "$work"
  echo "pinned in action/checksums.txt:"
  grep -v '^#' action/checksums.txt
}

reproduce() {
  local commit first second
  # Global: the EXIT trap runs after this function's locals are gone.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  commit=$(git rev-parse HEAD)
  if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "release: reproduce builds the commit $commit; uncommitted changes are not in it" >&2
  fi
  # Two fresh clones whose paths differ in length and name, each built from nothing.
  git clone --quiet --no-local "$PWD" "$work/a/plenar-ci"
  git clone --quiet --no-local "$PWD" "$work/second-clone/somewhere/else"
  for clone in "$work/a/plenar-ci" "$work/second-clone/somewhere/else"; do
    git -C "$clone" checkout --quiet --detach "$commit"
    echo "release: building in $clone" >&2
    (cd "$clone" && scripts/release.sh >&2)
  done
  first=$(cd "$work/a/plenar-ci/dist" && "${sha256[@]}" plenar-*.tar.gz)
  second=$(cd "$work/second-clone/somewhere/else/dist" && "${sha256[@]}" plenar-*.tar.gz)
  local bin_a bin_b
  bin_a=$(find "$work/a/plenar-ci/.build-release" -name plenar.stripped -path '*release*' | head -n 1)
  bin_b=$(find "$work/second-clone/somewhere/else/.build-release" -name plenar.stripped -path '*release*' | head -n 1)
  echo "binary, clone 1: $("${sha256[@]}" <"$bin_a" | cut -d ' ' -f 1)"
  echo "binary, clone 2: $("${sha256[@]}" <"$bin_b" | cut -d ' ' -f 1)"
  echo "archive, clone 1: $first"
  echo "archive, clone 2: $second"
  if ! cmp -s "$bin_a" "$bin_b" || [ "$first" != "$second" ]; then
    trap - EXIT
    echo "release: NOT reproducible: the two clones built different bytes; compare them in $work" >&2
    exit 1
  fi
  echo "release: reproducible: both clones built the same binary and archive"
}

case "${1:-}" in
  pin) pin "${2:?usage: scripts/release.sh pin SHA256SUMS}"; exit 0 ;;
  reproduce) reproduce; exit 0 ;;
  "" | --pin) ;;
  *) echo "usage: scripts/release.sh [--pin] | pin SHA256SUMS | reproduce" >&2; exit 64 ;;
esac

version=$(tr -d '[:space:]' <action/VERSION)
binary=$(scripts/release-build)
built=$("$binary" --version)
if [ "$built" != "$version" ]; then
  echo "release: plenar --version says $built but action/VERSION says $version: make them agree" >&2
  exit 1
fi
# The name the action's installer looks for, from the installer itself.
archive=$(PLENAR_VERSION=$version bash action/scripts/install.sh archive-name)
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 946684800)}
# GNU tar (gtar on macOS runners) for --sort.
tar=tar
if command -v gtar >/dev/null 2>&1; then tar=gtar; fi

mkdir -p dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$binary" "$work/plenar"
chmod 755 "$work/plenar"
"$tar" --sort=name --format=gnu --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  -C "$work" -cf - plenar | gzip -n -9 >"dist/$archive"
touch dist/SHA256SUMS
grep -v "  $archive\$" dist/SHA256SUMS >"$work/sums" || true
(cd dist && "${sha256[@]}" "$archive") >>"$work/sums"
sort -k 2 "$work/sums" >dist/SHA256SUMS
echo "dist/$archive"
cat dist/SHA256SUMS

if [ "${1:-}" = "--pin" ]; then pin dist/SHA256SUMS; fi
