// zlhcs C++ facade - the parts of RapidJSON (header-only; Debian's rapidjson-dev 1.1.0) the
// schema codec uses. Include RapidJSON's folder as a system include: 1.1.0 warns under C++20.
#pragma once

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
