//! What the standard library would provide to a WebAssembly build: an allocator and a panic
//! handler. The crate is `no_std` so the shipped `.wasm` carries neither std's panic machinery
//! nor the formatting code it pulls in.

/// The heap: talc, growing wasm memory as needed, unless the heap-stats build counts it.
#[cfg(not(feature = "heap-stats"))]
#[global_allocator]
static HEAP: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Nothing in `src/` can panic (clippy denies the ways in), so a panic is a bug: stop at once.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
