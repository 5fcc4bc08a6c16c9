# The installable package: `cmake --install <build> --prefix <dir>` lays out
#
#   include/zlhcs/          zlhcs.h, zlhcs_api.h (the C ABI) and the C++ facade's headers
#   include/zlhcs/third_party/rapidjson/
#                           RapidJSON 1.1.0 (header-only), which the facade's typed schema needs
#   include/hcsim/hcsim_control.h
#                           hcsim's control surface (self-contained)
#   Linux:   lib/libzlhcs.so, lib/libhcsim.so (side by side: zlhcs's default backend off
#            Windows is the libhcsim.so beside it)
#   Windows: bin/zlhcs.dll, bin/hcsim.dll; lib/libzlhcs.dll.a, lib/libhcsim.dll.a (mingw import
#            libraries), lib/zlhcs.lib, lib/hcsim.lib (MSVC-compatible import libraries; an MSVC
#            build makes them itself, a mingw build with dlltool from the .def files)
#   lib/cmake/zlhcs/        zlhcsConfig.cmake, zlhcsConfigVersion.cmake, zlhcsTargets*.cmake:
#                           zlhcs::zlhcs (C ABI), zlhcs::facade (header-only C++), zlhcs::hcsim,
#                           zlhcs::schema (when the build has the zlhcs_schema library)
#   lib/pkgconfig/zlhcs.pc  the C ABI for pkg-config
#   share/doc/zlhcs/        RapidJSON's licence
#
# tests/consumer/ (run by scripts/consumer.sh) builds against this tree, natively and with
# mingw-w64 under Wine.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ZLHCS_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/zlhcs" CACHE STRING
    "Where zlhcsConfig.cmake is installed, relative to the prefix")
set(ZLHCS_INSTALL_THIRD_PARTY_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}/zlhcs/third_party")

# In-tree names equal to the package's, for projects that add this tree with add_subdirectory
# or FetchContent instead of installing it (zlhcs::schema is facade/CMakeLists.txt's).
if(NOT TARGET zlhcs::zlhcs)
  add_library(zlhcs::zlhcs ALIAS zlhcs)
endif()
if(NOT TARGET zlhcs::facade)
  add_library(zlhcs::facade ALIAS zlhcs_cpp)
endif()
if(NOT TARGET zlhcs::hcsim)
  # The library and <hcsim/hcsim_control.h>, as the package has them.
  add_library(zlhcs_hcsim_in_tree INTERFACE)
  target_link_libraries(zlhcs_hcsim_in_tree INTERFACE hcsim hcsim_headers)
  add_library(zlhcs::hcsim ALIAS zlhcs_hcsim_in_tree)
endif()

