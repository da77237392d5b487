//! A stateful fake Plaid for tests (feature `test-util`): real HTTP on an ephemeral loopback
//! port, Items that follow Plaid's documented rules, webhooks signed as Plaid signs them, and
//! faults on cue.
//!
//! ```
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use plaid_item::testing::{FakePlaid, NewItem};
//!
//! let fake = FakePlaid::start().await;
//! let client = fake.client();
//! let created = fake.create_item(NewItem::new().webhook("http://127.0.0.1:9/hook"));
//! let exchanged = client
//!     .item_public_token_exchange()
//!     .public_token(created.public_token)
//!     .send()
//!     .await?;
//! assert_eq!(exchanged.item_id, created.item_id);
//! # Ok(())
//! # }
//! ```
//!
//! What it checks, as Plaid does (errors reference, the spec's endpoint descriptions):
//! - an `application/json` content type and a JSON object body, else INVALID_BODY;
//! - credentials from the headers or the body (MISSING_FIELDS, INVALID_API_KEYS); a request
//!   without `Plaid-Version` is served with the default version, as Plaid serves it with the
//!   account's;
//! - the body against the operation's generated request model (MISSING_FIELDS,
//!   INVALID_FIELD, UNKNOWN_FIELDS);
//! - tokens: a public token is single-use and lives 30 minutes on [`FakeClock`]; a rotated
//!   or removed access token fails with INVALID_ACCESS_TOKEN at once;
//! - `/sandbox/item/fire_webhook`: SANDBOX_WEBHOOK_INVALID without a webhook URL,
//!   SANDBOX_PRODUCT_NOT_ENABLED for a code whose product the Item lacks;
//! - `/item/application/scopes/update`: `state` is required in the `ENROLLMENT` context
//!   (MISSING_FIELDS);
//! - a PlaidError carries `status` inside webhooks only, not in a reply.
//!
//! Where it differs from Plaid, on purpose:
//! - a `Plaid-Version` other than the spec's is refused (INVALID_HEADERS): the fake serves one
//!   version, and a test that names another expects answers the fake cannot give;
//! - request bodies over 1 MiB are refused as INVALID_BODY (Plaid documents no limit);
//! - a method other than POST, or an unknown path, is a 404 NOT_FOUND in Plaid's error shape
//!   (Plaid documents neither);
//! - `PRODUCT_READY` and `ERROR` fired from the sandbox are Assets webhooks that name the Item,
//!   as no Asset Report exists;
//! - error messages are the fake's own, with Plaid's status, `error_type` and `error_code`.
//!
//! What it does not model: products' own data (transactions, balances), rate limits, Link.

mod clock;
mod errors;
mod items;
mod operations;
mod record;
mod rules;
mod server;
mod signing;
mod validation;
mod webhooks;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;

pub use clock::FakeClock;
pub use items::{CreatedItem, LinkedItem, NewItem};
pub use operations::OPERATIONS;
pub use record::RecordedRequest;
pub use rules::{Fault, RuleBuilder, RuleHandle};
pub use webhooks::{Delivery, SentWebhook};

use crate::retry::RetryPolicy;
use crate::types::{Activity, ConnectedApplication, Item, PlaidError};
use crate::{Client, ClientBuilder};
use items::State;
use rules::Rules;
use signing::Signer;
use validation::Expected;

/// State shared by the server's connections and the test's handle.
pub(crate) struct Shared {
    pub(crate) expected: Expected,
    pub(crate) clock: FakeClock,
    pub(crate) state: Mutex<State>,
    pub(crate) rules: Rules,
    /// `None` when recording is off (benchmarks).
    pub(crate) requests: Option<Mutex<Vec<RecordedRequest>>>,
    pub(crate) outbox: webhooks::Outbox,
}

/// Configures a [`FakePlaid`] before it starts.
#[derive(Debug, Clone)]
pub struct FakePlaidBuilder {
    client_id: String,
    secret: String,
    record_requests: bool,
    deliver_anywhere: bool,
    addr: SocketAddr,
}

