//! Building a client: from code with [`ClientBuilder`], or from the environment.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::environment::{redact_userinfo, Environment, UnknownEnvironment};
use crate::intercept::{Intercept, Interceptors};
use crate::retry::RetryPolicy;
use crate::secret::{redacted, Secret};
use crate::settings::{Auth, CallSettings, Settings, Timeouts};
use crate::sleep::{Sleeper, TokioSleeper};
use crate::Client;

/// The largest reply body read by default: Item replies are a few KiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// Why a client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// An environment variable the client needs is not set (or is empty).
    MissingVariable(&'static str),
    /// An environment variable is set to something unusable.
    InvalidVariable {
        /// The variable.
        name: &'static str,
        /// What is wrong with its value.
        reason: String,
    },
    /// `credentials` was never called.
    MissingCredentials,
    /// The base URL is not a valid absolute URL.
    InvalidUrl {
        /// The URL, a `user:password@` in it redacted.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Plain HTTP to a host that is not loopback, without `allow_insecure_http`.
    InsecureUrl(String),
    /// A credential cannot be sent as an HTTP header.
    InvalidCredentials(String),
    /// reqwest could not build its client (TLS set-up, say).
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingVariable(name) => {
                write!(f, "environment variable {name} is not set")
            }
            ConfigError::InvalidVariable { name, reason } => {
                write!(f, "environment variable {name} is invalid: {reason}")
            }
            ConfigError::MissingCredentials => {
                write!(
                    f,
                    "no credentials: call ClientBuilder::credentials(client_id, secret)"
                )
            }
            ConfigError::InvalidUrl { url, reason } => {
                write!(f, "invalid base URL {url:?}: {reason}")
            }
            ConfigError::InsecureUrl(url) => write!(
                f,
                "refusing plain HTTP to {url:?}: credentials would cross the network unencrypted \
                 (use https, a loopback address, or ClientBuilder::allow_insecure_http)"
            ),
            ConfigError::InvalidCredentials(reason) => write!(f, "invalid credentials: {reason}"),
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Configures a [`Client`]. Every setting has a safe default except the credentials.
#[derive(Clone)]
pub struct ClientBuilder {
    environment: Environment,
    client_id: Option<String>,
    secret: Option<Secret>,
    timeouts: Timeouts,
    retry: RetryPolicy,
    max_response_bytes: usize,
    allow_insecure_http: bool,
    sleeper: Arc<dyn Sleeper>,
    configure_http: Option<ConfigureHttp>,
    interceptors: Interceptors,
}

/// A caller's settings for the SDK's own reqwest client; see [`ClientBuilder::configure_http`].
type ConfigureHttp = Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

/// The client id is redacted like the secret, by the same rule as the built client's `Auth`.
impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("client_id", redacted(self.client_id.as_ref()))
            .field("secret", redacted(self.secret.as_ref()))
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("sleeper", &self.sleeper)
            .field(
                "configure_http",
                &self.configure_http.as_ref().map(|_| "set"),
            )
            .field("interceptors", &self.interceptors)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            environment: Environment::Sandbox,
            client_id: None,
            secret: None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::standard(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            sleeper: Arc::new(TokioSleeper),
            configure_http: None,
            interceptors: Interceptors::default(),
        }
    }
}

