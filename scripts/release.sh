#!/usr/bin/env bash
# Builds the release archive of plenar for this machine's OS and architecture:
# dist/plenar-VERSION-OS-ARCH.tar.gz (the static-stdlib, stripped binary as `plenar`) and its line
# in dist/SHA256SUMS. Run it on each platform released, gather the archives and SHA256SUMS lines,
# and pin them with --pin, which copies SHA256SUMS into action/checksums.txt (the checksums the
# action installs against).
#   scripts/release.sh [--pin]
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(tr -d '[:space:]' <action/VERSION)
binary=$(scripts/release-build)
built=$("$binary" --version)
if [ "$built" != "$version" ]; then
  echo "release: plenar --version says $built but action/VERSION says $version: make them agree" >&2
  exit 1
fi
# The name the action's installer looks for, from the installer itself.
archive=$(PLENAR_VERSION=$version bash action/scripts/install.sh archive-name)

mkdir -p dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$binary" "$work/plenar"
chmod 755 "$work/plenar"
# Reproducible: fixed owner, order and times.
tar --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00:00Z' --sort=name -C "$work" -cf - plenar | gzip -n >"dist/$archive"
touch dist/SHA256SUMS
grep -v "  $archive\$" dist/SHA256SUMS >"$work/sums" || true
(cd dist && sha256sum "$archive") >>"$work/sums"
sort -k 2 "$work/sums" >dist/SHA256SUMS
echo "dist/$archive"
cat dist/SHA256SUMS

if [ "${1:-}" = "--pin" ]; then
  { sed -n '/^#/p' action/checksums.txt; cat dist/SHA256SUMS; } >"$work/checksums"
  cp "$work/checksums" action/checksums.txt
  echo "pinned in action/checksums.txt"
fi
