//! Expanding the paths a user gives into the list of input files, deterministically.

use crate::{Format, IngestError, InputFile, Origin, Skipped};
use std::collections::HashSet;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// Expand paths: files as they are; directories recursively (sorted by name, depth first; hidden
/// files and directories skipped); missing paths → `Skipped { code: "not_found" }`.
///
/// Symbolic links are followed; a directory reached twice (a link cycle) is walked once.
pub fn discover(paths: &[PathBuf]) -> (Vec<InputFile>, Vec<Skipped>) {
    let mut walk = Walk::default();
    for path in paths {
        walk.visit(path);
    }
    (walk.files, walk.skipped)
}

#[derive(Default)]
struct Walk {
    files: Vec<InputFile>,
    skipped: Vec<Skipped>,
    seen_dirs: HashSet<PathBuf>,
}

impl Walk {
    fn skip(&mut self, path: &Path, error: IngestError) {
        self.skipped.push(Skipped::new(Origin::file(path), error));
    }

    fn visit(&mut self, path: &Path) {
        let metadata = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound => return self.skip(path, IngestError::NotFound),
            Err(e) => return self.skip(path, IngestError::Io(e)),
        };
        if metadata.is_file() {
            self.files.push(InputFile { path: path.to_path_buf(), size: metadata.len(), format: Format::detect(path) });
        } else if metadata.is_dir() {
            self.walk_dir(path);
        } else {
            // Sockets, FIFOs and devices: reading them could block or never end.
            self.skip(path, IngestError::NotAFile);
        }
    }

    fn walk_dir(&mut self, dir: &Path) {
        let key = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !self.seen_dirs.insert(key) {
            return;
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return self.skip(dir, IngestError::Io(e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => names.push(entry.file_name()),
                Err(e) => return self.skip(dir, IngestError::Io(e)),
            }
        }
        names.sort();
        for name in names {
            if name.as_encoded_bytes().starts_with(b".") {
                continue;
            }
            self.visit(&dir.join(name));
        }
    }
}
