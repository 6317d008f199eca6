//! Readable views of stories for the terminal, and the JSON printers.
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;
use storyfold::model::{ArticleId, DocumentStory};
use storyfold::{Store, StorySummary};

/// How much of a story to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Title, articles with roles, brief.
    Summary,
    /// Also claims, quotes, timeline.
    Full,
    /// Full, plus why each article was grouped.
    Why,
}

/// Opens a store that must already exist (viewers never create one).
pub fn open_existing(path: &Path) -> anyhow::Result<Store> {
    if !path.exists() {
        anyhow::bail!(
            "{}: no store here; run `storyfold run INPUT...` first or pass --store",
            path.display()
        );
    }
    Ok(Store::open_read_only(path)?)
}

/// Prints one JSON document on one line.
pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut text = serde_json::to_string(value)?;
    text.push('\n');
    emit(&text)
}

/// Prints story list lines (or JSON Lines).
pub fn print_summaries(stories: &[StorySummary], json: bool) -> anyhow::Result<()> {
    let mut out = String::new();
    for story in stories {
        if json {
            out.push_str(&serde_json::to_string(story)?);
            out.push('\n');
        } else {
            let _ = writeln!(
                out,
                "{}  {}  [{} articles, {} outlets, {} independent; {}]",
                story.id,
                story.title,
                story.articles,
                story.outlets,
                story.independent_sources,
                date_range(story.first_seen.as_deref(), story.last_seen.as_deref()),
            );
        }
    }
    if stories.is_empty() && !json {
        out.push_str("No stories.\n");
    }
    emit(&out)
}

/// Prints stories readably.
pub fn print_stories(stories: &[DocumentStory], detail: Detail) -> anyhow::Result<()> {
    let mut out = String::new();
    for story in stories {
        render_story(&mut out, story, detail);
    }
    emit(&out)
}

