// The zlhcs_schema library (CMake target zlhcs::schema): the facade's implementation unit,
// compiled once for every program that links it (see <zlhcs/implementation.hpp>).
#include <zlhcs/implementation.hpp>
