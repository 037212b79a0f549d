#!/usr/bin/env bash
# `runt --version`'s generated version.cpp (src/cli/write_version.cmake) on a scratch git
# repository: it names the commit, adds -dirty for changed tracked files (untracked ones do not
# count), is left untouched while nothing changes (so a build recompiles nothing), follows a new
# commit, and says `unknown` without git.
# Usage: write_version_test.sh SOURCE_DIR (CMAKE names cmake; CTest passes the build's own)
set -euo pipefail
source=$1
scratch=$(mktemp -d "${TMPDIR:-/tmp}/runt-version-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
repo=$scratch/repo out=$scratch/version.cpp
fail() { echo "FAIL $*" >&2; exit 1; }
git() { command git -C "$repo" -c user.name=test -c user.email=test@example.invalid -c commit.gpgsign=false "$@"; }
write() {  # write [GIT]
  "${CMAKE:-cmake}" -DSOURCE_DIR="$repo" -DVERSION=9.8.7 -DGIT="${1-$(command -v git)}" \
    -DTEMPLATE="$source/src/cli/version.cpp.in" -DOUTPUT="$out" -P "$source/src/cli/write_version.cmake"
}
expect() {  # expect TEXT WHAT
  grep -qF "\"runt 9.8.7 ($1)\"" "$out" || fail "$2: $(grep -o '"runt [^"]*"' "$out")"
  echo "ok   $2"
}

mkdir "$repo" && git init -q && echo one > "$repo/tracked" && git add tracked && git commit -q -m one
first=$(git rev-parse --short HEAD)
write && expect "$first" "names the commit"

touch -d '2000-01-01' "$out"
write
[ "$(stat -c %Y "$out")" = "$(date -d '2000-01-01' +%s)" ] || fail "rewritten although nothing changed"
echo "ok   left untouched while the commit is the same"

echo new > "$repo/untracked" && write && expect "$first" "untracked files do not make it dirty"
echo two > "$repo/tracked" && write && expect "$first-dirty" "a changed tracked file makes it dirty"
git commit -q -am two
write && expect "$(git rev-parse --short HEAD)" "follows a new commit"
write GIT-NOTFOUND && expect unknown "without git: unknown"
