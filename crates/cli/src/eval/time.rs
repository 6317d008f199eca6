//! `storyfold eval time`: TempEval-3 extent and value scores on TimeBank and AQUAINT (TimeML).
//!
//! Each `.tml` file's `<TEXT>` is turned into plain text (tags removed, entities decoded) with the
//! gold TIMEX3 extents and values; the document creation time (the TIMEX3 with
//! `functionInDocument="CREATION_TIME"`) is the reference date. Scores are reported per folder
//! (`TimeBank`, `AQUAINT`, ...) and overall.
use super::require_data;
use clap::Args as ClapArgs;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use storyfold_analyze::score::{Counts, Timex};
use storyfold_analyze::AnalyzeConfig;

/// Arguments of `storyfold eval time`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Folder holding the `.tml` files (searched recursively).
    #[arg(long, default_value = "../shared/data/tempeval3/Training")]
    pub timebank: PathBuf,
    /// Print the figures as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Print up to N disagreements (missed, spurious, wrong value) of the named part, for error
    /// analysis, on stderr.
    #[arg(long, default_value_t = 0)]
    pub errors: usize,
    /// The part whose disagreements `--errors` prints.
    #[arg(long, default_value = "AQUAINT")]
    pub errors_part: String,
    /// Score only half of each folder's files (sorted by name): `dev` is the first half (the one
    /// read while writing rules), `heldout` the second (the unseen figure).
    #[arg(long, value_parser = ["dev", "heldout"])]
    pub half: Option<String>,
}

/// Keeps the first (`dev`) or second (`heldout`) half of each folder's sorted files.
fn keep_half(files: Vec<PathBuf>, half: &str) -> Vec<PathBuf> {
    let mut by_folder: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for f in files {
        let folder = f.parent().map(Path::to_path_buf).unwrap_or_default();
        by_folder.entry(folder).or_default().push(f);
    }
    by_folder
        .into_values()
        .flat_map(|mut v| {
            let cut = v.len().div_ceil(2);
            if half == "dev" {
                v.truncate(cut);
                v
            } else {
                v.split_off(cut)
            }
        })
        .collect()
}

/// One TimeML document.
struct Document {
    text: String,
    dct: Option<chrono::NaiveDate>,
    gold: Vec<Timex>,
}

/// Runs `storyfold eval time`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    require_data(&args.timebank, "the TempEval-3 TimeML files")?;
    let mut files = Vec::new();
    collect(&args.timebank, &mut files)?;
    files.sort();
    if let Some(half) = &args.half {
        files = keep_half(files, half);
    }
    if files.is_empty() {
        anyhow::bail!("{}: no .tml files found", args.timebank.display());
    }
    let analyzer = AnalyzeConfig::default().build()?;
    let mut parts: BTreeMap<String, (usize, Counts)> = BTreeMap::new();
    let mut overall = Counts::default();
    let mut shown = 0;
    for path in &files {
        let part = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = std::fs::read_to_string(path)?;
        let doc = parse(&source).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let system: Vec<Timex> = analyzer
            .timeml(&doc.text, doc.dct)
            .into_iter()
            .map(|t| Timex {
                start: t.span.start,
                end: t.span.end,
                value: t.value,
            })
            .collect();
        let mut counts = Counts::default();
        counts.add(&doc.gold, &system);
        overall.merge(&counts);
        let entry = parts.entry(part.clone()).or_default();
        entry.0 += 1;
        entry.1.merge(&counts);
        if args.errors > shown && part == args.errors_part {
            shown += print_errors(path, &doc, &system, args.errors - shown);
        }
    }
    let mut rows: Vec<(String, usize, Counts)> = parts
        .into_iter()
        .map(|(name, (n, counts))| (name, n, counts))
        .collect();
    rows.push(("overall".to_string(), files.len(), overall));
    if args.json {
        let value: serde_json::Map<String, serde_json::Value> = rows
            .iter()
            .map(|(name, n, c)| {
                (
                    name.clone(),
                    serde_json::json!({"documents": n, "gold": c.gold, "system": c.system,
                                       "scores": c.scores()}),
                )
            })
            .collect();
        println!("{}", serde_json::Value::Object(value));
        return Ok(());
    }
    println!(
        "{:<12} {:>5} {:>5} {:>5} | {:>20} | {:>20} | {:>20} | {:>6}",
        "part", "docs", "gold", "sys", "strict P/R/F1", "relaxed P/R/F1", "value P/R/F1", "v.acc"
    );
    for (name, n, c) in &rows {
        let s = c.scores();
        let prf = |p: &storyfold_analyze::score::Prf| format!("{:.3}/{:.3}/{:.3}", p.p, p.r, p.f1);
        println!(
            "{:<12} {:>5} {:>5} {:>5} | {:>20} | {:>20} | {:>20} | {:>6.3}",
            name,
            n,
            c.gold,
            c.system,
            prf(&s.strict),
            prf(&s.relaxed),
            prf(&s.value),
            s.value_accuracy
        );
    }
    Ok(())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "tml") {
            out.push(path);
        }
    }
    Ok(())
}

