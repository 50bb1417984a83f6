//! Everything an API request can fail with, and the one table that maps each failure to a stable
//! code and an HTTP status.

use axum::http::StatusCode;
use sitrep_store::StoreError;

/// The stable codes clients may match on. Never rename one: add a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidParameter,
    UnknownParameter,
    InvalidCursor,
    InvalidBody,
    NotFound,
    AmbiguousId,
    Unauthorized,
    WritesDisabled,
    MethodNotAllowed,
    PayloadTooLarge,
    Unavailable,
    Internal,
}

/// code → (string, HTTP status): the whole contract in one place.
pub const ERROR_CODES: &[(ErrorCode, &str, StatusCode)] = &[
    (ErrorCode::InvalidParameter, "invalid_parameter", StatusCode::BAD_REQUEST),
    (ErrorCode::UnknownParameter, "unknown_parameter", StatusCode::BAD_REQUEST),
    (ErrorCode::InvalidCursor, "invalid_cursor", StatusCode::BAD_REQUEST),
    (ErrorCode::InvalidBody, "invalid_body", StatusCode::BAD_REQUEST),
    (ErrorCode::NotFound, "not_found", StatusCode::NOT_FOUND),
    (ErrorCode::AmbiguousId, "ambiguous_id", StatusCode::CONFLICT),
    (ErrorCode::Unauthorized, "unauthorized", StatusCode::UNAUTHORIZED),
    (ErrorCode::WritesDisabled, "writes_disabled", StatusCode::FORBIDDEN),
    (ErrorCode::MethodNotAllowed, "method_not_allowed", StatusCode::METHOD_NOT_ALLOWED),
    (ErrorCode::PayloadTooLarge, "payload_too_large", StatusCode::PAYLOAD_TOO_LARGE),
    (ErrorCode::Unavailable, "unavailable", StatusCode::SERVICE_UNAVAILABLE),
    (ErrorCode::Internal, "internal", StatusCode::INTERNAL_SERVER_ERROR),
];

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        ERROR_CODES.iter().find(|(c, _, _)| *c == self).map_or("internal", |(_, s, _)| s)
    }

    pub fn status(self) -> StatusCode {
        ERROR_CODES.iter().find(|(c, _, _)| *c == self).map_or(StatusCode::INTERNAL_SERVER_ERROR, |(_, _, s)| *s)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("parameter `{name}`: {message}")]
    InvalidParameter { name: String, message: String },

    #[error("unknown parameter `{0}`")]
    UnknownParameter(String),

    #[error("request body: {0}")]
    InvalidBody(String),

    #[error("{0} not found")]
    NotFound(String),

    #[error("authorization required: send `Authorization: Bearer <token>`")]
    Unauthorized,

    #[error("writing is disabled: start the server with --token (or $SITREP_TOKEN) to enable it")]
    WritesDisabled,

    #[error("method not allowed")]
    MethodNotAllowed,

    #[error("request body larger than {0} bytes")]
    PayloadTooLarge(usize),

    #[error("the server is busy or shutting down: {0}")]
    Unavailable(String),

    #[error(transparent)]
    Store(#[from] StoreError),

    #[error("ingest failed: {0}")]
    Ingest(String),

    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },

    #[error("serving failed: {0}")]
    Serve(#[source] std::io::Error),
}

impl ServerError {
    pub fn invalid(name: &str, message: impl Into<String>) -> ServerError {
        ServerError::InvalidParameter { name: name.to_string(), message: message.into() }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ServerError::InvalidParameter { .. } => ErrorCode::InvalidParameter,
            ServerError::UnknownParameter(_) => ErrorCode::UnknownParameter,
            ServerError::InvalidBody(_) => ErrorCode::InvalidBody,
            ServerError::NotFound(_) => ErrorCode::NotFound,
            ServerError::Unauthorized => ErrorCode::Unauthorized,
            ServerError::WritesDisabled => ErrorCode::WritesDisabled,
            ServerError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ServerError::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            ServerError::Unavailable(_) => ErrorCode::Unavailable,
            ServerError::Store(StoreError::InvalidArgument(_)) => ErrorCode::InvalidCursor,
            ServerError::Store(StoreError::Ambiguous { .. }) => ErrorCode::AmbiguousId,
            ServerError::Store(_) | ServerError::Ingest(_) | ServerError::Bind { .. } | ServerError::Serve(_) => {
                ErrorCode::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_distinct_entry() {
        let mut names: Vec<&str> = ERROR_CODES.iter().map(|(_, s, _)| *s).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ERROR_CODES.len());
        assert_eq!(ErrorCode::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(ErrorCode::WritesDisabled.as_str(), "writes_disabled");
        let cursor = ServerError::Store(StoreError::InvalidArgument("cursor".into()));
        assert_eq!(cursor.code().as_str(), "invalid_cursor");
    }
}
