//! The fake Plaid (`plaid_item::testing`), driven through the public `Client` as a user's
//! test would drive it.

mod faults;
mod lifecycle;
mod refusals;
mod spec;
mod verified;
mod webhooks;

/// The error code of a failed call, for terse assertions.
pub fn code<T: std::fmt::Debug>(result: Result<T, plaid_item::Error>) -> String {
    let error = result.expect_err("the call should fail");
    assert!(error.request_id().is_some(), "no request_id on {error}");
    error.error_code().unwrap_or("<none>").to_string()
}
