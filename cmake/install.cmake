# Installing (README, "Install"): `cmake --install BUILD [--prefix P]` puts
#   bin/sockscope                      the program
#   LIBDIR/sockscope/libsockscope-preload.so   the interposer of `trace` and `run --program` (Linux)
#   share/sockscope/assets/            fonts (with their licences), scenario presets, lecture traces
#   share/doc/sockscope/               README and docs/
#   share/man/man1/sockscope.1         the manual page (docs/sockscope.1, written by hand)
# in the GNUInstallDirs places. The program finds its assets relative to
# itself (EXEDIR/../share/sockscope/assets, render/assets.h), so an install
# works wherever it is put or moved. CPack packs the same tree: a .deb on
# Linux (`cpack -G DEB`), a .zip of sockscope.exe and its assets from the
# Windows build. tests/cli_install.sh checks both ways, out of the source
# tree's reach.
include(GNUInstallDirs)

install(TARGETS sockscope RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET sockscope_preload) # found relative to the program (sim/interpose/spawn.c)
  install(TARGETS sockscope_preload LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/sockscope)
endif()
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/ DESTINATION ${CMAKE_INSTALL_DATADIR}/sockscope/assets)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs PATTERN "sockscope.1" EXCLUDE)
install(FILES ${CMAKE_SOURCE_DIR}/docs/sockscope.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(CPACK_PACKAGE_NAME sockscope)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "sockscope maintainers <sockscope@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "TCP echo servers under every classic socket I/O model, every call recorded and compared")
set(CPACK_PACKAGE_DESCRIPTION
    "sockscope runs real TCP echo servers under the socket I/O models of the textbook (blocking, select, poll, epoll, io_uring, Windows-model stand-ins), records every socket call into a trace and compares them: stats, an animated viewer, Perfetto/CSV/PNG/SVG exports.")
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_STRIP_FILES OFF) # the debug info stays: the program is for teaching and reading
if(WIN32)
  set(CPACK_GENERATOR ZIP) # sockscope.exe (static: no DLLs) and its assets, as installed
  set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
else()
  set(CPACK_GENERATOR DEB)
  set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_DEBIAN_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # Depends: from the libraries the program links (dpkg-shlibdeps)
endif()
include(CPack)
