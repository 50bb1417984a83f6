//! JSON responses: every body is JSON with `<`, `>` and `&` escaped, so that a hostile article
//! text can never be read as markup even by a client that mishandles the content type.

use crate::error::ServerError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Serialises `value` and escapes the three characters HTML cares about. They can only occur
/// inside JSON strings, where `\u003c` and friends mean the same thing.
pub fn json_bytes<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let raw = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
    let mut out = Vec::with_capacity(raw.len() + 16);
    for b in raw {
        match b {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            _ => out.push(b),
        }
    }
    out
}

pub fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    let mut response = (status, json_bytes(value)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

pub fn ok<T: Serialize + ?Sized>(value: &T) -> Response {
    json(StatusCode::OK, value)
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let code = self.code();
        // Internal failures are logged in full and shown to the client without internals.
        let message = if code == crate::error::ErrorCode::Internal {
            eprintln!("sitrep serve: internal error: {self}");
            "internal error; see the server log".to_string()
        } else {
            self.to_string()
        };
        let body = serde_json::json!({ "error": { "code": code.as_str(), "message": message } });
        let mut response = json(code.status(), &body);
        if code == crate::error::ErrorCode::Unauthorized {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_strings_is_escaped_and_still_the_same_json() {
        let text = "<script>alert('x')</script> & <img src=x onerror=alert(1)>";
        let bytes = json_bytes(&serde_json::json!({ "text": text }));
        let s = String::from_utf8(bytes.clone()).unwrap();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back["text"], text);
    }
}
