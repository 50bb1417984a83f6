//! Command-line options of fetching (feed URLs, article pages behind feed items) for `ingest`.

use sitrep_ingest::fetch::{FetchConfig, Fetcher};
use sitrep_ingest::Reader;
use std::time::Duration;

#[derive(clap::Args, Clone, Debug)]
pub(crate) struct FetchArgs {
    /// Take each feed item's text from the feed itself instead of fetching the page it links to.
    #[arg(long)]
    no_follow: bool,
    /// Fetch nothing: URL arguments are skipped and feed items keep the feed's text.
    #[arg(long, conflicts_with = "no_follow")]
    offline: bool,
    /// Seconds allowed for one HTTP request (connection, headers and body).
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    timeout: u64,
    /// Retries of a request that timed out or met a server error (5xx, 429), with doubling waits.
    #[arg(long, default_value_t = 2)]
    retries: u32,
}

impl FetchArgs {
    /// The reader these options ask for.
    pub(crate) fn reader(&self) -> Reader {
        if self.offline {
            return Reader::offline();
        }
        let config = FetchConfig {
            timeout: Duration::from_secs(self.timeout.max(1)),
            connect_timeout: Duration::from_secs(self.timeout.clamp(1, 10)),
            retries: self.retries,
            ..FetchConfig::default()
        };
        Reader::online(Fetcher::new(config), !self.no_follow)
    }
}
