#!/usr/bin/env bash
# install.tree and install.deb: runt installed as a user installs it, into a scratch directory
# removed afterwards, holding only what runt needs, then run by check_installed.mjs.
#   installed.sh tree BUILD_DIR VERSION SOURCE_DIR   cmake --install into a scratch prefix
#   installed.sh deb BUILD_DIR VERSION SOURCE_DIR    cpack -G DEB; its control fields; dpkg -x
# CMAKE, CPACK and NODE name the tools (CTest passes the build's own).
set -euo pipefail
mode=$1 build=$2 version=$3 source=$4
scratch=$(mktemp -d "${TMPDIR:-/tmp}/runt-install-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL $*" >&2; exit 1; }

# The installed files under PREFIX: runt, pyrunt and the web UI, no libraries, headers or tests.
only_runt_files() {
  local extra
  extra=$(cd "$1" && find . ! -type d | grep -Ev '^\./(bin/runt|bin/pyrunt|share/runt/web-ui/.+)$' || true)
  [ -z "$extra" ] || fail "installed more than runt needs: $extra"
  echo "ok   installs bin/runt, bin/pyrunt and share/runt/web-ui only"
}

case "$mode" in
  tree)
    # --component runt (everything is in it) writes install_manifest_runt.txt: the build's
    # install_manifest.txt keeps listing what the user installed, for uninstalling.
    "${CMAKE:-cmake}" --install "$build" --prefix "$scratch/prefix" --component runt >/dev/null
    only_runt_files "$scratch/prefix"
    runt=$scratch/prefix/bin/runt
    ;;
  deb)
    "${CPACK:-cpack}" -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" >/dev/null
    deb=$scratch/out/runt_${version}_$(dpkg --print-architecture).deb
    [ -f "$deb" ] || fail "cpack made no $(basename "$deb"): $(ls "$scratch/out")"
    depends=$(dpkg-deb -f "$deb" Depends)
    for package in libc6 libstdc++6 libtcmalloc-minimal4 libzmq5 libsqlite3-0 libssl3 libpq5; do
      [[ ", $depends," == *", $package "* || ", $depends," == *", $package,"* ]] || fail "Depends lacks $package: $depends"
    done
    echo "ok   Depends: $depends"
    recommends=$(dpkg-deb -f "$deb" Recommends)
    [ "$recommends" = python3-ipykernel ] || fail "Recommends is not python3-ipykernel: $recommends"
    echo "ok   Recommends: $recommends"
    [ -n "$(dpkg-deb -f "$deb" Maintainer)" ] && [ -n "$(dpkg-deb -f "$deb" Description)" ] || fail "no Maintainer or Description"
    dpkg -x "$deb" "$scratch/root"
    only_runt_files "$scratch/root/usr"
    runt=$scratch/root/usr/bin/runt
    ;;
  *) fail "usage: $0 tree|deb BUILD_DIR VERSION SOURCE_DIR" ;;
esac
"${NODE:-node}" --experimental-websocket --no-warnings "$(dirname "$0")/check_installed.mjs" "$runt" "$version" "$source"
