//! A successful reply: the typed body plus what an operator needs to trace it.

use std::ops::Deref;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// The decoded body of a 2xx reply, with its status, headers and Plaid's `request_id`.
///
/// It derefs to the body for *reading* (`response.item.item_id`, `&response.activities`).
/// Deref cannot move a field out, so to keep a part of the body use
/// [`into_inner`](Response::into_inner) (`let item = response.into_inner().item;`), or
/// [`into_parts`](Response::into_parts) to keep the request id as well.
#[derive(Debug, Clone)]
pub struct Response<T> {
    value: T,
    meta: ResponseMeta,
}

/// What a reply said besides its body: kept apart by [`Response::into_parts`] so the body can
/// be moved while the request id stays at hand for logs and support tickets.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The reply's HTTP status.
    pub status: StatusCode,
    /// The reply's headers.
    pub headers: HeaderMap,
    /// Plaid's `request_id`: the body's `request_id`, else the `Plaid-Request-Id` header,
    /// else `X-Request-Id` (a proxy's); only a value that looks like an id is kept.
    pub request_id: Option<String>,
}

impl ResponseMeta {
    /// Plaid's `request_id` for this call.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
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
            meta: ResponseMeta {
                status,
                headers,
                request_id,
            },
        }
    }

    /// The body, by value: `let item = response.into_inner().item;`.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The body and the rest of the reply, both by value:
    /// `let (body, meta) = response.into_parts();`.
    pub fn into_parts(self) -> (T, ResponseMeta) {
        (self.value, self.meta)
    }

    /// What the reply said besides its body.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The reply's HTTP status.
    pub fn status(&self) -> StatusCode {
        self.meta.status
    }

    /// The reply's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.meta.headers
    }

    /// Plaid's `request_id` for this call, for support tickets and log correlation.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id.as_deref()
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}
