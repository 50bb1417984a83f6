//! The host part of a URL, used as the outlet when a source names none.

/// The host of `url` in lowercase without a leading `www.`, or `None` when `url` has no
/// recognisable host. Accepts `scheme://host/...`, `//host/...` and bare `host/...` forms.
pub fn host(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match url.split_once("://") {
        Some((scheme, rest))
            if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)) =>
        {
            rest
        }
        Some(_) => return None,
        None => url.strip_prefix("//").unwrap_or(url),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host_port,
    };
    let host = host.trim_end_matches('.').to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let valid = host.contains('.')
        && !host.starts_with('.')
        && host.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    valid.then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &[(&str, Option<&str>)] = &[
        ("https://www.reuters.com/article/us-iraq-security-idUSKBN1YV0FU", Some("reuters.com")),
        ("http://WWW.AlJazeera.com", Some("aljazeera.com")),
        ("https://apnews.com:443/article?x=1#y", Some("apnews.com")),
        ("https://user:pw@news.example.org/a", Some("news.example.org")),
        ("//cdn.example.net/a", Some("cdn.example.net")),
        ("rudaw.net/english/middleeast/iraq", Some("rudaw.net")),
        ("https://www.example.com./x", Some("example.com")),
        ("", None),
        ("not a url", None),
        ("/relative/path", None),
        ("https:///nohost", None),
        ("mailto:someone", None),
        ("://example.com", None),
    ];

    #[test]
    fn hosts() {
        for (url, expected) in CASES {
            assert_eq!(host(url).as_deref(), *expected, "{url:?}");
        }
    }
}
