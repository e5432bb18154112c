//! Ten thousand polls of one watch leave the live Rust heap where it started.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

use basiq_jobs::core::watcher::{Action, WatchConfig, Watcher};

#[path = "support/json.rs"]
mod json;

#[path = "support/urls.rs"]
mod urls;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    /// Only the test's own thread is counted: the test harness allocates on its main thread
    /// while the test runs, more so on a busy machine.
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn counted() -> bool {
    COUNTED.try_with(Cell::get).unwrap_or(false)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counted() {
            LIVE.fetch_add(layout.size() as isize, Ordering::SeqCst);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counted() {
            LIVE.fetch_sub(layout.size() as isize, Ordering::SeqCst);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static A: Counting = Counting;

const RUNNING: &str = r#"{"type":"job","id":"j","steps":[{"title":"verify-credentials","status":"in-progress","result":null},{"title":"retrieve-accounts","status":"pending","result":null}],"links":{"self":"https://au-api.basiq.io/jobs/j"}}"#;
const MOVED: &str = r#"{"type":"job","id":"j","steps":[{"title":"verify-credentials","status":"success","result":{"type":"link","url":"/users/u/connections/c"}},{"title":"retrieve-accounts","status":"in-progress","result":null}],"links":{"self":"https://au-api.basiq.io/jobs/j"}}"#;

fn polls(w: &mut Watcher, now: &mut u64, n: usize) {
    for i in 0..n {
        loop {
            match w.poll(*now) {
                Action::Wait(ms) => *now += ms,
                Action::Fetch(r) => {
                    // Alternate answers so every poll makes events, and sometimes fails, too.
                    let (status, body) = match i % 7 {
                        6 => (503, "<html>busy</html>"),
                        k if k % 2 == 0 => (200, RUNNING),
                        _ => (200, MOVED),
                    };
                    w.handle_response(*now, r.id, json::response(status, body));
                    while w.poll_event().is_some() {}
                    break;
                }
                other => panic!("{other:?}"),
            }
        }
    }
}

#[test]
fn ten_thousand_polls_leave_the_heap_at_its_baseline() {
    let cfg = WatchConfig {
        job_url: "https://au-api.basiq.io/jobs/j".into(),
        has_token: true,
        urls: urls::whatwg(),
        timing: basiq_jobs::core::policy::Timing {
            timeout_ms: basiq_jobs::core::policy::MAX_OPTION_MS,
            ..Default::default()
        },
        ..Default::default()
    };
    COUNTED.with(|c| c.set(true));
    let mut w = Watcher::new(cfg, 0, 1).unwrap();
    let mut now = 0;
    polls(&mut w, &mut now, 14);
    let baseline = LIVE.load(Ordering::SeqCst);
    // 10,003 = 7 × 1,429: the answers cycle every 7 polls, so both counts are read in the same
    // phase of the cycle, holding the same kind of snapshot.
    polls(&mut w, &mut now, 10_003);
    let after = LIVE.load(Ordering::SeqCst);
    assert!(w.outcome().is_none(), "still watching");
    assert_eq!(
        after,
        baseline,
        "live heap grew by {} bytes over 10,003 polls",
        after - baseline
    );
}
