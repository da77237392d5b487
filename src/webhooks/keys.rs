//! The verification-key cache: what keeps a flood of forged webhooks from turning into a
//! flood of calls to Plaid or an ever-growing map.
//!
//! - **Single flight:** verifications waiting on the same unknown `kid` share one fetch (a
//!   `tokio::sync::OnceCell` per `kid` in flight; if the fetching task is dropped, a waiter
//!   takes over).
//! - **Negative cache:** a `kid` Plaid does not know is remembered for
//!   [`Limits::unknown_kid_ttl`], in at most [`Limits::max_unknown_kids`] entries.
//! - **Fetch rate limit:** a token bucket ([`Limits::fetch_burst`], one more per
//!   [`Limits::fetch_refill`]) gates every fetch; when empty the verification fails with
//!   [`WebhookError::KeyFetchThrottled`] without calling Plaid.
//! - **Bounded:** at most [`Limits::max_cached_keys`] keys (least recently used goes first).
//!
//! The mutex is never held across an `.await`.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use tokio::sync::OnceCell;

use super::clock::{elapsed, Clock};
use super::error::{shown, WebhookError};
use super::limits::Limits;

/// A key that can verify ES256: the uncompressed P-256 point and whether Plaid retired it.
pub(crate) struct VerifyingKey {
    pub kid: String,
    pub point: [u8; 65],
    pub expired_at: Option<i64>,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("point", &"<redacted>")
            .field("expired_at", &self.expired_at)
            .finish()
    }
}

/// What one fetch found; shared by every verification that waited for it.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    Key(Arc<VerifyingKey>),
    /// Plaid answered that it has no such key.
    NotFound,
    /// The bucket was empty: nothing was sent.
    Throttled,
    /// Plaid's key cannot verify ES256.
    Unusable(&'static str),
    /// The call failed (status, timeout, garbage...).
    Failed(Arc<crate::Error>),
}

struct CachedKey {
    key: Arc<VerifyingKey>,
    fetched: SystemTime,
    last_used: u64,
}

struct State {
    keys: HashMap<String, CachedKey>,
    /// `kid` -> when to forget that Plaid does not know it.
    unknown: HashMap<String, SystemTime>,
    in_flight: HashMap<String, Arc<OnceCell<Outcome>>>,
    tokens: f64,
    refilled: SystemTime,
    uses: u64,
}

pub(crate) struct KeyCache {
    limits: Limits,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("KeyCache")
            .field("keys", &state.keys.len())
            .field("unknown_kids", &state.unknown.len())
            .field("in_flight", &state.in_flight.len())
            .finish()
    }
}

