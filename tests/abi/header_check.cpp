/* Compile check: the public header compiles as strict C++ (C++98 and C++20, -pedantic
 * -Werror), natively and with mingw. The same source as the C check. */
#include "header_check.c"
