//! How the client waits between retries: tokio's timer by default, or an injected [`Sleeper`]
//! (tests record the waits instead of spending them, and instead of reading them from logs).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A wait before a retry, as a future.
pub type Sleeping = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Waits for a duration; [`ClientBuilder::sleeper`](crate::ClientBuilder::sleeper) takes one.
pub trait Sleeper: Send + Sync + fmt::Debug {
    /// A future that completes after `wait` (or, for a test sleeper, whenever it chooses).
    fn sleep(&self, wait: Duration) -> Sleeping;
}

/// tokio's timer: the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, wait: Duration) -> Sleeping {
        Box::pin(tokio::time::sleep(wait))
    }
}
