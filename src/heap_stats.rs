//! Live heap bytes, for benchmarks and leak checks (the `heap-stats` feature only).
//!
//! In the WebAssembly build, a global allocator wraps the usual one and counts the bytes
//! currently allocated; `liveHeapBytes()` reads the count from JavaScript.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};

use talc::wasm::WasmDynamicTalc;

/// The allocator the counter wraps: the same as the release build's.
static TALC: WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The usual allocator, counting the bytes it has handed out and not yet taken back.
pub struct Counting;

// SAFETY: every call is passed unchanged to talc, which upholds the `GlobalAlloc` contract;
// the counter only observes sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { TALC.alloc(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { TALC.alloc_zeroed(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { TALC.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let new = unsafe { TALC.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE.fetch_add(new_size, Ordering::Relaxed);
        }
        new
    }
}

#[cfg(not(test))]
#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes allocated through [`Counting`] and not yet freed.
pub fn live_heap_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Bytes of the Rust heap currently allocated and not yet freed.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = liveHeapBytes)]
pub fn live_heap_bytes_js() -> f64 {
    live_heap_bytes() as f64
}
