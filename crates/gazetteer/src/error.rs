//! The crate's one error type: what can be wrong with dictionary data.

/// Why dictionary data could not be loaded. Every variant names the file (or source) and, where
/// it can, the line or entry, so a user extending the data can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GazetteerError {
    /// A line of a TSV file has the wrong shape or a bad value.
    #[error("{source_name}:{line}: {message}")]
    Line { source_name: String, line: usize, message: String },
    /// The actors TOML file does not parse or does not fit the schema.
    #[error("{source_name}: {message}")]
    Toml { source_name: String, message: String },
    /// One entry is inconsistent (unknown parent, duplicate id, a name that folds to nothing).
    #[error("{source_name}: entry `{id}`: {message}")]
    Entry { source_name: String, id: String, message: String },
    /// The dictionaries are too large for the matcher.
    #[error("building the name matcher: {0}")]
    Matcher(String),
}

impl GazetteerError {
    pub(crate) fn line(source_name: &str, line: usize, message: impl Into<String>) -> GazetteerError {
        GazetteerError::Line { source_name: source_name.to_string(), line, message: message.into() }
    }

    pub(crate) fn entry(source_name: &str, id: &str, message: impl Into<String>) -> GazetteerError {
        GazetteerError::Entry { source_name: source_name.to_string(), id: id.to_string(), message: message.into() }
    }
}