impl ClientBuilder {
    /// Sandbox by default.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Send requests to this URL instead of a Plaid environment (a mock or a proxy).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.environment = Environment::Custom(url.into());
        self
    }

    /// Your Plaid `client_id` and the secret for the chosen environment.
    pub fn credentials(mut self, client_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        self.client_id = Some(client_id.into());
        self.secret = Some(secret.into());
        self
    }

    /// Give up opening a connection after this long.
    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.timeouts = self.timeouts.with_connect(limit);
        self
    }

    /// Give up one attempt (send and read the whole reply) after this long.
    pub fn attempt_timeout(mut self, limit: Duration) -> Self {
        self.timeouts = self.timeouts.with_attempt(limit);
        self
    }

    /// Give up the whole call, retries and waits included, after this long.
    pub fn overall_timeout(mut self, limit: Duration) -> Self {
        self.timeouts = self.timeouts.with_overall(limit);
        self
    }

    /// All three time limits at once.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// How the client waits between retries (tokio's timer by default). A test can pass one
    /// that records each wait and returns at once.
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// How failed calls are retried; [`RetryPolicy::disabled`] turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Refuse reply bodies larger than this instead of buffering them.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Allow plain `http://` to hosts other than loopback. Credentials travel unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Adds a hook into every attempt ([`crate::intercept`]): extra headers before sending,
    /// metrics or an audit log after. Interceptors run in the order added.
    ///
    /// ```
    /// use plaid_item::intercept::{CallMetrics, StaticHeader};
    /// use reqwest::header::{HeaderName, HeaderValue};
    ///
    /// let metrics = CallMetrics::new();
    /// let client = plaid_item::Client::builder()
    ///     .credentials("client-id", "secret")
    ///     .interceptor(StaticHeader::new(
    ///         HeaderName::from_static("x-correlation-id"),
    ///         HeaderValue::from_static("checkout-7"),
    ///     ))
    ///     .interceptor(metrics.clone())
    ///     .build()
    ///     .unwrap();
    /// ```
    pub fn interceptor(mut self, interceptor: impl Intercept + 'static) -> Self {
        self.interceptors.0.push(Arc::new(interceptor));
        self
    }

    /// Tunes the reqwest client the SDK builds: a local address to bind, a DNS resolver, extra
    /// root certificates for a TLS-inspecting egress proxy, HTTP/2 settings, pool sizes.
    ///
    /// The SDK applies its own settings after `configure`, so these hold whatever it sets:
    /// no redirects (a redirect would carry the credentials elsewhere), no `Referer`, no
    /// resends outside the retry policy, certificate and host name checks on, no proxy for a
    /// plain-http base URL, the connect limit, the auth headers and the user agent (other
    /// default headers are kept).
    ///
    /// ```
    /// use std::net::{IpAddr, Ipv4Addr};
    ///
    /// let client = plaid_item::Client::builder()
    ///     .credentials("client-id", "secret")
    ///     .configure_http(|http| http.local_address(IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
    ///     .build()
    ///     .unwrap();
    /// ```
    pub fn configure_http(
        mut self,
        configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.configure_http = Some(Arc::new(configure));
        self
    }

    /// Checks the settings and builds the client; nothing is sent.
    pub fn build(self) -> Result<Client, ConfigError> {
        let base_url = self.environment.base_url().to_string();
        let https = check_url(&base_url, self.allow_insecure_http)?;
        let (Some(client_id), Some(secret)) = (self.client_id, self.secret) else {
            return Err(ConfigError::MissingCredentials);
        };
        let auth = Auth::new(&client_id, &secret, plaid_version())
            .map_err(ConfigError::InvalidCredentials)?;
        crate::tls::install_default_provider();
        let mut http = reqwest::Client::builder();
        if let Some(configure) = &self.configure_http {
            http = configure(http);
        }
        let mut http = http
            .tls_danger_accept_invalid_certs(false)
            .tls_danger_accept_invalid_hostnames(false)
            .connect_timeout(self.timeouts.connect())
            .user_agent(concat!("plaid-item-rust/", env!("CARGO_PKG_VERSION")))
            // Sensitive values: hyper never HPACK-indexes them and Debug hides them.
            .default_headers(auth.headers())
            // Plaid never redirects. Following one would resend PLAID-CLIENT-ID and
            // PLAID-SECRET (reqwest strips only its own auth headers) and, for 307/308, the
            // body with its tokens, to whatever origin the reply names; a 3xx becomes
            // `ErrorKind::Redirect` instead.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            // reqwest resends on its own, twice and at once, what an HTTP/2 server refused
            // unprocessed; the retry policy is the one home of retries, so it decides (these
            // are "never sent": safe for writes too) and `attempts()` counts them.
            .retry(reqwest::retry::never());
        if !https {
            // Proxies from HTTP_PROXY/ALL_PROXY are honoured for https, where the proxy only
            // tunnels TLS it cannot read. Over plain http a proxy would receive the
            // credentials in clear text, so plain http always goes direct.
            http = http.no_proxy();
            // Nor does it ever speak TLS (no proxy, no redirects): the system's root
            // certificates, about 1.3 MiB once parsed, are not loaded.
            http = http.tls_certs_only([]);
        }
        let http = http.build().map_err(ConfigError::Http)?;
        let settings = CallSettings(Arc::new(Settings {
            auth,
            timeouts: self.timeouts,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
            interceptors: self.interceptors,
            sleeper: self.sleeper,
            shown_base_url: redact_userinfo(&base_url).into_owned(),
            base_url: crate::request_url::BaseUrl::new(&base_url),
        }));
        Ok(Client::new_with_client(&base_url, http, settings))
    }
}

/// `Plaid-Version`: the date part of the spec's `info.version` (`2020-09-14_1.517.0`).
pub fn plaid_version() -> &'static str {
    let full = <Client as progenitor_client::ClientInfo<CallSettings>>::api_version();
    full.split('_').next().unwrap_or(full)
}

/// Whether the URL is https; an error for plain http that is not allowed.
fn check_url(url: &str, allow_insecure_http: bool) -> Result<bool, ConfigError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| ConfigError::InvalidUrl {
        url: redact_userinfo(url).into_owned(),
        reason: e.to_string(),
    })?;
    match parsed.scheme() {
        "https" => Ok(true),
        "http" if allow_insecure_http || is_loopback(&parsed) => Ok(false),
        "http" => Err(ConfigError::InsecureUrl(redact_userinfo(url).into_owned())),
        other => Err(ConfigError::InvalidUrl {
            url: redact_userinfo(url).into_owned(),
            reason: format!("scheme {other:?} is not http or https"),
        }),
    }
}

