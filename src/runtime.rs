//! What the standard library would provide to a WebAssembly build: an allocator and a panic
//! handler. The crate is `no_std` so the shipped `.wasm` carries neither std's panic machinery
//! nor the formatting code it pulls in.

/// The heap: dlmalloc, as std uses on this target, unless the heap-stats build counts it.
#[cfg(not(feature = "heap-stats"))]
#[global_allocator]
static HEAP: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

/// Nothing in `src/` can panic (clippy denies the ways in), so a panic is a bug: stop at once.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
