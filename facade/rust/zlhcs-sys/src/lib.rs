//! Raw FFI declarations of zlhcs (`libzlhcs.so` / `zlhcs.dll`), the flat C ABI binding the
//! Windows Host Compute Service. Everything here is generated from `abi/zlhcs.abi.json` by
//! `scripts/generate_bindings.py` (no bindgen); use the safe `zlhcs` crate unless you need the
//! C ABI itself.
//!
//! Linking: the build script looks for the library in `ZLHCS_LIB_DIR`, then through
//! pkg-config's `zlhcs` package, then in the linker's default path. At run time the platform's
//! loader finds it (`LD_LIBRARY_PATH` or an rpath on Linux, the program's folder or `PATH` on
//! Windows).
//!
//! Safety: every function is `unsafe`: the caller upholds the header's contract (pointers
//! valid for the documented size, NUL-terminated UTF-8 strings, memory handed out freed with
//! `zlhcs_free`, callbacks that never unwind). Handles themselves are validated by zlhcs: a
//! stale or forged handle is an error, never undefined behaviour.
#![allow(non_camel_case_types, non_upper_case_globals, non_snake_case, clippy::unreadable_literal)]

include!("generated.rs");
