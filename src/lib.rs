//! A typed async client for Plaid's Item API, generated at build time from Plaid's OpenAPI
//! spec (`spec/plaid-item.yml`, completed by the supplement bundled with `plaid-item-codegen`).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use plaid_item::{types, Client, Environment};
//!
//! let client = Client::builder()
//!     .environment(Environment::Sandbox)
//!     .credentials("your-client-id", "your-secret")
//!     .build()?;
//! let item = client
//!     .item_get()
//!     .body(types::ItemGetRequest::builder().access_token("access-sandbox-..."))
//!     .send()
//!     .await?;
//! println!("{} (request {:?})", item.item.item_id, item.request_id());
//! # Ok(())
//! # }
//! ```
//!
//! The hand-written runtime is small: [`client`] builds clients, `transport` sends calls,
//! [`retry`] decides retries, [`error`] describes failures, [`secret`] keeps credentials out
//! of logs, [`open_enum`] makes every enum accept values Plaid adds later, and [`webhooks`]
//! verifies and parses the webhooks Plaid sends.

pub mod client;
pub mod environment;
pub mod error;
mod escape;
pub mod field_value;
mod generated;
pub mod nullable;
pub mod open_enum;
pub mod paginate;
pub mod response;
pub mod retry;
pub mod runtime;
pub mod secret;
pub mod sleep;
#[cfg(feature = "test-util")]
pub mod testing;
mod tls;
mod transport;
pub mod webhooks;

pub use client::{ClientBuilder, ConfigError};

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
pub use environment::Environment;
pub use error::{Error, ErrorKind, TimeoutKind};
pub use field_value::FieldValue;
pub use generated::{builder, types, Client};
pub use nullable::Nullable;
pub use response::{Response, ResponseMeta};
pub use retry::RetryPolicy;
pub use runtime::Timeouts;
