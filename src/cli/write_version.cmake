# Writes OUTPUT (version.cpp) from TEMPLATE with VERSION and the commit of SOURCE_DIR, as
# `cmake -DSOURCE_DIR=... -DVERSION=... -DGIT=... -DTEMPLATE=... -DOUTPUT=... -P write_version.cmake`.
# Run on every build (src/cli/CMakeLists.txt); configure_file leaves OUTPUT untouched when its
# text is the same, so nothing recompiles until the commit or its dirtiness changes.
set(RUNT_VERSION "${VERSION}")
set(RUNT_COMMIT unknown)
if(GIT)
  execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" rev-parse --short HEAD
                  OUTPUT_VARIABLE commit RESULT_VARIABLE failed OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT failed AND commit)
    set(RUNT_COMMIT "${commit}")
    # --no-optional-locks: a build must never hold the index lock a commit running beside it
    # needs. Untracked files do not make a build dirty (as `git describe --dirty`).
    execute_process(COMMAND "${GIT}" --no-optional-locks -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
                    OUTPUT_VARIABLE changes RESULT_VARIABLE failed ERROR_QUIET)
    if(NOT failed AND changes)
      string(APPEND RUNT_COMMIT "-dirty")
    endif()
  endif()
endif()
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
