#![doc = include_str!("../README.md")]
//!
//! ## Where things are
//!
//! [`Client`] has one method per operation; [`types`] holds the request and response models
//! and [`builder`] the operation builders, all generated from the spec. The hand-written
//! runtime is small: [`client`] builds clients into per-client [`settings`], `transport` sends
//! calls (time limits, body limit, tracing), [`retry`] decides retries, [`error`] describes
//! failures, [`response`] carries status and request id, [`secret`] keeps credentials out of
//! logs, [`open_enum`] makes every enum accept values
//! Plaid adds later, [`nullable`] tells `null` from absent, and [`webhooks`] verifies and
//! parses the webhooks Plaid sends. `testing` (feature `test-util`) is the fake Plaid.

// missing_docs comes from [workspace.lints]; unreachable_pub is this crate's own: its
// private modules keep crate-internal items `pub(crate)`.
#![warn(unreachable_pub)]

pub mod client;
mod deadline;
pub mod environment;
pub mod error;
mod escape;
pub mod field_value;
mod generated;
mod hex;
pub mod intercept;
pub mod nullable;
pub mod open_enum;
pub mod paginate;
mod request_url;
pub mod response;
pub mod retry;
pub mod secret;
pub mod settings;
pub mod sleep;
#[cfg(feature = "test-util")]
pub mod testing;
mod tls;
mod transport;
pub mod webhooks;

pub use client::{ClientBuilder, ConfigError};
pub use environment::Environment;
pub use error::{Error, ErrorClass, ErrorKind, TimeoutKind};
pub use field_value::FieldValue;
pub use generated::{builder, types, Client};
pub use nullable::Nullable;
pub use response::{Response, ResponseMeta};
pub use retry::RetryPolicy;
pub use settings::Timeouts;
