// zlhcs C++ facade - the light header: everything but iostreams and coroutines.
//
// For translation units that do not want <istream>/<ostream>/<streambuf> or <coroutine> (and
// their compile time): errors, handles, timeouts, executors, operations and async_result
// (wait, std::future, info()), event subscriptions, compute systems, processes (with their
// raw stdio calls and interrupt_stdio()), enumerate/service queries, library version and
// backend, schema validation. The C++ streams over stdio are in <zlhcs/process_stream.hpp>,
// co_await in <zlhcs/coroutine.hpp>; the umbrella <zlhcs/zlhcs.hpp> includes all three.
// Mixing translation units that include core.hpp with ones that include zlhcs.hpp in one
// program is fine: the classes are the same.
#pragma once

#include <zlhcs/call_options.hpp>
#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/memory.hpp>
#include <zlhcs/handle.hpp>
#include <zlhcs/timeout.hpp>
#include <zlhcs/string_arg.hpp>
#include <zlhcs/executor.hpp>
#include <zlhcs/operation.hpp>
#include <zlhcs/events.hpp>
#include <zlhcs/compute_system.hpp>
#include <zlhcs/process.hpp>
#include <zlhcs/service.hpp>
#include <zlhcs/library.hpp>
#include <zlhcs/validation.hpp>
