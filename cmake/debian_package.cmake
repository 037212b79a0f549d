# The Debian package: `cpack -G DEB` in the build directory (or `cmake --build build --target
# package`) packs what `cmake --install` installs, under /usr, into runt_<version>_amd64.deb.
# `apt install ./runt_*.deb` then pulls in what runt links (dpkg-shlibdeps reads that from the
# binary, so the list cannot drift from the build) and, as apt does by default, ipykernel.
set(RUNT_PACKAGE_MAINTAINER "runt developers <runt-dev@example.org>"
    CACHE STRING "The Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME runt)
set(CPACK_PACKAGE_VENDOR runt)
set(CPACK_PACKAGE_CONTACT "${RUNT_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "self-hostable sync server and Jupyter runtime agent for event-sourced notebooks")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "runt keeps notebooks as append-only event logs in the anode / LiveStore 0.3.1 schema and\n"
  "syncs them between browsers, terminals, runtime agents and AI assistants. One binary runs\n"
  "the sync server with its browser notebook (runt serve), runtime agents on real Jupyter\n"
  "kernels (runt agent, also installed as pyrunt), and all of it on one machine (runt up).")
# runt_0.1.0_amd64.deb, as Debian names packages.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Needs dpkg-shlibdeps (dpkg-dev) and file, which scripts/bootstrap installs. It also finds
# libtcmalloc-minimal4, linked with --no-as-needed: runt's malloc and free resolve to it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# `runt up` and `runt agent` run Python cells on Debian's ipykernel by default; any other
# kernelspec (or none, for runt serve alone) works too, so it is recommended, not required.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS python3-ipykernel)
# Debian packages ship stripped binaries (build/runt keeps its debug info: 250 MB against 6).
set(CPACK_STRIP_FILES ON)
# CPack installs into its staging directory with the build's install script, which writes the
# list of installed files to build/install_manifest.txt, the list `cmake --install` left there
# for uninstalling, now naming /usr paths the user never installed. Packing the one component
# everything is in (CMAKE_INSTALL_DEFAULT_COMPONENT_NAME) writes install_manifest_runt.txt instead.
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};runt;runt;/")
include(CPack)
