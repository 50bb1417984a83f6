//! What an evaluation returns: headline scores, all numbers as JSON, the method in words, tables.

use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// One evaluation's result. Serialised (without the tables, whose numbers are all in
/// `numbers`) as one JSON object by `sitrep eval --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub evaluation: String,
    pub title: String,
    /// Data files read, relative to the data folder.
    pub inputs: Vec<String>,
    /// How items were given to the system and how its output was matched, in words.
    pub method: Vec<String>,
    /// Whether only part of the data was used, and which part.
    pub sample: Option<String>,
    /// The scores `--check` compares: shares in 0..1, higher is better.
    pub headline: BTreeMap<String, f64>,
    /// Every number the tables show, and more.
    pub numbers: serde_json::Value,
    /// Wall-clock seconds (release builds are what the README quotes).
    pub seconds: f64,
    #[serde(skip)]
    pub tables: Vec<Table>,
}

impl Report {
    pub fn new(evaluation: &str, title: &str) -> Report {
        Report {
            evaluation: evaluation.to_string(),
            title: title.to_string(),
            inputs: Vec::new(),
            method: Vec::new(),
            sample: None,
            headline: BTreeMap::new(),
            numbers: serde_json::Value::Null,
            seconds: 0.0,
            tables: Vec::new(),
        }
    }

    /// Adds a headline score when it is defined (a share of nothing is left out, not 0).
    pub fn score(&mut self, name: &str, value: Option<f64>) {
        if let Some(v) = value {
            self.headline.insert(name.to_string(), round4(v));
        }
    }

    /// The report as text: title, inputs, method, tables, headline scores.
    pub fn render(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "== {}: {}", self.evaluation, self.title)?;
        writeln!(out, "data: {}", self.inputs.join(", "))?;
        if let Some(sample) = &self.sample {
            writeln!(out, "sample: {sample}")?;
        }
        for m in &self.method {
            writeln!(out, "how: {m}")?;
        }
        for t in &self.tables {
            writeln!(out)?;
            t.render(out)?;
        }
        writeln!(out)?;
        let scores: Vec<String> = self.headline.iter().map(|(k, v)| format!("{k} {v:.4}")).collect();
        writeln!(out, "headline: {}", if scores.is_empty() { "(none)".to_string() } else { scores.join("  ") })?;
        writeln!(out, "time: {:.1} s", self.seconds)?;
        writeln!(out)?;
        Ok(())
    }
}

/// A titled table of strings; numbers are formatted by whoever fills it.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(title: &str, header: &[&str]) -> Table {
        Table { title: title.to_string(), header: header.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Columns padded to their widest cell; columns of numbers right-aligned, text left.
    pub fn render(&self, out: &mut dyn Write) -> std::io::Result<()> {
        if !self.title.is_empty() {
            writeln!(out, "{}", self.title)?;
        }
        let columns = self.rows.iter().map(Vec::len).chain([self.header.len()]).max().unwrap_or(0);
        let mut widths = vec![0usize; columns];
        for r in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in r.iter().enumerate() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        // A column whose body cells are all numbers is right-aligned, header included.
        let right: Vec<bool> = (0..columns)
            .map(|i| {
                let cells: Vec<&str> =
                    self.rows.iter().filter_map(|r| r.get(i)).map(String::as_str).filter(|c| !c.is_empty()).collect();
                i > 0 && !cells.is_empty() && cells.iter().all(|c| numeric(c))
            })
            .collect();
        let line = |cells: &[String]| -> String {
            let mut s = String::from(" ");
            for (i, w) in widths.iter().enumerate() {
                let c = cells.get(i).map(String::as_str).unwrap_or("");
                let pad = w.saturating_sub(c.chars().count());
                s.push(' ');
                if !right[i] {
                    s.push_str(c);
                    s.push_str(&" ".repeat(pad));
                } else {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(c);
                }
                s.push(' ');
            }
            s.trim_end().to_string()
        };
        if !self.header.is_empty() {
            writeln!(out, "{}", line(&self.header))?;
            let total: usize = widths.iter().map(|w| w + 2).sum::<usize>() + 1;
            writeln!(out, " {}", "-".repeat(total.saturating_sub(1)))?;
        }
        for r in &self.rows {
            writeln!(out, "{}", line(r))?;
        }
        Ok(())
    }
}

/// Whether a cell reads as a number ("12", "0.512", "-", "3 (0.25)"): those are right-aligned.
fn numeric(cell: &str) -> bool {
    cell == "-"
        || (cell.chars().any(|c| c.is_ascii_digit())
            && cell.chars().all(|c| c.is_ascii_digit() || " .,-+/%()".contains(c)))
}

/// Rounds to four decimals (the precision the JSON keeps).
pub fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// A share as text: "0.512" or "-" when undefined.
pub fn fmt_share(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.3}")).unwrap_or_else(|| "-".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns() {
        let mut t = Table::new("t", &["label", "n"]);
        t.row(vec!["a".into(), "10".into()]);
        t.row(vec!["long label".into(), "2".into()]);
        let mut out = Vec::new();
        t.render(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "t");
        assert_eq!(lines[1], "  label        n");
        assert_eq!(lines[3], "  a           10");
        assert_eq!(lines[4], "  long label   2");
        assert!(numeric("0.512") && numeric("3 (0.25)") && numeric("-") && !numeric("Attack") && !numeric(""));
    }

    #[test]
    fn undefined_scores_are_left_out() {
        let mut r = Report::new("x", "y");
        r.score("a", Some(0.123456));
        r.score("b", None);
        assert_eq!(r.headline.len(), 1);
        assert_eq!(r.headline["a"], 0.1235);
        let json = serde_json::to_value(&r).unwrap();
        assert!(json.get("tables").is_none());
        assert_eq!(json["evaluation"], "x");
    }
}
