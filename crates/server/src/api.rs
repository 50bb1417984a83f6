//! The JSON API's handlers: each checks its parameters, runs one store read on a pooled
//! connection, and shapes the answer.

use crate::error::ServerError;
use crate::params::{self, Params};
use crate::reply::{json_bytes, ok};
use crate::views;
use crate::AppState;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

type Pairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

fn params(query: Pairs) -> Result<Params, ServerError> {
    match query {
        Ok(Query(pairs)) => Ok(Params(pairs)),
        Err(e) => Err(ServerError::invalid("query", e.body_text())),
    }
}

/// A JSON body already encoded on the blocking thread.
fn bytes_response(bytes: Vec<u8>) -> Response {
    let mut r = Body::from(bytes).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

fn no_parameters(p: &Params) -> Result<(), ServerError> {
    p.check(&[])
}

pub async fn health(State(state): State<Arc<AppState>>, query: Pairs) -> Result<Response, ServerError> {
    no_parameters(&params(query)?)?;
    let (counts, latest) = state.reads.run(|s| Ok((s.counts()?, s.latest_change()?))).await?;
    Ok(ok(&serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "events": counts.events,
        "articles": counts.articles,
        "outlets": counts.outlets,
        "latest_change": latest,
        "writes_enabled": state.writer.is_some(),
    })))
}

pub async fn events(State(state): State<Arc<AppState>>, query: Pairs) -> Result<Response, ServerError> {
    let filter = params::event_page(&params(query)?)?;
    let bytes = state.reads.run(move |s| Ok(json_bytes(&s.event_page(&filter)?))).await?;
    Ok(bytes_response(bytes))
}

pub async fn event(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    query: Pairs,
) -> Result<Response, ServerError> {
    no_parameters(&params(query)?)?;
    let bytes = state
        .reads
        .run(move |s| {
            let event = s.event(&id)?.ok_or_else(|| ServerError::NotFound(format!("event `{id}`")))?;
            Ok(json_bytes(&views::event_view(&event)))
        })
        .await?;
    Ok(bytes_response(bytes))
}

/// How many citing events an article page loads at most (a wire story can be cited by many).
const ARTICLE_EVENTS: usize = 200;

pub async fn article(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    query: Pairs,
) -> Result<Response, ServerError> {
    no_parameters(&params(query)?)?;
    let bytes = state
        .reads
        .run(move |s| {
            let (article, sightings, mentions) =
                s.article(&id)?.ok_or_else(|| ServerError::NotFound(format!("article `{id}`")))?;
            let mut events = Vec::new();
            for event_id in s.events_citing(&id)?.into_iter().take(ARTICLE_EVENTS) {
                events.extend(s.event(&event_id)?);
            }
            Ok(json_bytes(&views::article_view(&article, &sightings, &mentions, &events)))
        })
        .await?;
    Ok(bytes_response(bytes))
}

pub async fn actors(State(state): State<Arc<AppState>>, query: Pairs) -> Result<Response, ServerError> {
    no_parameters(&params(query)?)?;
    let bytes = state.reads.run(|s| Ok(json_bytes(&serde_json::json!({ "actors": s.actors()? })))).await?;
    Ok(bytes_response(bytes))
}

pub async fn places(State(state): State<Arc<AppState>>, query: Pairs) -> Result<Response, ServerError> {
    no_parameters(&params(query)?)?;
    let bytes = state.reads.run(|s| Ok(json_bytes(&serde_json::json!({ "places": s.places()? })))).await?;
    Ok(bytes_response(bytes))
}

pub async fn timeline(State(state): State<Arc<AppState>>, query: Pairs) -> Result<Response, ServerError> {
    let (filter, bucket, by) = params::timeline(&params(query)?)?;
    let bytes = state
        .reads
        .run(move |s| Ok(json_bytes(&views::timeline_view(&s.timeline(&filter, bucket, by)?, bucket, by))))
        .await?;
    Ok(bytes_response(bytes))
}

pub async fn openapi() -> Response {
    let mut r = Body::from(include_str!("openapi.json")).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

pub async fn not_found() -> ServerError {
    ServerError::NotFound("API endpoint (see /api/openapi.json)".into())
}

pub async fn method_not_allowed() -> ServerError {
    ServerError::MethodNotAllowed
}

/// The largest body `POST /api/articles` reads: the same cap as one ingest item.
pub const MAX_BODY: usize = 10 * 1024 * 1024;

/// Compares without stopping at the first differing byte, so timing does not reveal the token.
fn same_token(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let mut diff = a.len() ^ b.len();
    for (i, x) in a.iter().enumerate() {
        diff |= usize::from(x ^ b.get(i % b.len().max(1)).copied().unwrap_or(0));
    }
    diff == 0
}

/// Turns a posted body (a JSON array of articles, one JSON article, or JSONL) into JSONL lines.
fn to_jsonl(body: &[u8]) -> Result<Vec<u8>, ServerError> {
    let text = std::str::from_utf8(body).map_err(|_| ServerError::InvalidBody("not UTF-8".into()))?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let items: Vec<serde_json::Value> =
            serde_json::from_str(trimmed).map_err(|e| ServerError::InvalidBody(format!("not a JSON array: {e}")))?;
        let mut out = Vec::new();
        for item in items {
            out.extend(serde_json::to_vec(&item).map_err(|e| ServerError::InvalidBody(e.to_string()))?);
            out.push(b'\n');
        }
        return Ok(out);
    }
    if trimmed.is_empty() {
        return Err(ServerError::InvalidBody("empty: send JSONL (one article per line) or a JSON array".into()));
    }
    Ok(text.as_bytes().to_vec())
}

pub async fn post_articles(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ServerError> {
    let Some(writer) = state.writer.clone() else {
        return Err(ServerError::WritesDisabled);
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if !given.is_some_and(|g| same_token(g, &writer.token)) {
        return Err(ServerError::Unauthorized);
    }
    let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| ServerError::PayloadTooLarge(MAX_BODY))?;
    let jsonl = to_jsonl(&body)?;
    let report = tokio::task::spawn_blocking(move || writer.ingest(&jsonl))
        .await
        .map_err(|e| ServerError::Ingest(e.to_string()))??;
    Ok(ok(&report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_only_exactly() {
        assert!(same_token("s3cret", "s3cret"));
        for wrong in ["", "s3cre", "s3cret!", "S3cret", "x"] {
            assert!(!same_token(wrong, "s3cret"), "{wrong}");
        }
    }

    #[test]
    fn bodies_become_jsonl() {
        let lines = to_jsonl(br#"[{"id":"a","text":"x"},{"id":"b","text":"y"}]"#).unwrap();
        assert_eq!(String::from_utf8(lines).unwrap().lines().count(), 2);
        assert!(to_jsonl(b"  ").is_err());
        assert!(to_jsonl(b"[1,").is_err());
        assert!(to_jsonl(&[0xff, 0xfe]).is_err());
    }
}