/// `localhost` or a loopback address: where plain HTTP is allowed (and where the fake
/// delivers webhooks).
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl Client {
    /// The URL every request goes to, a `user:password@` in it shown as `<redacted>@`.
    pub fn base_url(&self) -> &str {
        &self.inner.0.shown_base_url
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `PLAID_CLIENT_ID`, `PLAID_SECRET` and `PLAID_ENV`
    /// (`sandbox` | `development` | `production`; sandbox when unset).
    pub fn from_env() -> Result<Client, ConfigError> {
        Self::builder_from_env(|name| std::env::var(name).ok())?.build()
    }

    /// A builder filled from variables looked up by `lookup`, for further settings.
    pub fn builder_from_env(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<ClientBuilder, ConfigError> {
        let get = |name: &'static str| lookup(name).filter(|v| !v.trim().is_empty());
        let client_id =
            get("PLAID_CLIENT_ID").ok_or(ConfigError::MissingVariable("PLAID_CLIENT_ID"))?;
        let secret = get("PLAID_SECRET").ok_or(ConfigError::MissingVariable("PLAID_SECRET"))?;
        let environment = match get("PLAID_ENV") {
            None => Environment::Sandbox,
            Some(value) => {
                value
                    .parse()
                    .map_err(|e: UnknownEnvironment| ConfigError::InvalidVariable {
                        name: "PLAID_ENV",
                        reason: e.to_string(),
                    })?
            }
        };
        Ok(Client::builder()
            .environment(environment)
            .credentials(client_id.trim(), Secret::new(secret.trim())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn from_env_names_the_missing_variable() {
        let err = Client::builder_from_env(vars(&[("PLAID_SECRET", "s")])).unwrap_err();
        assert!(
            matches!(err, ConfigError::MissingVariable("PLAID_CLIENT_ID")),
            "{err}"
        );
        let err =
            Client::builder_from_env(vars(&[("PLAID_CLIENT_ID", "c"), ("PLAID_SECRET", " ")]))
                .unwrap_err();
        assert!(err.to_string().contains("PLAID_SECRET"), "{err}");
    }

    #[test]
    fn from_env_rejects_an_unknown_environment() {
        let err = Client::builder_from_env(vars(&[
            ("PLAID_CLIENT_ID", "c"),
            ("PLAID_SECRET", "s"),
            ("PLAID_ENV", "staging"),
        ]))
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("PLAID_ENV") && text.contains("staging"),
            "{text}"
        );
    }

    #[test]
    fn from_env_picks_the_environment() {
        let builder = Client::builder_from_env(vars(&[
            ("PLAID_CLIENT_ID", "c"),
            ("PLAID_SECRET", "s"),
            ("PLAID_ENV", "production"),
        ]))
        .unwrap();
        assert_eq!(builder.environment, Environment::Production);
        let client = builder.build().unwrap();
        assert_eq!(client.base_url(), "https://production.plaid.com");
    }

    #[test]
    fn plain_http_is_refused_unless_loopback_or_allowed() {
        let build = |url: &str, allow: bool| {
            Client::builder()
                .base_url(url)
                .credentials("c", "s")
                .allow_insecure_http(allow)
                .build()
        };
        assert!(matches!(
            build("http://plaid.example.com", false),
            Err(ConfigError::InsecureUrl(_))
        ));
        assert!(build("http://plaid.example.com", true).is_ok());
        assert!(build("http://127.0.0.1:8080", false).is_ok());
        assert!(build("http://localhost:8080", false).is_ok());
        assert!(build("http://[::1]:8080", false).is_ok());
        assert!(matches!(
            build("ftp://x", false),
            Err(ConfigError::InvalidUrl { .. })
        ));
        assert!(matches!(
            build("not a url", false),
            Err(ConfigError::InvalidUrl { .. })
        ));
    }

    #[test]
    fn a_password_in_the_base_url_stays_out_of_debug_errors_and_base_url() {
        let url = "https://alice:hunter2@proxy.example/plaid";
        let builder = Client::builder().base_url(url).credentials("c", "s");
        let shown = format!("{builder:?}");
        assert!(
            shown.contains("https://<redacted>@proxy.example/plaid"),
            "{shown}"
        );
        let client = builder.build().unwrap();
        assert_eq!(client.base_url(), "https://<redacted>@proxy.example/plaid");
        assert_eq!(client.baseurl, url, "requests still go to the URL as given");
        for refused in [
            "http://alice:hunter2@plaid.example.com",
            "ftp://alice:hunter2@x",
            "https://alice:hunter2@exa mple.com",
        ] {
            let err = Client::builder()
                .base_url(refused)
                .credentials("c", "s")
                .build()
                .unwrap_err();
            for shown in [err.to_string(), format!("{err:?}")] {
                assert!(
                    !shown.contains("hunter2") && !shown.contains("alice"),
                    "{shown}"
                );
            }
        }
    }

    #[test]
    fn credentials_are_required() {
        assert!(matches!(
            Client::builder().build(),
            Err(ConfigError::MissingCredentials)
        ));
    }

    #[test]
    fn plaid_version_is_the_date_of_the_spec_version() {
        assert_eq!(plaid_version(), "2020-09-14");
    }
}
