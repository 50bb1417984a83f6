//! What both backends share about event pages: the columns of an event row and the cursor format.
//!
//! A cursor names the order it belongs to, the sort key and the id of the last row of a page, as
//! hex of a JSON array `[sort, key, id]`, so that it is safe in a URL as it is. Each backend turns
//! its own key type into the JSON value and back; cursors are only valid on the backend that
//! issued them.

use crate::{EventSort, StoreError};

/// The plain columns of an event row, in the order the backends' row readers expect.
pub(crate) const SUMMARY_COLUMNS: &str = "e.id, e.event_type, e.sub_event_type, e.date, e.date_end, e.date_precision,
    e.country, e.admin1, e.location, e.latitude, e.longitude, e.geo_precision, e.actor1, e.actor2,
    e.assoc_actors, e.weapon, e.fatalities_low, e.fatalities_best, e.fatalities_high,
    e.injured_low, e.injured_best, e.injured_high, e.n_articles, e.n_outlets";

pub(crate) fn encode_cursor(sort: EventSort, key: serde_json::Value, id: &str) -> String {
    let json = serde_json::json!([sort.as_str(), key, id]).to_string();
    json.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The sort key (as JSON) and id a cursor resumes after, checked against the page's sort.
pub(crate) fn decode_cursor(sort: EventSort, cursor: &str) -> Result<(serde_json::Value, String), StoreError> {
    let bad = |why: &str| StoreError::InvalidArgument(format!("cursor `{cursor}` {why}"));
    let bytes = (0..cursor.len())
        .step_by(2)
        .map(|i| cursor.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| bad("is not one this server issued"))?;
    let (cursor_sort, key, id): (String, serde_json::Value, String) =
        serde_json::from_slice(&bytes).map_err(|_| bad("is not one this server issued"))?;
    if cursor_sort != sort.as_str() {
        return Err(bad(&format!("belongs to sort `{cursor_sort}`, not `{}`", sort.as_str())));
    }
    Ok((key, id))
}

/// The error for a cursor whose key does not fit its sort.
pub(crate) fn malformed_key(cursor: &str) -> StoreError {
    StoreError::InvalidArgument(format!("cursor `{cursor}` has a malformed key"))
}
