//! Per-client call settings: what every call of one client shares (credentials, time limits,
//! the body limit, the retry policy, the sleeper). progenitor stores them as the generated
//! `Client`'s inner value; the transport reads them on each call.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::retry::RetryPolicy;
use crate::secret::{redacted, Secret};

/// Time limits for one call; [`ClientBuilder::timeouts`](crate::ClientBuilder::timeouts)
/// takes them (or set each with `connect_timeout` and its neighbours).
///
/// The attempt and overall limits end a call at most 10 ms after they pass, never before:
/// deadlines are rounded up to 10 ms so that calls can share a timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    connect: Duration,
    attempt: Duration,
    overall: Duration,
}

impl Default for Timeouts {
    /// 10 s to connect, 30 s an attempt, 60 s in all: Item endpoints answer in well under a
    /// second, so these only end calls that are stuck.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            attempt: Duration::from_secs(30),
            overall: Duration::from_secs(60),
        }
    }
}

impl Timeouts {
    /// Opening the connection (TCP and TLS).
    pub fn with_connect(mut self, limit: Duration) -> Self {
        self.connect = limit;
        self
    }

    /// One attempt: sending the request and reading the whole reply.
    pub fn with_attempt(mut self, limit: Duration) -> Self {
        self.attempt = limit;
        self
    }

    /// The whole call, retries and waits included.
    pub fn with_overall(mut self, limit: Duration) -> Self {
        self.overall = limit;
        self
    }

    /// Opening the connection (TCP and TLS).
    pub fn connect(&self) -> Duration {
        self.connect
    }

    /// One attempt: sending the request and reading the whole reply.
    pub fn attempt(&self) -> Duration {
        self.attempt
    }

    /// The whole call, retries and waits included.
    pub fn overall(&self) -> Duration {
        self.overall
    }
}

/// The three headers Plaid requires on every request.
#[derive(Clone)]
pub(crate) struct Auth {
    client_id: HeaderValue,
    secret: HeaderValue,
    version: HeaderValue,
}

impl Auth {
    pub(crate) fn new(client_id: &str, secret: &Secret, version: &str) -> Result<Self, String> {
        let mut client_id = HeaderValue::from_str(client_id)
            .map_err(|_| "the client id contains characters not allowed in a header".to_string())?;
        let mut secret = HeaderValue::from_str(secret.expose_secret())
            .map_err(|_| "the secret contains characters not allowed in a header".to_string())?;
        client_id.set_sensitive(true);
        secret.set_sensitive(true);
        let version =
            HeaderValue::from_str(version).map_err(|_| "bad Plaid-Version".to_string())?;
        Ok(Self {
            client_id,
            secret,
            version,
        })
    }

    /// The headers as the reqwest client's defaults: set once per client, not per call.
    pub(crate) fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::with_capacity(3);
        headers.insert(
            HeaderName::from_static("plaid-client-id"),
            self.client_id.clone(),
        );
        headers.insert(HeaderName::from_static("plaid-secret"), self.secret.clone());
        headers.insert(
            HeaderName::from_static("plaid-version"),
            self.version.clone(),
        );
        headers
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("client_id", redacted(Some(&self.client_id)))
            .field("secret", redacted(Some(&self.secret)))
            .field("version", &self.version)
            .finish()
    }
}

/// The generated client's inner value: its per-client call settings. Cheap to clone.
#[derive(Clone, Debug)]
pub struct CallSettings(pub(crate) Arc<Settings>);

pub(crate) struct Settings {
    /// Sent as the reqwest client's default headers; kept here for `Debug` (redacted).
    pub(crate) auth: Auth,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) interceptors: crate::intercept::Interceptors,
    pub(crate) sleeper: Arc<dyn crate::sleep::Sleeper>,
    /// The base URL as [`Client::base_url`](crate::Client::base_url) shows it.
    pub(crate) shown_base_url: String,
    /// The base URL parsed, for each request's URL.
    pub(crate) base_url: crate::request_url::BaseUrl,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("auth", &self.auth)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("interceptors", &self.interceptors)
            .field("sleeper", &self.sleeper)
            .field("base_url", &self.shown_base_url)
            .finish()
    }
}
