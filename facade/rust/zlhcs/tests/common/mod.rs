//! Test support: hcsim's control surface (resolved from the very backend zlhcs loaded), one
//! test at a time (hcsim's switches are process-wide), and the leak checks every test ends
//! with: zlhcs's debug counters and hcsim's live objects back at zero.
#![allow(dead_code)]

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use zlhcs::sys;

pub const BEHAVIOR_INLINE_COMPLETION: u32 = 0x2;
pub const BEHAVIOR_SPURIOUS_PROCESS_RESULT: u32 = 0x4;
pub const BEHAVIOR_OMIT_ERROR_DOCUMENTS: u32 = 0x8;
pub const FAULT_IMMEDIATE: u32 = 0;
pub const FAULT_ASYNC: u32 = 1;
pub const E_FAIL: i32 = 0x8000_4005_u32 as i32;

/// A generous bound against a hang, never a timing assertion.
pub const TIMEOUT: Option<Duration> = Some(Duration::from_secs(30));

#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LiveObjects {
    pub struct_size: u32,
    pub operations: u32,
    pub system_handles: u32,
    pub systems: u32,
    pub process_handles: u32,
    pub pending_completions: u32,
    pub strings: u32,
}

pub struct Hcsim {
    set_behavior: unsafe extern "system" fn(u32) -> i32,
    reset: unsafe extern "system" fn() -> i32,
    fail_next_calls: unsafe extern "system" fn(*const c_char, u32, i32, u32) -> i32,
    set_latency: unsafe extern "system" fn(*const c_char, u32) -> i32,
    live_objects: unsafe extern "system" fn(*mut LiveObjects) -> i32,
}

extern "C" {
    fn dlopen(file: *const c_char, mode: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, name: *const c_char) -> *mut c_void;
}
const RTLD_NOW: c_int = 2;

fn symbol(module: *mut c_void, name: &str) -> *mut c_void {
    let name = CString::new(name).unwrap();
    let address = unsafe { dlsym(module, name.as_ptr()) };
    assert!(!address.is_null(), "hcsim lacks {:?}", name);
    address
}

/// The function `name` of `module` as the function pointer type F.
///
/// # Safety
/// F must be the symbol's real signature (a function pointer type).
unsafe fn function<F: Copy>(module: *mut c_void, name: &str) -> F {
    let address = symbol(module, name);
    std::mem::transmute_copy::<*mut c_void, F>(&address)
}

impl Hcsim {
    fn load() -> Hcsim {
        // The backend zlhcs loaded (its default: hcsim beside libzlhcs.so); dlopen of the same
        // path returns that very module, so these calls drive the instance zlhcs uses.
        let mut path: *mut c_char = std::ptr::null_mut();
        let status = unsafe { sys::zlhcs_backend_path(&mut path) };
        assert!(status >= 0 && !path.is_null(), "no backend: 0x{:08X}", status as u32);
        let module = unsafe { dlopen(path, RTLD_NOW) };
        let text = unsafe { CStr::from_ptr(path) }.to_string_lossy().into_owned();
        unsafe { sys::zlhcs_free(path.cast()) };
        assert!(!module.is_null(), "cannot open the backend {}", text);
        // SAFETY: each symbol is the hcsim_control.h function of that signature.
        unsafe {
            Hcsim {
                set_behavior: function(module, "HcsimSetBehavior"),
                reset: function(module, "HcsimReset"),
                fail_next_calls: function(module, "HcsimFailNextCalls"),
                set_latency: function(module, "HcsimSetLatency"),
                live_objects: function(module, "HcsimGetLiveObjects"),
            }
        }
    }

    pub fn set_behavior(&self, flags: u32) {
        assert_eq!(unsafe { (self.set_behavior)(flags) }, 0);
    }
    pub fn fail_next_calls(&self, function: &str, count: u32, failure: i32, mode: u32) {
        let name = CString::new(function).unwrap();
        assert_eq!(unsafe { (self.fail_next_calls)(name.as_ptr(), count, failure, mode) }, 0);
    }
    pub fn set_latency(&self, function: &str, milliseconds: u32) {
        let name = CString::new(function).unwrap();
        assert_eq!(unsafe { (self.set_latency)(name.as_ptr(), milliseconds) }, 0);
    }
    pub fn live_objects(&self) -> LiveObjects {
        let mut counts = LiveObjects { struct_size: std::mem::size_of::<LiveObjects>() as u32, ..Default::default() };
        assert_eq!(unsafe { (self.live_objects)(&mut counts) }, 0);
        counts.struct_size = 0;
        counts
    }
    fn reset(&self) {
        assert_eq!(unsafe { (self.reset)() }, 0);
    }
}

static SERIAL: Mutex<()> = Mutex::new(());
static HCSIM: Mutex<Option<&'static Hcsim>> = Mutex::new(None);

pub fn hcsim() -> &'static Hcsim {
    let mut slot = HCSIM.lock().unwrap_or_else(|p| p.into_inner());
    if slot.is_none() {
        *slot = Some(Box::leak(Box::new(Hcsim::load())));
    }
    slot.unwrap()
}

/// One test's hold on the simulator: serialises tests, starts from hcsim's defaults, and on
/// drop (when the test did not already fail) checks that nothing leaked.
pub struct Fixture {
    _serial: MutexGuard<'static, ()>,
}

pub fn fixture() -> Fixture {
    let serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let sim = hcsim();
    sim.set_behavior(0);
    sim.reset();
    Fixture { _serial: serial }
}

/// Waits (bounded) until zlhcs's counters and hcsim's live objects are zero: contexts are
/// released and completions drained on other threads a moment after the last close.
pub fn assert_no_leaks() {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let counts = zlhcs::debug_counts().expect("zlhcs_debug_counts");
        let live = hcsim().live_objects();
        if counts.is_clear() && live == LiveObjects::default() {
            return;
        }
        if Instant::now() >= deadline {
            panic!("leaked: zlhcs {:?}, hcsim {:?}", counts, live);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let sim = hcsim();
        sim.set_behavior(0);
        if !std::thread::panicking() {
            assert_no_leaks();
        }
        sim.reset();
    }
}

/// A fresh system id for this test run.
pub fn unique_id(name: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!("zlhcs-rust-{}-{}-{}", name, std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

pub const OWNER: &str = "zlhcs-rust-tests";

/// A process-isolated container configuration, typed.
pub fn container() -> zlhcs::schema::ComputeSystem {
    use zlhcs::schema;
    schema::ComputeSystem {
        owner: Some(OWNER.to_string()),
        schema_version: Some(schema::Version { major: Some(2), minor: Some(1), ..Default::default() }),
        should_terminate_on_last_handle_closed: Some(true),
        container: Some(schema::Container::default()),
        ..Default::default()
    }
}

/// A created and started container.
pub fn running(name: &str) -> zlhcs::ComputeSystem {
    let system = zlhcs::ComputeSystem::create_blocking(Some(&unique_id(name)), &container(), TIMEOUT).expect("create");
    system.start_blocking(None, TIMEOUT).expect("start");
    system
}
