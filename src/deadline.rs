//! Time limits without a tokio timer per call.
//!
//! Registering a tokio timer for each attempt and cancelling it when the reply comes costs
//! little in instructions, but registering it wakes the runtime's driver (an `eventfd` write,
//! one system call per call): about 4% of a call at 64 in flight. Instead, a deadline is
//! rounded up to the next multiple of [`GRAIN`], and every attempt whose rounded deadline is
//! the same shares one tokio timer (a [`Bucket`]); thousands of calls a second then arm a
//! few hundred timers at most. Nothing is armed until the guarded future first has to wait.
//!
//! The price is the slack: an attempt ends at most [`GRAIN`] after its limit (plus tokio's
//! own 1 ms timer resolution and the time the runtime takes to poll the call), never before.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use tokio::runtime;
use tokio::time::{sleep_until, Instant, Sleep};

/// How far past its limit an attempt may run: deadlines are rounded up to a multiple of it.
pub(crate) const GRAIN: Duration = Duration::from_millis(10);

/// `future`'s output, or `None` once `deadline` has passed.
pub(crate) async fn before<F: Future>(deadline: &mut Deadline, future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        deadline.poll_passed(cx).map(|()| None)
    })
    .await
}

/// One attempt's deadline; it joins a shared [`Bucket`] the first time it has to wait.
pub(crate) struct Deadline {
    at: Instant,
    watch: Option<Watch>,
}

/// A deadline's place in its bucket: the bucket and the slot of its waker.
struct Watch {
    bucket: Arc<Bucket>,
    slot: usize,
}

impl Deadline {
    pub(crate) fn new(at: Instant) -> Self {
        Self { at, watch: None }
    }

    /// Ready once the bucket's timer has fired; otherwise `cx` is woken when it does.
    fn poll_passed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(watch) = &self.watch {
            watch.bucket.waiters().update(watch.slot, cx.waker());
            return watch.bucket.poll_fired();
        }
        let bucket = Bucket::for_deadline(self.at);
        let slot = bucket.waiters().insert(cx.waker().clone());
        self.watch
            .insert(Watch { bucket, slot })
            .bucket
            .poll_fired()
    }

    /// The instant the shared timer fires, once this deadline waits on one (for tests).
    #[cfg(test)]
    fn fires_at(&self) -> Option<Instant> {
        self.watch
            .as_ref()
            .map(|watch| lock(&watch.bucket.timer).deadline())
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let Some(watch) = &self.watch {
            watch.bucket.waiters().remove(watch.slot);
        }
    }
}

/// Deadlines that round to the same instant, and the one timer that ends them all.
struct Bucket {
    timer: Mutex<Pin<Box<Sleep>>>,
    /// What the timer wakes: it holds the bucket weakly, so the timer (inside the bucket)
    /// does not keep its own bucket alive.
    timer_waker: Waker,
    /// Set by the timer's wake: the next poll looks at the timer again.
    woken: AtomicBool,
    fired: AtomicBool,
    waiters: Mutex<Waiters>,
}

/// A bucket this thread made, by the runtime whose timer it uses and the tick it fires at.
type Recent = Option<(runtime::Id, u64, Arc<Bucket>)>;

thread_local! {
    /// The buckets this thread made most recently. They stay after their last deadline is
    /// done, so that calls one after another share one too; a runtime left idle wakes once
    /// for each when it fires.
    static RECENT: RefCell<[Recent; 4]> = const { RefCell::new([None, None, None, None]) };
}

impl Bucket {
    /// The bucket that fires at `at` rounded up to a multiple of [`GRAIN`], made on first use.
    fn for_deadline(at: Instant) -> Arc<Bucket> {
        let Some((tick, fires)) = tick_after(at).and_then(|t| Some((t, tick_at(t)?))) else {
            return Bucket::new(at); // off the grid (before its origin, centuries on)
        };
        // A timer belongs to the runtime that armed it: buckets are never shared across two.
        let runtime = runtime::Handle::current().id();
        let shared = RECENT.try_with(|recent| {
            let mut recent = recent.borrow_mut();
            let found = recent
                .iter()
                .flatten()
                .find(|(r, t, _)| *r == runtime && *t == tick);
            if let Some((_, _, bucket)) = found {
                return bucket.clone();
            }
            let bucket = Bucket::new(fires);
            recent.rotate_right(1);
            recent[0] = Some((runtime, tick, bucket.clone()));
            bucket
        });
        // Only while the thread's locals are torn down: a timer of its own.
        shared.unwrap_or_else(|_| Bucket::new(fires))
    }

    fn new(at: Instant) -> Arc<Self> {
        Arc::new_cyclic(|bucket| Self {
            timer: Mutex::new(Box::pin(sleep_until(at))),
            timer_waker: Waker::from(Arc::new(TimerWaker(bucket.clone()))),
            woken: AtomicBool::new(true),
            fired: AtomicBool::new(false),
            waiters: Mutex::new(Waiters::default()),
        })
    }

    /// Polls the timer when it has not been polled since it was armed or woke us; the timer's
    /// waker is the bucket's, so one registration serves every deadline in it.
    ///
    /// Whoever sees the timer ready wakes every waiter: one that joined after the timer's own
    /// wake would otherwise wait for a wake that already happened.
    fn poll_fired(&self) -> Poll<()> {
        if self.fired.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        if self.woken.swap(false, Ordering::AcqRel) {
            let mut cx = Context::from_waker(&self.timer_waker);
            let ready = lock(&self.timer).as_mut().poll(&mut cx).is_ready();
            if ready {
                self.fired.store(true, Ordering::Release);
                self.wake_waiters();
                return Poll::Ready(());
            }
        }
        Poll::Pending
    }

