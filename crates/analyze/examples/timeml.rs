//! Scores the analyzer on TimeML files (the same figures as `storyfold eval time`), without the
//! CLI: `cargo run --release -p storyfold-analyze --example timeml -- DIR [--errors N] [PART]
//! [--half dev|heldout]`. `--half dev` keeps the first half of each folder's files (sorted by
//! name), `--half heldout` the second half: rules are written looking at `dev` only, and
//! `heldout` is the unseen figure. `--fold a|b` then keeps the even- or odd-numbered files of that
//! selection (sorted by path), so a rule found on one fold can be checked on the other.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use storyfold_analyze::score::{parse_timeml, Counts, Timex};
use storyfold_analyze::AnalyzeConfig;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "tml") {
            out.push(path);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(args.first().map(String::as_str).unwrap_or("."));
    let errors: usize = args
        .iter()
        .position(|a| a == "--errors")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let context = args.iter().any(|a| a == "--context");
    let only = args.get(3).cloned().filter(|a| !a.starts_with("--"));
    let half = args
        .iter()
        .position(|a| a == "--half")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let fold = args
        .iter()
        .position(|a| a == "--fold")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    if let Some(half) = half {
        let mut by_folder: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        for f in files {
            let folder = f.parent().map(Path::to_path_buf).unwrap_or_default();
            by_folder.entry(folder).or_default().push(f);
        }
        files = by_folder
            .into_values()
            .flat_map(|v| {
                let cut = v.len().div_ceil(2);
                if half == "dev" {
                    v[..cut].to_vec()
                } else {
                    v[cut..].to_vec()
                }
            })
            .collect();
    }
    if let Some(fold) = fold {
        let keep = usize::from(fold == "b");
        files = files
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == keep)
            .map(|(_, f)| f)
            .collect();
    }
    let analyzer = AnalyzeConfig::default()
        .build()
        .expect("default config builds");
    let mut parts: BTreeMap<String, Counts> = BTreeMap::new();
    let mut overall = Counts::default();
    for path in &files {
        let part = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = std::fs::read_to_string(path).expect("readable file");
        let Some(doc) = parse_timeml(&source) else {
            continue;
        };
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
        parts.entry(part.clone()).or_default().merge(&counts);
        if errors > 0 && only.as_deref().is_none_or(|o| o == part) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            let show = |t: &Timex| format!("{:?}={}", &doc.text[t.start..t.end], t.value);
            let dct = doc.dct.map(|d| d.to_string()).unwrap_or_default();
            for g in &doc.gold {
                match system.iter().find(|s| s.start < g.end && g.start < s.end) {
                    None => println!("MISS {name} [{dct}] {}", show(g)),
                    Some(s) if s.value != g.value => {
                        println!("VAL  {name} [{dct}] gold {} sys {}", show(g), show(s));
                        if context {
                            let mut a = g.start.saturating_sub(90);
                            while !doc.text.is_char_boundary(a) {
                                a -= 1;
                            }
                            let mut b = (g.end + 60).min(doc.text.len());
                            while !doc.text.is_char_boundary(b) {
                                b += 1;
                            }
                            println!("     | {}", doc.text[a..b].replace('\n', " "));
                        }
                    }
                    Some(s) if s.start != g.start || s.end != g.end => {
                        println!("EXT  {name} [{dct}] gold {} sys {}", show(g), show(s))
                    }
                    _ => {}
                }
            }
            for s in &system {
                if !doc.gold.iter().any(|g| s.start < g.end && g.start < s.end) {
                    println!("SPUR {name} [{dct}] {}", show(s));
                }
            }
        }
    }
    parts.insert("overall".into(), overall);
    for (name, c) in &parts {
        let s = c.scores();
        println!(
            "{name:<12} gold {:>5} sys {:>5} strict {:.3} relaxed {:.3} (P {:.3} R {:.3}) value F1 {:.3} acc {:.3}",
            c.gold, c.system, s.strict.f1, s.relaxed.f1, s.relaxed.p, s.relaxed.r, s.value.f1, s.value_accuracy
        );
    }
}