fn print_errors(path: &Path, doc: &Document, system: &[Timex], budget: usize) -> usize {
    let mut lines = Vec::new();
    let show = |t: &Timex| format!("{:?}={}", &doc.text[t.start..t.end], t.value);
    for g in &doc.gold {
        let hit = system.iter().find(|s| s.start < g.end && g.start < s.end);
        match hit {
            None => lines.push(format!("missed   {}", show(g))),
            Some(s) if s.value != g.value || s.start != g.start || s.end != g.end => {
                lines.push(format!("differs  gold {}  sys {}", show(g), show(s)))
            }
            _ => {}
        }
    }
    for s in system {
        if !doc.gold.iter().any(|g| s.start < g.end && g.start < s.end) {
            lines.push(format!("spurious {}", show(s)));
        }
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let dct = doc.dct.map(|d| d.to_string()).unwrap_or_default();
    let n = lines.len().min(budget);
    for line in lines.into_iter().take(n) {
        eprintln!("{name} [{dct}] {line}");
    }
    n
}

/// Parses one TimeML document.
fn parse(source: &str) -> anyhow::Result<Document> {
    let doc = storyfold_analyze::score::parse_timeml(source)
        .ok_or_else(|| anyhow::anyhow!("not a TimeML document (no <TEXT> or an unclosed tag)"))?;
    Ok(Document {
        text: doc.text,
        dct: doc.dct,
        gold: doc.gold,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_split_each_folder_in_name_order() {
        let files: Vec<PathBuf> = ["a/1.tml", "a/2.tml", "a/3.tml", "b/1.tml", "b/2.tml"]
            .into_iter()
            .map(PathBuf::from)
            .collect();
        let dev = keep_half(files.clone(), "dev");
        let heldout = keep_half(files, "heldout");
        let names = |v: &[PathBuf]| {
            v.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&dev), ["a/1.tml", "a/2.tml", "b/1.tml"]);
        assert_eq!(names(&heldout), ["a/3.tml", "b/2.tml"]);
    }

    #[test]
    fn parses_timeml_text_gold_and_creation_time() {
        let source = "<DCT><TIMEX3 tid=\"t0\" type=\"DATE\" value=\"1998-01-08\" \
                      functionInDocument=\"CREATION_TIME\">19980108</TIMEX3></DCT>\n<TEXT>\n\
                      Sales &amp; profit <EVENT eid=\"e1\">rose</EVENT> \
                      <TIMEX3 tid=\"t1\" type=\"DATE\" value=\"1998-01-07\">yesterday</TIMEX3>.\
                      </TEXT>";
        let doc = parse(source).expect("parses");
        assert_eq!(doc.dct, chrono::NaiveDate::from_ymd_opt(1998, 1, 8));
        assert_eq!(doc.gold.len(), 1);
        let g = &doc.gold[0];
        assert_eq!(&doc.text[g.start..g.end], "yesterday");
        assert!(doc.text.contains("Sales & profit rose"));
    }
}
