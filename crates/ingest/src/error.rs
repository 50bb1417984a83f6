//! Why an input file or item was skipped: one variant per reason, each with a stable code.

/// Everything that can keep an input from becoming an article. None of these stop a run: each
/// becomes one [`Skipped`](crate::Skipped) item naming the input and the reason.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("no such file or directory")]
    NotFound,
    #[error("not a regular file or directory")]
    NotAFile,
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("no text: the {0} is empty or whitespace only")]
    Empty(&'static str),
    #[error("binary content: {0}")]
    Binary(&'static str),
    #[error("{size} bytes is over the limit of {limit} bytes", limit = crate::MAX_ITEM_BYTES)]
    TooLarge { size: u64 },
    #[error("line {line} is over the limit of {limit} bytes", limit = crate::MAX_ITEM_BYTES)]
    LineTooLarge { line: usize },
    #[error("line {line}: invalid JSON: {source}")]
    BadJson { line: usize, source: serde_json::Error },
    #[error("line {line}: expected a JSON object, found {found}")]
    NotAnObject { line: usize, found: &'static str },
    #[error("line {line}: neither \"text\" nor \"html\" is given")]
    MissingText { line: usize },
    #[error("line {line}: field \"{field}\" must be a string, found {found}")]
    BadField { line: usize, field: &'static str, found: &'static str },
    #[error("invalid URL {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("unsupported URL scheme {scheme:?} in {url:?}: only http and https are fetched")]
    UnsupportedScheme { scheme: String, url: String },
    #[error("more than {limit} redirects from {url} (a redirect loop?)")]
    TooManyRedirects { url: String, limit: u32 },
    #[error("redirect {status} from {url} without a usable Location header")]
    BadRedirect { url: String, status: u16 },
    #[error("HTTP status {status} from {url}")]
    HttpStatus { url: String, status: u16 },
    #[error("timed out fetching {url}")]
    Timeout { url: String },
    #[error("fetching {url}: {message}")]
    Network { url: String, message: String },
    #[error("response from {url} is over the limit of {limit} bytes (after decompression)")]
    ResponseTooLarge { url: String, limit: u64 },
    #[error("not a feed (RSS, Atom or JSON Feed): {0}")]
    BadFeed(String),
    #[error("malformed WARC: {0}")]
    BadWarc(String),
    #[error("WARC record of {size} bytes is over the limit of {limit} bytes", limit = crate::MAX_ITEM_BYTES)]
    RecordTooLarge { size: u64 },
    #[error("HTTP status {status} in the archived response for {url}")]
    ArchivedStatus { url: String, status: u16 },
    #[error("not an HTML page ({content_type}) at {url}")]
    NotHtml { url: String, content_type: String },
    #[error("fetch state file {path}: {reason}")]
    BadState { path: String, reason: String },
    #[error("content encoding {encoding:?} of {url} is not supported")]
    UnsupportedEncoding { url: String, encoding: String },
}

impl IngestError {
    /// The stable machine-readable reason reported in [`Skipped::code`](crate::Skipped::code).
    pub fn code(&self) -> &'static str {
        match self {
            IngestError::NotFound => "not_found",
            IngestError::NotAFile => "not_a_file",
            IngestError::Io(_) => "io_error",
            IngestError::Empty(_) => "empty",
            IngestError::Binary(_) => "binary",
            IngestError::TooLarge { .. } | IngestError::LineTooLarge { .. } => "too_large",
            IngestError::BadJson { .. } | IngestError::NotAnObject { .. } => "bad_json",
            IngestError::MissingText { .. } => "missing_text",
            IngestError::BadField { .. } => "bad_field",
            IngestError::BadUrl { .. } => "bad_url",
            IngestError::UnsupportedScheme { .. } => "unsupported_scheme",
            IngestError::TooManyRedirects { .. } | IngestError::BadRedirect { .. } => "bad_redirect",
            IngestError::HttpStatus { .. } => "http_error",
            IngestError::Timeout { .. } => "timeout",
            IngestError::Network { .. } => "network_error",
            IngestError::ResponseTooLarge { .. } | IngestError::RecordTooLarge { .. } => "too_large",
            IngestError::BadFeed(_) => "bad_feed",
            IngestError::BadWarc(_) => "bad_warc",
            IngestError::ArchivedStatus { .. } => "http_status",
            IngestError::NotHtml { .. } => "not_html",
            IngestError::UnsupportedEncoding { .. } => "unsupported_encoding",
            IngestError::BadState { .. } => "bad_state",
        }
    }

    /// Whether trying again later may succeed: timeouts, network errors, server errors (5xx) and
    /// "too many requests" (429). Fetches retry these with backoff; nothing else is retried.
    pub fn is_transient(&self) -> bool {
        match self {
            IngestError::Timeout { .. } | IngestError::Network { .. } => true,
            IngestError::HttpStatus { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

/// The JSON type name of a value, for messages.
pub(crate) fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