# --- headers -------------------------------------------------------------------------------
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/zlhcs"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT development)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/facade/include/zlhcs"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT development)
install(FILES "${PROJECT_SOURCE_DIR}/src/hcsim/include/hcsim/hcsim_control.h"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/hcsim" COMPONENT development)

# RapidJSON travels with the package, under include/zlhcs/third_party (not include/: a user's
# own RapidJSON elsewhere stays theirs to choose). Debian's rapidjson-dev is 1.1.0, which has
# no importable CMake target, mingw and MSVC users rarely have it installed, and a consumer
# cross-compiling with mingw must never put the host's /usr/include on its include path: a
# copy is what works for every consumer. zlhcs::facade puts it on the include path (SYSTEM).
install(DIRECTORY "${ZLHCS_SYSTEM_INCLUDE_ROOT}/rapidjson"
        DESTINATION "${ZLHCS_INSTALL_THIRD_PARTY_INCLUDEDIR}" COMPONENT development)
set(_zlhcs_rapidjson_license "")
foreach(_candidate
    "${ZLHCS_SYSTEM_INCLUDE_ROOT}/../share/doc/rapidjson-dev/copyright"  # Debian's package
    "${ZLHCS_SYSTEM_INCLUDE_ROOT}/../license.txt")                       # a RapidJSON checkout
  if(EXISTS "${_candidate}")
    set(_zlhcs_rapidjson_license "${_candidate}")
    break()
  endif()
endforeach()
if(_zlhcs_rapidjson_license)
  install(FILES "${_zlhcs_rapidjson_license}" RENAME rapidjson-license.txt
          DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT development)
else()
  message(WARNING "zlhcs install: RapidJSON's licence was not found beside "
                  "${ZLHCS_SYSTEM_INCLUDE_ROOT}: the package will carry its headers without it")
endif()

# --- libraries ----------------------------------------------------------------------------
# zlhcs and hcsim are shared libraries: their private dependencies (zlhcs_common, RapidJSON,
# GSL) are inside them and not part of what users link.
install(TARGETS zlhcs hcsim EXPORT zlhcsTargets
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT runtime
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

# zlhcs::facade: the in-tree zlhcs_cpp links zlhcs_third_party (build-tree include paths), so
# the package has its own interface target: the installed headers, the RapidJSON copy, C++17,
# zlhcs::zlhcs and the thread library (the facade runs threads of its own).
find_package(Threads REQUIRED)
add_library(zlhcs_facade_package INTERFACE)
set_target_properties(zlhcs_facade_package PROPERTIES EXPORT_NAME facade)
# (An imported target's include folders are system ones for its users: RapidJSON 1.1.0's
# warnings under C++20 stay out of their builds.)
target_include_directories(zlhcs_facade_package INTERFACE
  "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>"
  "$<INSTALL_INTERFACE:${ZLHCS_INSTALL_THIRD_PARTY_INCLUDEDIR}>")
target_compile_features(zlhcs_facade_package INTERFACE cxx_std_17)
target_link_libraries(zlhcs_facade_package INTERFACE zlhcs Threads::Threads)
install(TARGETS zlhcs_facade_package EXPORT zlhcsTargets)

# zlhcs::schema: the facade's typed schema codec compiled once (facade/CMakeLists.txt's
# zlhcs_schema, where the build has it), the alternative to #define ZLHCS_IMPLEMENTATION in
# one translation unit. Its archive is installed as is and declared in the package as an
# imported library over zlhcs::facade, however the build tree links it.
set(ZLHCS_PACKAGE_SCHEMA_LIBRARY "")
if(TARGET zlhcs_schema)
  install(TARGETS zlhcs_schema ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development)
  get_target_property(_schema_name zlhcs_schema OUTPUT_NAME)
  if(NOT _schema_name)
    set(_schema_name zlhcs_schema)
  endif()
  set(ZLHCS_PACKAGE_SCHEMA_LIBRARY
      "${CMAKE_INSTALL_LIBDIR}/${CMAKE_STATIC_LIBRARY_PREFIX}${_schema_name}${CMAKE_STATIC_LIBRARY_SUFFIX}")
  if(MINGW AND CMAKE_STRIP)
    # The mingw archive without its DWARF (RelWithDebInfo: 63 MB, 8 MB without): linking the
    # debug information in COFF made every consumer's link take 87 s instead of 11 s.
    install(CODE "execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug
                    \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${ZLHCS_PACKAGE_SCHEMA_LIBRARY}\"
                    COMMAND_ERROR_IS_FATAL ANY)"
            COMPONENT development)
  endif()
endif()

# --- MSVC-compatible import libraries of the mingw build ----------------------------------
# MSVC's link.exe takes lib/zlhcs.lib (hcsim.lib), made by dlltool from the export lists
# (def/zlhcs.def; hcsim's generated .def). On x64 __stdcall is ignored and names are not
# decorated, so the .def's plain names are the symbols an MSVC caller of <zlhcs/zlhcs.h>
# references (__imp_zlhcs_version and the thunk zlhcs_version); imports are by name, the
# ordinals serving as hints. (An MSVC build makes its own zlhcs.lib.)
if(WIN32 AND NOT MSVC)
  if(NOT CMAKE_DLLTOOL)
    find_program(CMAKE_DLLTOOL NAMES x86_64-w64-mingw32-dlltool dlltool REQUIRED)
  endif()
  set(_zlhcs_import_libs "")
  foreach(_spec "zlhcs=${PROJECT_SOURCE_DIR}/def/zlhcs.def" "hcsim=${PROJECT_BINARY_DIR}/src/hcsim/hcsim.def")
    string(REPLACE "=" ";" _spec "${_spec}")
    list(GET _spec 0 _dll)
    list(GET _spec 1 _def)
    set(_lib "${CMAKE_ARCHIVE_OUTPUT_DIRECTORY}/${_dll}.lib")
    add_custom_command(
      OUTPUT "${_lib}"
      # Run in the output folder with a bare name: dlltool names its symbols after -l.
      COMMAND "${CMAKE_DLLTOOL}" -m i386:x86-64 -d "${_def}" -D ${_dll}.dll -l ${_dll}.lib
      WORKING_DIRECTORY "${CMAKE_ARCHIVE_OUTPUT_DIRECTORY}"
      DEPENDS "${_def}"
      COMMENT "Generating the MSVC-compatible import library ${_dll}.lib"
      VERBATIM)
    list(APPEND _zlhcs_import_libs "${_lib}")
  endforeach()
  add_custom_target(zlhcs_msvc_import_libs ALL DEPENDS ${_zlhcs_import_libs})
  install(FILES ${_zlhcs_import_libs} DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development)
endif()

# --- CMake package -----------------------------------------------------------------------
install(EXPORT zlhcsTargets NAMESPACE zlhcs:: FILE zlhcsTargets.cmake
        DESTINATION "${ZLHCS_INSTALL_CMAKEDIR}" COMPONENT development)
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/templates/zlhcsConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/package/zlhcsConfig.cmake"
  INSTALL_DESTINATION "${ZLHCS_INSTALL_CMAKEDIR}")
