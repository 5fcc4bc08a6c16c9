//! Finds the zlhcs library to link (libzlhcs.so, zlhcs.dll's import library zlhcs.lib or
//! libzlhcs.dll.a), in this order:
//!   1. ZLHCS_LIB_DIR: the folder holding it (a build tree's `bin`, an install's `lib`);
//!   2. pkg-config's `zlhcs` package (the installed zlhcs.pc; the `pkg-config` program is run
//!      directly, so that this crate has no build dependency);
//!   3. the linker's default search path.
//!
//! The library is found again at run time by the platform's loader (LD_LIBRARY_PATH, the rpath
//! of the final program, or the folder of the .exe on Windows); see docs/rust.md.
//!
//! It also tells the crate whether `core::mem::offset_of!` exists (Rust 1.77), so that member
//! offsets are asserted at compile time where the compiler can, and by a test elsewhere.
use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=ZLHCS_LIB_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    if let Ok(dir) = env::var("ZLHCS_LIB_DIR") {
        if !dir.is_empty() {
            println!("cargo:rustc-link-search=native={}", dir);
        }
    } else if let Ok(output) = Command::new("pkg-config").args(["--libs-only-L", "zlhcs"]).output() {
        if output.status.success() {
            for flag in String::from_utf8_lossy(&output.stdout).split_whitespace() {
                if let Some(dir) = flag.strip_prefix("-L") {
                    println!("cargo:rustc-link-search=native={}", dir);
                }
            }
        }
    }
    println!("cargo:rustc-link-lib=dylib=zlhcs");
    let minor = rustc_minor().unwrap_or(0);
    if minor >= 80 {
        // Declares the cfg below to the compiler's cfg checking (Rust 1.80); older Cargos warn
        // about the instruction, so it is only given to those that know it.
        println!("cargo:rustc-check-cfg=cfg(zlhcs_offset_of)");
    }
    if minor >= 77 {
        println!("cargo:rustc-cfg=zlhcs_offset_of");
    }
}

/// The minor version of the compiler building this crate (`rustc 1.63.0 ...` gives 63).
fn rustc_minor() -> Option<u32> {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let output = Command::new(rustc).arg("--version").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let version = text.split_whitespace().nth(1)?;
    version.split('.').nth(1)?.parse().ok()
}
