#!/usr/bin/env bash
# Builds plenar (release, static Swift stdlib, stripped) and installs it as PREFIX/bin/plenar, with
# its shell completions (bash, zsh, fish) and its man page, plenar(1).
#   scripts/install.sh [PREFIX]        PREFIX defaults to /usr/local
# Needs Swift 6 to build (no libcurl headers: plenar declares the part of libcurl it uses), libcurl4 to run.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=${1:-/usr/local}
binary=$(scripts/release-build)
install -d "$prefix/bin"
install -m 755 "$binary" "$prefix/bin/plenar"
echo "installed $("$prefix/bin/plenar" --version) as $prefix/bin/plenar"

# Completions, where each shell looks for them under PREFIX.
completions=(
  "bash:$prefix/share/bash-completion/completions/plenar"
  "zsh:$prefix/share/zsh/site-functions/_plenar"
  "fish:$prefix/share/fish/vendor_completions.d/plenar.fish"
)
for entry in "${completions[@]}"; do
  shell=${entry%%:*} file=${entry#*:}
  install -d "$(dirname "$file")"
  "$prefix/bin/plenar" --generate-completion-script "$shell" >"$file"
  echo "installed $shell completions as $file"
done

# The man page, from ArgumentParser's manual generator (built from the package's own dependency).
echo "building ArgumentParser's generate-manual for the man page" >&2
swift build -c release --product generate-manual --scratch-path .build-release >&2
generator="$(swift build -c release --scratch-path .build-release --show-bin-path)/generate-manual"
install -d "$prefix/share/man/man1"
"$generator" "$prefix/bin/plenar" --output-directory "$prefix/share/man/man1"
echo "installed the man page as $prefix/share/man/man1/plenar.1 (man plenar)"
