//! Plaid-shaped error replies: the status and `PlaidError` body Plaid documents for each rule
//! the fake enforces (<https://plaid.com/docs/errors/>).

use crate::types::{PlaidError, PlaidErrorType};

/// A refusal: the HTTP status and the PlaidError body (its `request_id` is filled in when sent).
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    pub(crate) status: u16,
    pub(crate) error: Box<PlaidError>,
}

/// A `PlaidError` with no display message, as Plaid sends for developer errors.
pub(crate) fn plaid_error(
    status: u16,
    error_type: PlaidErrorType,
    code: &str,
    message: impl Into<String>,
) -> PlaidError {
    PlaidError {
        causes: Vec::new(),
        display_message: None,
        documentation_url: Some(format!(
            "https://plaid.com/docs/errors/{}/#{}",
            error_type
                .to_string()
                .to_ascii_lowercase()
                .replace('_', "-"),
            code.to_ascii_lowercase().replace('_', "-")
        )),
        error_code: code.to_string(),
        error_message: message.into(),
        error_type,
        request_id: None,
        status: Some(i64::from(status)),
        suggested_action: None,
        extra: Default::default(),
    }
}

impl Refusal {
    pub(crate) fn new(
        status: u16,
        error_type: PlaidErrorType,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error: Box::new(plaid_error(status, error_type, code, message)),
        }
    }

    /// As an API reply carries it: without `status`, which Plaid sends only inside webhooks
    /// (the spec's description of `PlaidError.status`). A fault's own error is sent as given.
    pub(crate) fn in_reply(mut self) -> Self {
        self.error.status = None;
        self
    }

    pub(crate) fn missing_fields(fields: &[&str]) -> Self {
        Self::new(
            400,
            PlaidErrorType::InvalidRequest,
            "MISSING_FIELDS",
            format!(
                "the following required fields are missing: {}",
                fields.join(", ")
            ),
        )
    }

    pub(crate) fn invalid_field(message: impl Into<String>) -> Self {
        Self::new(
            400,
            PlaidErrorType::InvalidRequest,
            "INVALID_FIELD",
            message,
        )
    }

    pub(crate) fn unknown_fields(fields: &[String]) -> Self {
        Self::new(
            400,
            PlaidErrorType::InvalidRequest,
            "UNKNOWN_FIELDS",
            format!(
                "the following fields are not recognized by this endpoint: {}",
                fields.join(", ")
            ),
        )
    }

    pub(crate) fn invalid_body(message: impl Into<String>) -> Self {
        Self::new(400, PlaidErrorType::InvalidRequest, "INVALID_BODY", message)
    }

    pub(crate) fn invalid_api_keys() -> Self {
        Self::new(
            400,
            PlaidErrorType::InvalidInput,
            "INVALID_API_KEYS",
            "invalid client_id or secret provided",
        )
    }

    pub(crate) fn invalid_headers(message: impl Into<String>) -> Self {
        Self::new(
            400,
            PlaidErrorType::InvalidRequest,
            "INVALID_HEADERS",
            message,
        )
    }

    pub(crate) fn invalid_access_token() -> Self {
        Self::new(
            400,
            PlaidErrorType::InvalidInput,
            "INVALID_ACCESS_TOKEN",
            "could not find matching access token",
        )
    }

    pub(crate) fn invalid_public_token(message: impl Into<String>) -> Self {
        Self::new(
            400,
            PlaidErrorType::InvalidInput,
            "INVALID_PUBLIC_TOKEN",
            message,
        )
    }

    pub(crate) fn not_found(path: &str) -> Self {
        Self::new(
            404,
            PlaidErrorType::InvalidRequest,
            "NOT_FOUND",
            format!("unknown route {path:?}"),
        )
    }
}
