# The project's version has one source of truth: ZLHCS_VERSION_MAJOR/MINOR/PATCH in
# include/zlhcs/zlhcs.h (what zlhcs_version() reports; src/api/library.cpp makes its string
# from them at compile time). Included before project(): sets ZLHCS_VERSION ("major.minor.patch"),
# which project(VERSION) takes, so PROJECT_VERSION, the package version file, zlhcs.pc and the
# Windows version resources all follow the header.
set(_zlhcs_version_header "${CMAKE_CURRENT_LIST_DIR}/../include/zlhcs/zlhcs.h")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_zlhcs_version_header}")
file(STRINGS "${_zlhcs_version_header}" _zlhcs_version_lines
     REGEX "^#define ZLHCS_VERSION_(MAJOR|MINOR|PATCH) ")
set(ZLHCS_VERSION "")
foreach(_part MAJOR MINOR PATCH)
  set(_value "")
  foreach(_line IN LISTS _zlhcs_version_lines)
    if(_line MATCHES "^#define ZLHCS_VERSION_${_part} +([0-9]+)u?$")
      set(_value "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  if(_value STREQUAL "")
    message(FATAL_ERROR "ZLHCS_VERSION_${_part} not found in ${_zlhcs_version_header}")
  endif()
  list(APPEND ZLHCS_VERSION "${_value}")
endforeach()
list(JOIN ZLHCS_VERSION "." ZLHCS_VERSION)
unset(_zlhcs_version_lines)
unset(_value)