# SameMinorVersion: while zlhcs is 0.x a minor release may still reshape the ABI (0.7.0 did)
# or the C++ facade (0.8.0 did; abi/POLICY.md), so find_package(zlhcs 0.9) accepts 0.9.z only.
# From 1.0 (ABI frozen within a major version) this becomes SameMajorVersion.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/package/zlhcsConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/package/zlhcsConfig.cmake"
              "${PROJECT_BINARY_DIR}/package/zlhcsConfigVersion.cmake"
        DESTINATION "${ZLHCS_INSTALL_CMAKEDIR}" COMPONENT development)

# --- pkg-config ---------------------------------------------------------------------------
# Relocatable: prefix is found from the .pc file's own folder (${pcfiledir}), so the tree
# works wherever it is unpacked or installed with --prefix.
set(ZLHCS_PKGCONFIG_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
if(IS_ABSOLUTE "${ZLHCS_PKGCONFIG_DIR}")
  set(ZLHCS_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  set(ZLHCS_PC_PREFIX "\${pcfiledir}")
  string(REPLACE "/" ";" _components "${ZLHCS_PKGCONFIG_DIR}")
  foreach(_component IN LISTS _components)
    if(NOT _component STREQUAL "" AND NOT _component STREQUAL ".")
      string(APPEND ZLHCS_PC_PREFIX "/..")
    endif()
  endforeach()
endif()
foreach(_dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_dir}}")
    set(ZLHCS_PC_${_dir} "${CMAKE_INSTALL_${_dir}}")
  else()
    set(ZLHCS_PC_${_dir} "\${prefix}/${CMAKE_INSTALL_${_dir}}")
  endif()
endforeach()
configure_file("${PROJECT_SOURCE_DIR}/cmake/templates/zlhcs.pc.in"
               "${PROJECT_BINARY_DIR}/package/zlhcs.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/package/zlhcs.pc"
        DESTINATION "${ZLHCS_PKGCONFIG_DIR}" COMPONENT development)