fn render_story(out: &mut String, story: &DocumentStory, detail: Detail) {
    let number: BTreeMap<&ArticleId, usize> = story
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (&a.id, i + 1))
        .collect();
    let cite = |ids: &[ArticleId]| -> String {
        ids.iter()
            .filter_map(|id| number.get(id))
            .map(|n| format!("[{n}]"))
            .collect::<String>()
    };
    let _ = writeln!(out, "━━ {}  {}", story.id, story.title);
    let _ = writeln!(
        out,
        "   {} articles · {} outlets · {} independent sources · {}",
        story.articles.len(),
        story.outlets,
        story.independent_sources,
        date_range(story.first_seen.as_deref(), story.last_seen.as_deref())
    );
    if !story.aliases.is_empty() {
        let aliases: Vec<&str> = story.aliases.iter().map(|a| a.as_str()).collect();
        let _ = writeln!(out, "   merged: {}", aliases.join(", "));
    }
    let _ = writeln!(out, "\n   Articles");
    for (index, article) in story.articles.iter().enumerate() {
        let role = match (&article.copy_of, &article.copy_kind) {
            (Some(original), Some(kind)) => format!(
                "{kind} copy of [{}] ({:.2})",
                number.get(original).copied().unwrap_or(0),
                article.copy_similarity.unwrap_or(0.0)
            ),
            _ => "original".to_string(),
        };
        let published = match (&article.published, article.published_inferred) {
            (Some(date), true) => format!("~{date} (inferred)"),
            (Some(date), false) => date.clone(),
            (None, _) => "undated".to_string(),
        };
        let _ = writeln!(
            out,
            "   [{}] {:<28} {:<22} {}  {}",
            index + 1,
            truncate(article.outlet.as_deref().unwrap_or(article.id.as_str()), 28),
            published,
            role,
            truncate(article.title.as_deref().unwrap_or(""), 60),
        );
    }
    if detail != Detail::Summary {
        if !story.claims.is_empty() {
            let count = |status: &str| story.claims.iter().filter(|c| c.status == status).count();
            let _ = writeln!(
                out,
                "\n   Claims: {} ({} corroborated · {} single-source · {} contradicted)",
                story.claims.len(),
                count("corroborated"),
                count("single-source"),
                count("contradicted")
            );
            let _ = writeln!(out, "   (independent sources · status)");
            for (index, claim) in story.claims.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "   c{index:<3} {:>2} · {:<13} {} {}",
                    claim.independent_sources,
                    claim.status,
                    truncate(&claim.text, 110),
                    cite(&claim.articles)
                );
                for contradiction in &claim.contradictions {
                    let _ = writeln!(
                        out,
                        "          ✗ {:?}: {:?} here vs {:?} in c{}: “{}” [{}]",
                        contradiction.kind,
                        contradiction.this_value,
                        contradiction.other_value,
                        contradiction.other,
                        truncate(&contradiction.other_span.text, 80),
                        number
                            .get(&contradiction.other_span.article)
                            .copied()
                            .unwrap_or(0)
                    );
                }
            }
        }
        if !story.quotes.is_empty() {
            let _ = writeln!(out, "\n   Quotes");
            for quote in &story.quotes {
                let speaker = quote.speaker.as_deref().unwrap_or("unattributed");
                let _ = writeln!(
                    out,
                    "   “{}” — {speaker} {}",
                    truncate(&quote.text, 100),
                    cite(&quote.articles)
                );
                let verbatim: Vec<ArticleId> = quote
                    .variants
                    .iter()
                    .filter(|v| !v.altered)
                    .flat_map(|v| v.articles.iter().cloned())
                    .collect();
                if quote.variants.len() > 1 {
                    let _ = writeln!(
                        out,
                        "      {} wordings; as the reference (or part of it): {}",
                        quote.variants.len(),
                        cite(&verbatim)
                    );
                }
                for variant in quote.variants.iter().filter(|v| v.altered) {
                    let _ = writeln!(
                        out,
                        "      ALTERED “{}” {}  (-{} +{})",
                        truncate(&variant.text, 90),
                        cite(&variant.articles),
                        variant.removed_words.join(" "),
                        variant.added_words.join(" ")
                    );
                }
            }
        }
        if !story.timeline.is_empty() {
            let _ = writeln!(out, "\n   Timeline (when it happened · reported)");
            for entry in &story.timeline {
                let when = match &entry.end_date {
                    Some(end) => format!("{}..{end}", entry.date),
                    None => entry.date.clone(),
                };
                let _ = writeln!(
                    out,
                    "   {when:<23} {} {}  (reported {})",
                    truncate(&entry.text, 90),
                    cite(&entry.articles),
                    entry.reported.join(", ")
                );
            }
        }
    }
    if !story.brief.is_empty() {
        let _ = writeln!(out, "\n   Brief");
        for sentence in &story.brief {
            let _ = writeln!(out, "   • {} {}", sentence.text, cite(&sentence.articles));
        }
    }
    if detail == Detail::Why {
        let _ = writeln!(out, "\n   Why grouped");
        for reason in &story.why {
            let components: Vec<String> = reason
                .components
                .iter()
                .map(|(name, score)| format!("{name} {score:.2}"))
                .collect();
            let _ = writeln!(
                out,
                "   [{}] score {:.2} ({}) {}",
                number.get(&reason.article).copied().unwrap_or(0),
                reason.score,
                components.join(", "),
                reason.summary
            );
            if !reason.shared_entities.is_empty() || !reason.shared_terms.is_empty() {
                let _ = writeln!(
                    out,
                    "        shared entities: {}; terms: {}",
                    reason.shared_entities.join(", "),
                    reason.shared_terms.join(", ")
                );
            }
        }
    }
    out.push('\n');
}

fn date_range(first: Option<&str>, last: Option<&str>) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a} .. {b}"),
        _ => "undated".to_string(),
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
