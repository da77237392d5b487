//! What a held error keeps alive: at most `KEPT_BODY_BYTES` of the body, never the whole
//! reply buffer. Measured with an allocator that counts, per thread, the bytes allocated
//! and not yet freed; the call runs on this test's single-threaded runtime and the server on
//! a plain thread, so the count is this call's alone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Read, Write};
use std::net::TcpListener;

use plaid_item::error::KEPT_BODY_BYTES;
use plaid_item::RetryPolicy;

use super::{client, item_get, reply};

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    let _ = LIVE.try_with(|live| live.set(live.get() + delta));
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counting touches
// only a const-initialised thread-local Cell, which never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn live_bytes() -> isize {
    LIVE.with(Cell::get)
}

/// A blocking server on its own thread answering every connection with `bytes`.
fn serve_on_a_thread(bytes: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 64 * 1024];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(&bytes);
        }
    });
    url
}

#[tokio::test(flavor = "current_thread")]
async fn held_errors_keep_a_bounded_copy_of_big_bodies() {
    // A 3.5 MB error reply: a PlaidError whose message is nearly all of it.
    let message = "x".repeat(3_500_000);
    let body = format!(
        r#"{{"error_type": "API_ERROR", "error_code": "INTERNAL_SERVER_ERROR", "error_message": "{message}", "display_message": null, "request_id": "big-1"}}"#
    );
    let url = serve_on_a_thread(reply("500 Internal Server Error", &[], body.as_bytes()));
    drop((message, body));
    let client = client(&url, RetryPolicy::disabled());
    item_get(&client).await.unwrap_err(); // warm up: pools, lazies, TLS provider
    const HELD: usize = 8;
    let before = live_bytes();
    let mut held = Vec::new();
    for _ in 0..HELD {
        let err = item_get(&client).await.unwrap_err();
        let kept = err.raw_body().expect("a status error keeps its body");
        assert_eq!(kept.as_bytes().len(), KEPT_BODY_BYTES);
        assert!(kept.is_truncated());
        assert_eq!(err.request_id(), Some("big-1"), "found in the full body");
        held.push(err);
    }
    let retained = live_bytes() - before;
    // Each held error: the kept copy plus small change. A slice of the reply buffer (4 MiB)
    // or a parsed 3.5 MB message would be ~30 times this.
    let bound = (HELD * (KEPT_BODY_BYTES + 16 * 1024) + 512 * 1024) as isize;
    assert!(
        retained < bound,
        "{HELD} held errors retain {retained} bytes (bound {bound})"
    );
    drop(held);
}
