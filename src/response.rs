//! A successful reply: the typed body plus what an operator needs to trace it.

use std::ops::Deref;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// The decoded body of a 2xx reply, with its status, headers and Plaid's `request_id`.
/// Derefs to the body, so `response.item` reads naturally.
#[derive(Debug, Clone)]
pub struct Response<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
    request_id: Option<String>,
}

impl<T> Response<T> {
    pub(crate) fn new(
        value: T,
        status: StatusCode,
        headers: HeaderMap,
        request_id: Option<String>,
    ) -> Self {
        Self {
            value,
            status,
            headers,
            request_id,
        }
    }

    pub fn into_inner(self) -> T {
        self.value
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Plaid's `request_id` for this call, for support tickets and log correlation.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}
