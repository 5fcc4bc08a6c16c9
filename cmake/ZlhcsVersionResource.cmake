# zlhcs_version_resource(<target> DESCRIPTION <text>)
# Windows: compiles a VERSIONINFO resource into the DLL <target> (windres with mingw, rc with
# MSVC), so that Explorer's Details tab and PowerShell's (Get-Item <dll>).VersionInfo show
# what it is: file and product version (PROJECT_VERSION, i.e. include/zlhcs/zlhcs.h's
# ZLHCS_VERSION_*), the description, CompanyName and ProductName as the project's name.
# A no-op elsewhere. tests/abi/version_resource_test.c reads the result back.
function(zlhcs_version_resource target)
  cmake_parse_arguments(ARG "" "DESCRIPTION" "" ${ARGN})
  if(NOT WIN32)
    return()
  endif()
  if(NOT ARG_DESCRIPTION)
    message(FATAL_ERROR "zlhcs_version_resource(${target}): DESCRIPTION is required")
  endif()
  get_target_property(_output_name ${target} OUTPUT_NAME)
  if(NOT _output_name)
    set(_output_name ${target})
  endif()
  get_target_property(_prefix ${target} PREFIX)
  if(NOT _prefix)
    set(_prefix "")
  endif()
  set(ZLHCS_RC_FILE_NAME "${_prefix}${_output_name}${CMAKE_SHARED_LIBRARY_SUFFIX}")
  set(ZLHCS_RC_INTERNAL_NAME "${_output_name}")
  set(ZLHCS_RC_DESCRIPTION "${ARG_DESCRIPTION}")
  set(_rc "${CMAKE_CURRENT_BINARY_DIR}/${target}_version.rc")
  configure_file("${PROJECT_SOURCE_DIR}/cmake/templates/version.rc.in" "${_rc}" @ONLY)
  target_sources(${target} PRIVATE "${_rc}")
endfunction()