    fn wake_waiters(&self) {
        let wakers = self.waiters().take_all();
        for waker in wakers {
            waker.wake();
        }
    }

    fn waiters(&self) -> MutexGuard<'_, Waiters> {
        lock(&self.waiters)
    }
}

/// The timer's waker: marks the bucket for a fresh look at the timer and wakes its waiters.
struct TimerWaker(Weak<Bucket>);

impl Wake for TimerWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if let Some(bucket) = self.0.upgrade() {
            bucket.woken.store(true, Ordering::Release);
            bucket.wake_waiters();
        }
    }
}

/// Wakers by slot; a slot stays its deadline's until it is removed.
#[derive(Default)]
struct Waiters {
    slots: Vec<Option<Waker>>,
    free: Vec<usize>,
}

impl Waiters {
    fn insert(&mut self, waker: Waker) -> usize {
        match self.free.pop() {
            Some(slot) => {
                self.slots[slot] = Some(waker);
                slot
            }
            None => {
                self.slots.push(Some(waker));
                self.slots.len() - 1
            }
        }
    }

    fn update(&mut self, slot: usize, waker: &Waker) {
        match &mut self.slots[slot] {
            Some(kept) if kept.will_wake(waker) => {}
            kept => *kept = Some(waker.clone()),
        }
    }

    fn remove(&mut self, slot: usize) {
        self.slots[slot] = None;
        self.free.push(slot);
    }

    fn take_all(&mut self) -> Vec<Waker> {
        self.slots.iter_mut().filter_map(Option::take).collect()
    }
}

/// A lock that a panic elsewhere cannot poison for us: the data stays consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The instant the grid of buckets counts from: the first deadline the process sets.
fn origin() -> Instant {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

/// The first tick of the grid at or after `at`; `None` before the origin or too far on.
fn tick_after(at: Instant) -> Option<u64> {
    let since = at.checked_duration_since(origin())?;
    u64::try_from(since.as_nanos().div_ceil(GRAIN.as_nanos())).ok()
}

/// When the grid's tick `tick` falls.
fn tick_at(tick: u64) -> Option<Instant> {
    let nanos = u64::try_from(GRAIN.as_nanos()).ok()?.checked_mul(tick)?;
    origin().checked_add(Duration::from_nanos(nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending_until_dropped() -> std::future::Pending<()> {
        std::future::pending()
    }

    #[tokio::test]
    async fn a_deadline_fires_no_earlier_than_set_and_within_the_grain() {
        for limit_ms in [0, 1, 7, 10, 25, 1_000, 30_000] {
            let at = Instant::now() + Duration::from_millis(limit_ms);
            let mut deadline = Deadline::new(at);
            let waker = Waker::noop();
            let mut cx = Context::from_waker(waker);
            let poll = deadline.poll_passed(&mut cx);
            let fires = deadline.fires_at().expect("armed on the first wait");
            assert!(fires >= at, "{limit_ms} ms: fires before the limit");
            assert!(fires <= at + GRAIN, "{limit_ms} ms: fires past the slack");
            if limit_ms >= 1_000 {
                assert!(poll.is_pending());
            }
        }
    }

    #[tokio::test]
    async fn deadlines_in_one_grain_share_a_timer_and_others_do_not() {
        let base = Instant::now() + Duration::from_secs(30);
        let armed = |at| {
            let mut deadline = Deadline::new(at);
            let _ = deadline.poll_passed(&mut Context::from_waker(Waker::noop()));
            deadline
        };
        let start = tick_after(base).unwrap();
        let first = tick_at(start).unwrap() + Duration::from_micros(1);
        let a = armed(first);
        let b = armed(first + GRAIN / 2);
        let c = armed(first + GRAIN);
        let bucket = |d: &Deadline| Arc::as_ptr(&d.watch.as_ref().unwrap().bucket);
        assert_eq!(bucket(&a), bucket(&b));
        assert_ne!(bucket(&a), bucket(&c));
        let shared = bucket(&a);
        drop((a, b));
        let again = armed(first);
        assert_eq!(bucket(&again), shared, "kept for the calls that follow");
        assert!(again.watch.as_ref().unwrap().slot < 2, "slots are reused");
    }

    #[tokio::test]
    async fn before_ends_a_stalled_future_and_keeps_a_quick_one() {
        let mut deadline = Deadline::new(Instant::now() + Duration::from_millis(5));
        assert_eq!(before(&mut deadline, async { 7 }).await, Some(7));
        assert_eq!(before(&mut deadline, pending_until_dropped()).await, None);
        assert_eq!(
            before(&mut deadline, pending_until_dropped()).await,
            None,
            "a passed deadline stays passed"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_waiter_of_a_bucket_is_woken_across_threads() {
        let at = Instant::now() + Duration::from_millis(20);
        let waits: Vec<_> = (0..32)
            .map(|_| {
                tokio::spawn(async move {
                    let mut deadline = Deadline::new(at);
                    before(&mut deadline, pending_until_dropped()).await
                })
            })
            .collect();
        for wait in waits {
            assert_eq!(wait.await.unwrap(), None);
        }
    }

    #[test]
    fn a_bucket_is_never_shared_by_two_runtimes() {
        let at = std::time::Instant::now() + Duration::from_secs(30);
        let arm = || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut deadline = Deadline::new(at.into());
                let _ = deadline.poll_passed(&mut Context::from_waker(Waker::noop()));
                let bucket = deadline.watch.as_ref().unwrap().bucket.clone();
                (Arc::as_ptr(&bucket), bucket)
            })
        };
        let (first, kept) = arm();
        let (second, _) = arm();
        assert_ne!(first, second, "the first runtime's timer died with it");
        drop(kept);
    }
}