impl Default for FakePlaidBuilder {
    fn default() -> Self {
        Self {
            client_id: format!("fake-client-{}", items::random_id(12)),
            secret: format!("fake-secret-{}", items::random_id(24)),
            record_requests: true,
            deliver_anywhere: false,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }
}

impl FakePlaidBuilder {
    /// The `client_id` and `secret` the fake accepts (random ones by default).
    pub fn credentials(mut self, client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = client_id.into();
        self.secret = secret.into();
        self
    }

    /// Keep every request for [`FakePlaid::requests`] (on by default; benchmarks turn it off).
    pub fn record_requests(mut self, record: bool) -> Self {
        self.record_requests = record;
        self
    }

    /// POST webhooks to any host, not only loopback ones.
    pub fn deliver_webhooks_anywhere(mut self, anywhere: bool) -> Self {
        self.deliver_anywhere = anywhere;
        self
    }

    /// Listen here instead of `127.0.0.1:0` (an ephemeral port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn try_start(self) -> std::io::Result<FakePlaid> {
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let clock = FakeClock::default();
        let signer = Signer::generate(
            format!("fake-key-{}", items::random_id(12)),
            clock.now().timestamp(),
        );
        let shared = Arc::new(Shared {
            expected: Expected {
                client_id: self.client_id,
                secret: self.secret,
                version: crate::client::plaid_version().to_string(),
            },
            clock: clock.clone(),
            state: Mutex::new(State::default()),
            rules: Rules::default(),
            requests: self.record_requests.then(|| Mutex::new(Vec::new())),
            outbox: webhooks::Outbox::new(
                signer,
                clock,
                self.deliver_anywhere,
                tokio::runtime::Handle::current(),
            ),
        });
        let task = tokio::spawn(server::serve(listener, shared.clone()));
        Ok(FakePlaid { addr, shared, task })
    }

    /// Like [`try_start`](Self::try_start).
    ///
    /// # Panics
    /// When the address cannot be bound (for the default loopback port 0, only when the
    /// machine has no loopback interface).
    pub async fn start(self) -> FakePlaid {
        self.try_start()
            .await
            .expect("the fake Plaid binds its address")
    }
}

/// A running fake Plaid. Dropping it stops the server and closes its connections.
pub struct FakePlaid {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakePlaid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakePlaid")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for FakePlaid {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakePlaid {
    /// A fake with random credentials on an ephemeral loopback port.
    pub async fn start() -> FakePlaid {
        Self::builder().start().await
    }

    /// Starts configuring a fake.
    pub fn builder() -> FakePlaidBuilder {
        FakePlaidBuilder::default()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The loopback address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The client id it accepts.
    pub fn client_id(&self) -> &str {
        &self.shared.expected.client_id
    }

    /// The secret the fake accepts (not a real credential).
    pub fn secret(&self) -> &str {
        &self.shared.expected.secret
    }

    /// A client builder for the fake, with its credentials, for further settings.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.base_url())
            .credentials(self.client_id(), self.secret())
    }

    /// A client for the fake with retries off, so a test sees each attempt's outcome; use
    /// [`client_builder`](Self::client_builder) to test retries.
    pub fn client(&self) -> Client {
        self.client_builder()
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("a client for a loopback URL builds")
    }

    /// The fake's clock: advance it to expire public tokens or age webhooks; hand a clone to
    /// `WebhookVerifier::with_clock` so the verifier's time follows.
    pub fn clock(&self) -> &FakeClock {
        &self.shared.clock
    }

    /// Adds an Item as Link would and returns its (single-use) public token.
    pub fn create_item(&self, new: NewItem) -> CreatedItem {
        let mut state = self.shared.state.lock().unwrap();
        let (item_id, account_ids) = state.insert_item(new);
        let public_token = state.issue_public_token(&item_id, self.shared.clock.now());
        CreatedItem {
            item_id,
            public_token,
            account_ids,
        }
    }

