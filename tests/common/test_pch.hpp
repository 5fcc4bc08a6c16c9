// The precompiled header of every GoogleTest suite (cmake/ZlhcsTesting.cmake, zlhcs_add_gtest):
// GoogleTest and the standard headers nearly every test file includes. Parsing them was half
// of a test file's compile time (tests/core/handles_test.cpp under ASan: 6.1 s, 4.6 s with
// this precompiled). Only headers whose meaning no macro of a test file changes belong here:
// not RapidJSON (the facade configures it before including it) nor <windows.h>.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>
