#!/usr/bin/env bash
# Builds plenar (release, static Swift stdlib, stripped) and installs it as PREFIX/bin/plenar.
#   scripts/install.sh [PREFIX]        PREFIX defaults to /usr/local
# Needs Swift 6 to build (no libcurl headers: plenar declares the part of libcurl it uses), libcurl4 to run.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=${1:-/usr/local}
binary=$(scripts/release-build)
install -d "$prefix/bin"
install -m 755 "$binary" "$prefix/bin/plenar"
echo "installed $("$prefix/bin/plenar" --version) as $prefix/bin/plenar"
