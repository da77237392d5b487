//! The crate's fake Plaid (`plaid_item::testing`) on its own one-worker runtime (its own
//! thread), so the client under test keeps the other core; for `benches/overhead.rs`.
//! It accepts `plain.rs`'s credentials and serves one Item whose access token is
//! `plain::ACCESS_TOKEN`. Request recording is off unless asked for, so the fake's
//! bookkeeping per call is a map lookup and the reply's encoding.

use plaid_item::testing::{FakePlaid, NewItem, RecordedRequest};
use plaid_item::types::Products;

use crate::plain;

pub struct Background {
    fake: Option<FakePlaid>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Background {
    pub fn start(record: bool) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("fake-plaid")
            .enable_all()
            .build()
            .expect("a tokio runtime for the fake Plaid");
        let fake = runtime.block_on(
            FakePlaid::builder()
                .credentials(plain::CLIENT_ID, plain::SECRET)
                .record_requests(record)
                .start(),
        );
        // Shaped like the spec's /item/get example: a few products, a webhook.
        fake.link_item(
            NewItem::new()
                .products([
                    Products::Assets,
                    Products::Auth,
                    Products::Balance,
                    Products::Transactions,
                ])
                .webhook("https://www.genericwebhookurl.com/webhook")
                .access_token(plain::ACCESS_TOKEN),
        );
        Self {
            fake: Some(fake),
            runtime: Some(runtime),
        }
    }

    pub fn base_url(&self) -> String {
        self.fake.as_ref().expect("running").base_url()
    }

    /// Everything recorded so far, emptying the log.
    pub fn take_recorded(&self) -> Vec<RecordedRequest> {
        let fake = self.fake.as_ref().expect("running");
        let recorded = fake.requests();
        fake.clear_requests();
        recorded
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        // The fake's task must be aborted inside its runtime, before the runtime goes.
        if let (Some(fake), Some(runtime)) = (self.fake.take(), self.runtime.take()) {
            runtime.block_on(async move { drop(fake) });
            runtime.shutdown_background();
        }
    }
}
