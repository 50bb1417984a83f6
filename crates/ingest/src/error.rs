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