impl KeyCache {
    pub(crate) fn new(limits: Limits, clock: Arc<dyn Clock>) -> Self {
        let now = clock.now();
        Self {
            state: Mutex::new(State {
                keys: HashMap::new(),
                unknown: HashMap::new(),
                in_flight: HashMap::new(),
                tokens: f64::from(limits.fetch_burst),
                refilled: now,
                uses: 0,
            }),
            limits,
            clock,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves maps that are still consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The key for `kid`, calling `fetch` only when it is neither cached nor known to be
    /// missing, no other fetch of it is under way, and the rate limit allows.
    pub(crate) async fn get<F, Fut>(
        &self,
        kid: &str,
        fetch: F,
    ) -> Result<Arc<VerifyingKey>, WebhookError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Outcome>,
    {
        let (cell, stale) = {
            let mut state = self.lock();
            let now = self.clock.now();
            state.uses += 1;
            let uses = state.uses;
            let mut stale = None;
            if let Some(cached) = state.keys.get_mut(kid) {
                cached.last_used = uses;
                if elapsed(cached.fetched, now) < self.limits.key_ttl {
                    return Ok(cached.key.clone());
                }
                stale = Some(cached.key.clone());
            }
            match state.unknown.get(kid) {
                Some(until) if now < *until => return Err(unknown(kid)),
                Some(_) => {
                    state.unknown.remove(kid);
                }
                None => {}
            }
            let cell = state
                .in_flight
                .entry(kid.to_owned())
                .or_insert_with(|| Arc::new(OnceCell::new()))
                .clone();
            (cell, stale)
        };
        let outcome = cell
            .get_or_init(|| async {
                if self.take_token() {
                    fetch().await
                } else {
                    Outcome::Throttled
                }
            })
            .await
            .clone();
        self.record(kid, &cell, &outcome);
        match outcome {
            Outcome::Key(key) => Ok(key),
            // A refresh that could not happen keeps the key we already trust.
            Outcome::Throttled | Outcome::Failed(_) if stale.is_some() => {
                Ok(stale.expect("checked"))
            }
            Outcome::Throttled => Err(WebhookError::KeyFetchThrottled),
            Outcome::Failed(e) => Err(WebhookError::KeyFetch(e)),
            Outcome::NotFound => Err(unknown(kid)),
            Outcome::Unusable(reason) => Err(WebhookError::UnusableKey(reason)),
        }
    }

    /// Moves a finished fetch into the caches, once (the first waiter to get here does it).
    fn record(&self, kid: &str, cell: &Arc<OnceCell<Outcome>>, outcome: &Outcome) {
        let mut state = self.lock();
        if !state
            .in_flight
            .get(kid)
            .is_some_and(|c| Arc::ptr_eq(c, cell))
        {
            return;
        }
        state.in_flight.remove(kid);
        let now = self.clock.now();
        match outcome {
            Outcome::Key(key) => {
                state.unknown.remove(kid);
                if !state.keys.contains_key(kid) && state.keys.len() >= self.limits.max_cached_keys
                {
                    if let Some(lru) = state
                        .keys
                        .iter()
                        .min_by_key(|(_, c)| c.last_used)
                        .map(|(k, _)| k.clone())
                    {
                        state.keys.remove(&lru);
                    }
                }
                if self.limits.max_cached_keys > 0 {
                    let last_used = state.uses;
                    state.keys.insert(
                        kid.to_owned(),
                        CachedKey {
                            key: key.clone(),
                            fetched: now,
                            last_used,
                        },
                    );
                }
            }
            Outcome::NotFound => {
                state.keys.remove(kid);
                if state.unknown.len() >= self.limits.max_unknown_kids {
                    state.unknown.retain(|_, until| now < *until);
                }
                if state.unknown.len() >= self.limits.max_unknown_kids {
                    if let Some(first) = state
                        .unknown
                        .iter()
                        .min_by_key(|(_, until)| **until)
                        .map(|(k, _)| k.clone())
                    {
                        state.unknown.remove(&first);
                    }
                }
                if self.limits.max_unknown_kids > 0 {
                    state
                        .unknown
                        .insert(kid.to_owned(), now + self.limits.unknown_kid_ttl);
                }
            }
            // Not cached: the next verification may try again, within the rate limit.
            Outcome::Throttled | Outcome::Failed(_) | Outcome::Unusable(_) => {}
        }
    }

    /// Takes one fetch from the token bucket, refilling it for the time that passed.
    fn take_token(&self) -> bool {
        let mut state = self.lock();
        let now = self.clock.now();
        let burst = f64::from(self.limits.fetch_burst);
        let refill = self.limits.fetch_refill.as_secs_f64();
        if refill > 0.0 {
            let gained = elapsed(state.refilled, now).as_secs_f64() / refill;
            state.tokens = (state.tokens + gained).min(burst);
        } else {
            state.tokens = burst;
        }
        state.refilled = now.max(state.refilled);
        if state.tokens >= 1.0 {
            state.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// (cached keys, remembered unknown kids, fetches in flight), for tests.
    #[cfg(test)]
    fn sizes(&self) -> (usize, usize, usize) {
        let s = self.lock();
        (s.keys.len(), s.unknown.len(), s.in_flight.len())
    }
}

fn unknown(kid: &str) -> WebhookError {
    WebhookError::UnknownKey { kid: shown(kid) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    use std::time::{Duration, UNIX_EPOCH};

    /// A clock tests move by hand.
    #[derive(Default)]
    struct ManualClock(AtomicU64);
    impl Clock for ManualClock {
        fn now(&self) -> SystemTime {
            UNIX_EPOCH + Duration::from_secs(1_700_000_000 + self.0.load(Ordering::SeqCst))
        }
    }
    impl ManualClock {
        fn advance(&self, secs: u64) {
            self.0.fetch_add(secs, Ordering::SeqCst);
        }
    }

    fn key(kid: &str) -> Outcome {
        Outcome::Key(Arc::new(VerifyingKey {
            kid: kid.into(),
            point: [4; 65],
            expired_at: None,
        }))
    }

    fn cache(limits: Limits) -> (KeyCache, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::default());
        (KeyCache::new(limits, clock.clone()), clock)
    }

    #[tokio::test]
    async fn a_cached_key_is_not_fetched_again_until_its_ttl() {
        let (cache, clock) = cache(Limits::default());
        let fetches = AtomicUsize::new(0);
        let fetch = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            key("k")
        };
        for _ in 0..5 {
            cache.get("k", fetch).await.unwrap();
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        clock.advance(Limits::default().key_ttl.as_secs());
        cache.get("k", fetch).await.unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn unknown_kids_are_remembered_until_their_ttl_and_bounded() {
        let limits = Limits {
            max_unknown_kids: 4,
            fetch_burst: 100,
            ..Limits::default()
        };
        let (cache, clock) = cache(limits);
        let fetches = AtomicUsize::new(0);
        let fetch = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            Outcome::NotFound
        };
        for _ in 0..3 {
            let e = cache.get("nope", fetch).await.unwrap_err();
            assert!(matches!(e, WebhookError::UnknownKey { .. }), "{e:?}");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        clock.advance(limits.unknown_kid_ttl.as_secs());
        cache.get("nope", fetch).await.unwrap_err();
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
        for i in 0..50 {
            cache.get(&format!("random-{i}"), fetch).await.unwrap_err();
        }
        assert_eq!(cache.sizes(), (0, 4, 0));
    }

    #[tokio::test]
    async fn the_bucket_bounds_fetches_and_refills_with_time() {
        let limits = Limits {
            fetch_burst: 3,
            fetch_refill: Duration::from_secs(10),
            ..Limits::default()
        };
        let (cache, clock) = cache(limits);
        let fetches = AtomicUsize::new(0);
        let fetch = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            Outcome::NotFound
        };
        let mut throttled = 0;
        for i in 0..100 {
            if let Err(WebhookError::KeyFetchThrottled) = cache.get(&format!("r{i}"), fetch).await {
                throttled += 1;
            }
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 3);
        assert_eq!(throttled, 97);
        clock.advance(25);
        for i in 100..200 {
            let _ = cache.get(&format!("r{i}"), fetch).await;
        }
        assert_eq!(
            fetches.load(Ordering::SeqCst),
            5,
            "2 tokens regained in 25 s"
        );
    }

    #[tokio::test]
    async fn concurrent_lookups_of_one_kid_share_one_fetch() {
        let (cache, _) = cache(Limits::default());
        let fetches = AtomicUsize::new(0);
        let gate = tokio::sync::Notify::new();
        let fetch = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            gate.notified().await;
            key("k")
        };
        let lookups = futures_join_all((0..20).map(|_| cache.get("k", fetch)));
        let release = async {
            tokio::task::yield_now().await;
            gate.notify_one();
        };
        let (results, ()) = tokio::join!(lookups, release);
        assert!(results.iter().all(Result::is_ok));
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert_eq!(cache.sizes(), (1, 0, 0));
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_the_known_key() {
        let (cache, clock) = cache(Limits::default());
        cache.get("k", || async { key("k") }).await.unwrap();
        clock.advance(Limits::default().key_ttl.as_secs() + 1);
        let kept = cache
            .get("k", || async { Outcome::Throttled })
            .await
            .unwrap();
        assert_eq!(kept.kid, "k");
        // But Plaid saying it no longer knows the key drops it.
        let gone = cache.get("k", || async { Outcome::NotFound }).await;
        assert!(matches!(gone, Err(WebhookError::UnknownKey { .. })));
        assert_eq!(cache.sizes(), (0, 1, 0));
    }

    #[tokio::test]
    async fn the_key_cache_is_bounded_least_recently_used_first() {
        let limits = Limits {
            max_cached_keys: 2,
            ..Limits::default()
        };
        let (cache, _) = cache(limits);
        cache.get("a", || async { key("a") }).await.unwrap();
        cache.get("b", || async { key("b") }).await.unwrap();
        cache.get("a", || async { key("a") }).await.unwrap();
        cache.get("c", || async { key("c") }).await.unwrap();
        assert_eq!(cache.sizes().0, 2);
        // "b" was least recently used, so it went; "a" is still cached.
        let refetched = AtomicUsize::new(0);
        for kid in ["a", "b"] {
            cache
                .get(kid, || async {
                    refetched.fetch_add(1, Ordering::SeqCst);
                    key(kid)
                })
                .await
                .unwrap();
        }
        assert_eq!(refetched.load(Ordering::SeqCst), 1);
    }

    /// `join_all` without the futures crate: poll every future to completion together.
    async fn futures_join_all<F: Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
        let mut set: Vec<_> = futures.map(Box::pin).collect();
        let mut out: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (f, slot) in set.iter_mut().zip(out.iter_mut()) {
                if slot.is_none() {
                    match f.as_mut().poll(cx) {
                        std::task::Poll::Ready(v) => *slot = Some(v),
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        out.into_iter().map(|o| o.expect("all ready")).collect()
    }
}
