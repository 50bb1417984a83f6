//! Embeds the web UI in the binary: our files from `web/src/` and the front-end libraries from
//! `web/node_modules/` (installed with `npm ci` from the committed lock file when missing), so the
//! server needs nothing from the network at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (URL path, file under web/, content type).
const VENDOR: &[(&str, &str, &str)] = &[
    ("/assets/vendor/leaflet.js", "node_modules/leaflet/dist/leaflet.js", "text/javascript; charset=utf-8"),
    ("/assets/vendor/leaflet.css", "node_modules/leaflet/dist/leaflet.css", "text/css; charset=utf-8"),
    (
        "/assets/vendor/leaflet.markercluster.js",
        "node_modules/leaflet.markercluster/dist/leaflet.markercluster.js",
        "text/javascript; charset=utf-8",
    ),
    (
        "/assets/vendor/MarkerCluster.css",
        "node_modules/leaflet.markercluster/dist/MarkerCluster.css",
        "text/css; charset=utf-8",
    ),
    (
        "/assets/vendor/MarkerCluster.Default.css",
        "node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css",
        "text/css; charset=utf-8",
    ),
    (
        "/assets/vendor/topojson-client.min.js",
        "node_modules/topojson-client/dist/topojson-client.min.js",
        "text/javascript; charset=utf-8",
    ),
    // Natural Earth 1:50m country outlines (public domain), as TopoJSON.
    ("/assets/vendor/countries-50m.json", "node_modules/world-atlas/countries-50m.json", "application/json"),
];

const OURS: &[(&str, &str, &str)] = &[
    ("/index.html", "src/index.html", "text/html; charset=utf-8"),
    ("/assets/app.js", "src/app.js", "text/javascript; charset=utf-8"),
    ("/assets/style.css", "src/style.css", "text/css; charset=utf-8"),
    ("/assets/licenses.txt", "src/licenses.txt", "text/plain; charset=utf-8"),
];

fn npm_ci(web: &Path) {
    let status = Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(web).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("`npm ci` in {} failed ({s}): the web UI's libraries could not be installed", web.display()),
        Err(e) => panic!(
            "npm is needed once to install the web UI's libraries into {}/node_modules ({e}); \
             install Node.js and npm (Debian: apt-get install -y npm) and build again",
            web.display()
        ),
    }
}

fn main() {
    let web = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("web");
    println!("cargo:rerun-if-changed={}", web.join("package-lock.json").display());
    println!("cargo:rerun-if-changed={}", web.join("src").display());
    if VENDOR.iter().any(|(_, file, _)| !web.join(file).is_file()) {
        npm_ci(&web);
    }
    let mut code = String::from(
        "/// Embedded files: (URL path, content type, bytes).\npub static ASSETS: &[(&str, &str, &[u8])] = &[\n",
    );
    for (url, file, content_type) in VENDOR.iter().chain(OURS) {
        let path = web.join(file);
        assert!(path.is_file(), "missing web asset {}", path.display());
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(code, "    ({url:?}, {content_type:?}, include_bytes!({:?})),", path.display().to_string())
            .expect("write to string");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("assets.rs");
    std::fs::write(out, code).expect("write assets.rs");
}