    /// Adds an Item and exchanges its public token in-process, for tests that start from an
    /// access token.
    pub fn link_item(&self, new: NewItem) -> LinkedItem {
        let created = self.create_item(new);
        let mut state = self.shared.state.lock().unwrap();
        let (item_id, access_token) = state
            .exchange(&created.public_token, self.shared.clock.now())
            .expect("a fresh public token exchanges");
        LinkedItem {
            item_id,
            access_token,
            account_ids: created.account_ids,
        }
    }

    /// The Item as `item_get` would return it; `None` once removed.
    pub fn item(&self, item_id: &str) -> Option<Item> {
        let state = self.shared.state.lock().unwrap();
        state.item(item_id).map(|s| s.item.clone())
    }

    /// The verification status last set for an account, e.g. `"automatically_verified"`.
    pub fn verification_status(&self, item_id: &str, account_id: &str) -> Option<String> {
        let state = self.shared.state.lock().unwrap();
        state
            .item(item_id)?
            .accounts
            .iter()
            .find(|a| a.account_id == account_id)?
            .verification_status
            .clone()
    }

    /// Connects an application to the Item (for `item_application_list`). False when there
    /// is no such Item.
    pub fn seed_application(&self, item_id: &str, application: ConnectedApplication) -> bool {
        self.with_item(item_id, |stored| stored.applications.push(application))
    }

    /// Records a consent event on the Item (for `item_activity_list`). False when there is no
    /// such Item.
    pub fn seed_activity(&self, item_id: &str, activity: Activity) -> bool {
        self.with_item(item_id, |stored| stored.activities.push(activity))
    }

    /// Puts the Item in an error state, as `item_get` will show it, without a webhook.
    pub fn set_item_error(&self, item_id: &str, error: Option<PlaidError>) -> bool {
        self.with_item(item_id, |stored| stored.item.error = error)
    }

    /// What the user finishing Link's update mode does: clears the Item's error and sends the
    /// ITEM `LOGIN_REPAIRED` webhook. False when there is no such Item.
    pub fn repair_login(&self, item_id: &str) -> bool {
        let shared = &self.shared;
        self.with_item(item_id, |stored| {
            stored.item.error = None;
            let body = webhooks::item_payload("LOGIN_REPAIRED", item_id, serde_json::json!({}));
            operations::notify(shared, stored, body);
        })
    }

    fn with_item(&self, item_id: &str, f: impl FnOnce(&mut items::StoredItem)) -> bool {
        let mut state = self.shared.state.lock().unwrap();
        match state.item_mut(item_id) {
            Some(stored) => {
                f(stored);
                true
            }
            None => false,
        }
    }

    /// Starts a fault rule for one operation (`"item_get"`; see [`OPERATIONS`]).
    ///
    /// # Panics
    /// When the fake has no such operation: a typo would otherwise make a rule that never
    /// fires.
    pub fn on(&self, operation: &str) -> RuleBuilder<'_> {
        let operation = OPERATIONS
            .iter()
            .map(|(_, op)| *op)
            .find(|op| *op == operation)
            .unwrap_or_else(|| panic!("the fake has no operation {operation:?}"));
        RuleBuilder {
            rules: &self.shared.rules,
            operation: Some(operation),
            times: 1,
        }
    }

    /// Starts a fault rule for every operation (and unknown paths).
    pub fn on_any(&self) -> RuleBuilder<'_> {
        RuleBuilder {
            rules: &self.shared.rules,
            operation: None,
            times: 1,
        }
    }

    /// Removes every fault rule.
    pub fn clear_rules(&self) {
        self.shared.rules.clear();
    }

    /// Every request received so far, oldest first (empty when recording is off).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        match &self.shared.requests {
            Some(r) => r.lock().unwrap().clone(),
            None => Vec::new(),
        }
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        if let Some(r) = &self.shared.requests {
            r.lock().unwrap().clear();
        }
    }

    /// Every webhook sent so far, oldest first, whether or not HTTP delivery succeeded.
    pub fn webhooks(&self) -> Vec<SentWebhook> {
        self.shared.outbox.sent()
    }

    /// The `kid` of the key that signs the fake's webhooks.
    pub fn webhook_key_id(&self) -> &str {
        self.shared.outbox.signer.kid()
    }
}
