# Header-only dependencies: RapidJSON and Microsoft GSL, from Debian's packages.
#
# The mingw build must never see /usr/include (glibc's headers would shadow mingw's), so it
# gets a folder that holds only links to the two libraries' include folders.
set(ZLHCS_SYSTEM_INCLUDE_ROOT "/usr/include" CACHE PATH "Where rapidjson/ and gsl/ live")
if(NOT EXISTS "${ZLHCS_SYSTEM_INCLUDE_ROOT}/rapidjson/document.h")
  message(FATAL_ERROR "RapidJSON not found under ${ZLHCS_SYSTEM_INCLUDE_ROOT} (apt-get install rapidjson-dev)")
endif()
if(NOT EXISTS "${ZLHCS_SYSTEM_INCLUDE_ROOT}/gsl/gsl")
  message(FATAL_ERROR "Microsoft GSL not found under ${ZLHCS_SYSTEM_INCLUDE_ROOT} (apt-get install libmsgsl-dev)")
endif()

if(CMAKE_CROSSCOMPILING)
  set(_zlhcs_dep_dir "${CMAKE_BINARY_DIR}/third_party_include")
  file(MAKE_DIRECTORY "${_zlhcs_dep_dir}")
  foreach(_lib rapidjson gsl)
    file(CREATE_LINK "${ZLHCS_SYSTEM_INCLUDE_ROOT}/${_lib}" "${_zlhcs_dep_dir}/${_lib}" SYMBOLIC)
  endforeach()
else()
  set(_zlhcs_dep_dir "${ZLHCS_SYSTEM_INCLUDE_ROOT}")
endif()

# SYSTEM: RapidJSON 1.1.0 warns under C++20 (std::iterator), and we keep -Werror for our code.
add_library(zlhcs_third_party INTERFACE)
target_include_directories(zlhcs_third_party SYSTEM INTERFACE "${_zlhcs_dep_dir}")
target_compile_definitions(zlhcs_third_party INTERFACE RAPIDJSON_HAS_STDSTRING=1)
