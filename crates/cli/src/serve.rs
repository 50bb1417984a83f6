//! `sitrep serve`: the web UI and HTTP API over the ledger.

use anyhow::{Context as _, Result};
use std::io::Write;
use std::net::SocketAddr;

pub fn run(out: &mut dyn Write, db: &str, addr: &str, token: Option<String>) -> Result<()> {
    let options = sitrep_server::Options { token, ..sitrep_server::Options::default() };
    let state = sitrep_server::AppState::open(db, options).with_context(|| format!("opening the ledger {db}"))?;
    let writes = state.writes_enabled();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async {
        let listener = sitrep_server::bind(addr).await?;
        let local: SocketAddr = listener.local_addr().context("reading the bound address")?;
        writeln!(out, "sitrep serve: http://{local}/  (ledger {db})")?;
        writeln!(
            out,
            "  API: http://{local}/api/events, OpenAPI: http://{local}/api/openapi.json; writes {}",
            if writes { "enabled (POST /api/articles with the token)" } else { "disabled (read-only)" }
        )?;
        if !local.ip().is_loopback() {
            writeln!(out, "  warning: listening on {} — reachable from other machines", local.ip())?;
        }
        out.flush()?;
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        sitrep_server::serve(listener, sitrep_server::router(state), shutdown).await?;
        Ok(())
    })
}
