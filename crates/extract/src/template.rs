//! Cross-document template learning for the online pipeline: paragraphs that recur across many
//! *unrelated* articles (of one outlet, or of any outlets) are page template (newsletter pitches,
//! standing disclaimers, section blurbs), not reporting.
//!
//! "Unrelated" matters: a wire story's paragraphs recur across every outlet that runs it, and
//! those are the evidence dedup and corroboration need. For each paragraph, an article gets a
//! min-hash sketch of the word 3-grams of its *other* paragraphs (3-grams never cross a paragraph
//! boundary); two sightings of a paragraph whose sketches agree on `RELATED_MATCHES` or more of
//! `SKETCH` values come from copies of one text (each value agrees with chance equal to the
//! Jaccard similarity of the rest of the two texts: near 1 for wire copies, near 0 for
//! unrelated articles that share only a footer, whatever their length) and count once. A
//! paragraph is template once it has appeared in `min_outlet_articles` unrelated articles of one
//! outlet, or in `min_articles` unrelated articles overall.
//!
//! Memory is bounded: at most `max_tracked_lines` paragraphs are tracked; past that the rarest
//! (fewest unrelated articles, then least recently seen, then lowest hash) are evicted in one
//! pass down to nine tenths of the cap. Everything is ordered, so the same input in the same
//! order gives the same state and output.
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use storyfold_model::{Article, ContentHash};
use xxhash_rust::xxh3::xxh3_64;

/// Settings of the template learner.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TemplateConfig {
    /// Unrelated articles of one outlet a paragraph must appear in to count as template.
    pub min_outlet_articles: usize,
    /// Unrelated articles of any outlets a paragraph must appear in to count as template.
    pub min_articles: usize,
    /// Paragraphs longer than this (in words) are never template: long text is reporting.
    pub max_words: usize,
    /// Most paragraphs tracked at once.
    pub max_tracked_lines: usize,
}

impl Default for TemplateConfig {
    fn default() -> Self {
        Self {
            min_outlet_articles: 3,
            min_articles: 5,
            max_words: 60,
            max_tracked_lines: 50_000,
        }
    }
}

impl TemplateConfig {
    fn validate(&self) -> Result<()> {
        if self.min_outlet_articles < 2 || self.min_articles < 2 {
            return Err(Error::Config {
                reason: "template thresholds must be at least 2 articles".into(),
            });
        }
        if self.max_tracked_lines == 0 {
            return Err(Error::Config {
                reason: "max_tracked_lines must be positive".into(),
            });
        }
        Ok(())
    }

    /// Builds an empty learner.
    ///
    /// # Errors
    /// [`Error::Config`] when a threshold is below 2 or the cap is zero.
    pub fn build(&self) -> Result<TemplateLearner> {
        TemplateLearner::resume(self, TemplateState::default())
    }
}

/// One article a tracked paragraph appeared in.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sighting {
    /// Hash of the article's outlet (0 when unknown).
    pub outlet: u64,
    /// Min-hash sketch of the article's other paragraphs.
    pub sketch: [u64; SKETCH],
}

/// What is known about one tracked paragraph.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct LineStats {
    /// Unrelated articles it appeared in (capped: enough to decide).
    pub sightings: Vec<Sighting>,
    /// Sequence number of the last article it appeared in.
    pub last_seen: u64,
}

/// The learner's state, for the store to save and [`TemplateLearner::resume`] to restore.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct TemplateState {
    /// Articles processed.
    pub articles: u64,
    /// Tracked paragraphs by hash of their normalised text.
    pub lines: BTreeMap<u64, LineStats>,
}

/// Learns template paragraphs as articles arrive and strips the known ones.
#[derive(Clone, Debug)]
pub struct TemplateLearner {
    config: TemplateConfig,
    state: TemplateState,
}

/// Min-hash values per sketch.
const SKETCH: usize = 8;
/// Agreeing values that make two sightings copies of one text: with 8 values, texts whose rest
/// has Jaccard similarity 0.7 (a lightly edited wire copy) agree on 3 or more with probability
/// 0.99; rests sharing under 5% agree on 3 or more with probability under 0.01.
const RELATED_MATCHES: usize = 3;

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser: one cheap, well-mixed hash per seed.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Min-hash values of one paragraph's lower-cased word 3-grams (a shorter paragraph is one
/// gram of all its words).
fn paragraph_mins(paragraph: &str) -> [u64; SKETCH] {
    let words: Vec<String> = paragraph
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let mut mins = [u64::MAX; SKETCH];
    let n = if words.len() >= 3 {
        words.len() - 2
    } else {
        usize::from(!words.is_empty())
    };
    for i in 0..n {
        let gram = words[i..(i + 3).min(words.len())].join(" ");
        let base = xxh3_64(gram.as_bytes());
        for (seed, min) in mins.iter_mut().enumerate() {
            *min = (*min).min(mix(
                base ^ (seed as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ));
        }
    }
    mins
}

/// For each paragraph, the min-hash sketch of all the *other* paragraphs: prefix and suffix
/// minima, so the whole article costs one pass.
fn sketches_without_each(paragraphs: &[String]) -> Vec<[u64; SKETCH]> {
    let mins: Vec<[u64; SKETCH]> = paragraphs.iter().map(|p| paragraph_mins(p)).collect();
    let combine = |a: &[u64; SKETCH], b: &[u64; SKETCH]| -> [u64; SKETCH] {
        std::array::from_fn(|i| a[i].min(b[i]))
    };
    let mut suffix = vec![[u64::MAX; SKETCH]; mins.len() + 1];
    for i in (0..mins.len()).rev() {
        suffix[i] = combine(&mins[i], &suffix[i + 1]);
    }
    let mut prefix = [u64::MAX; SKETCH];
    let mut out = Vec::with_capacity(mins.len());
    for (i, m) in mins.iter().enumerate() {
        out.push(combine(&prefix, &suffix[i + 1]));
        prefix = combine(&prefix, m);
    }
    out
}

/// Whether two sightings come from copies of one text. Empty sketches (an article that is only
/// this paragraph) relate to nothing: nothing else is shared.
fn related(a: &[u64; SKETCH], b: &[u64; SKETCH]) -> bool {
    a.iter()
        .zip(b)
        .filter(|(x, y)| x == y && **x != u64::MAX)
        .count()
        >= RELATED_MATCHES
}

fn line_key(paragraph: &str) -> Option<u64> {
    let norm: String = paragraph
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (!norm.is_empty()).then(|| xxh3_64(norm.as_bytes()))
}

impl TemplateLearner {
    /// Restores a learner from saved state.
    ///
    /// # Errors
    /// [`Error::Config`] when the config is invalid.
    pub fn resume(config: &TemplateConfig, state: TemplateState) -> Result<Self> {
        config.validate()?;
        let mut learner = Self {
            config: config.clone(),
            state,
        };
        learner.evict();
        Ok(learner)
    }

    /// The state to save.
    pub fn state(&self) -> &TemplateState {
        &self.state
    }

    fn keep_sightings(&self) -> usize {
        self.config
            .min_outlet_articles
            .max(self.config.min_articles)
    }

    fn is_template(&self, stats: &LineStats) -> bool {
        if stats.sightings.len() >= self.config.min_articles {
            return true;
        }
        let mut per_outlet: BTreeMap<u64, usize> = BTreeMap::new();
        for s in stats.sightings.iter().filter(|s| s.outlet != 0) {
            *per_outlet.entry(s.outlet).or_default() += 1;
        }
        per_outlet
            .values()
            .any(|&n| n >= self.config.min_outlet_articles)
    }

    /// Learns from `article`, then moves its known template paragraphs to `boilerplate` and
    /// recomputes `content_hash`. An article is never stripped to nothing.
    pub fn process(&mut self, mut article: Article) -> Article {
        self.state.articles += 1;
        let seq = self.state.articles;
        let keys: Vec<Option<u64>> = article
            .paragraphs
            .iter()
            .map(|p| {
                (p.split_whitespace().count() <= self.config.max_words)
                    .then(|| line_key(p))
                    .flatten()
            })
            .collect();
        let sketches = sketches_without_each(&article.paragraphs);
        let outlet = article
            .outlet
            .as_deref()
            .map(|o| xxh3_64(o.trim().to_lowercase().as_bytes()).max(1))
            .unwrap_or(0);
        let keep = self.keep_sightings();
        let mut done = BTreeSet::new();
        for (key, sketch) in keys.iter().zip(&sketches) {
            let Some(key) = *key else { continue };
            // A paragraph repeated inside one article is one sighting.
            if !done.insert(key) {
                continue;
            }
            let stats = self.state.lines.entry(key).or_default();
            stats.last_seen = seq;
            let copy = stats.sightings.iter().any(|s| related(&s.sketch, sketch));
            if !copy && stats.sightings.len() < keep {
                stats.sightings.push(Sighting {
                    outlet,
                    sketch: *sketch,
                });
            }
        }
        let template: Vec<bool> = keys
            .iter()
            .map(|k| {
                k.and_then(|k| self.state.lines.get(&k))
                    .is_some_and(|s| self.is_template(s))
            })
            .collect();
        if template.iter().any(|t| *t) && !template.iter().all(|t| *t) {
            let paragraphs = std::mem::take(&mut article.paragraphs);
            for (p, t) in paragraphs.into_iter().zip(template) {
                if t {
                    article.boilerplate.push(p);
                } else {
                    article.paragraphs.push(p);
                }
            }
            article.content_hash = ContentHash::of_text(&article.text());
            tracing::debug!(article = %article.id, "Stripped template paragraphs.");
        }
        self.evict();
        article
    }

    fn evict(&mut self) {
        let cap = self.config.max_tracked_lines;
        if self.state.lines.len() <= cap {
            return;
        }
        let target = cap - cap / 10;
        let mut order: Vec<(usize, u64, u64)> = self
            .state
            .lines
            .iter()
            .map(|(k, s)| (s.sightings.len(), s.last_seen, *k))
            .collect();
        order.sort_unstable();
        let excess = self.state.lines.len() - target;
        for (_, _, key) in order.into_iter().take(excess) {
            self.state.lines.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use storyfold_model::ArticleId;

    fn article(id: &str, outlet: &str, paragraphs: &[&str]) -> Article {
        let paragraphs: Vec<String> = paragraphs.iter().map(|p| p.to_string()).collect();
        Article {
            id: ArticleId::from(id),
            source: id.into(),
            url: None,
            outlet: Some(outlet.into()),
            title: None,
            byline: None,
            published: None,
            language: None,
            content_hash: ContentHash::of_text(&paragraphs.join("\n\n")),
            paragraphs,
            boilerplate: Vec::new(),
        }
    }

    const BODIES: &[&str] = &[
        "Firefighters contained a blaze at the old mill late on Sunday evening.",
        "The school board approved a new lunch menu after months of debate.",
        "A rare owl was spotted nesting in the park for the first time since 1990.",
        "Council members voted to repave the harbour road before the summer season.",
        "The museum reopened its east wing with an exhibition of local pottery.",
        "Heavy rain flooded several basements along the river on Tuesday night.",
    ];

    const PITCH: &str = "Get our morning briefing in your inbox every day.";

    #[test]
    fn outlet_footer_is_learned_and_stripped() {
        let mut learner = TemplateConfig::default().build().unwrap();
        let mut last = None;
        for (i, body) in BODIES.iter().enumerate().take(3) {
            last = Some(learner.process(article(&format!("a{i}"), "Gazette", &[body, PITCH])));
        }
        let last = last.unwrap();
        assert_eq!(last.paragraphs.len(), 1);
        assert_eq!(last.boilerplate, [PITCH]);
        assert_eq!(last.content_hash, ContentHash::of_text(&last.text()));
    }

    #[test]
    fn wire_copies_do_not_make_template() {
        let mut learner = TemplateConfig::default().build().unwrap();
        let wire = [
            "The central bank raised rates by half a point.",
            "Markets fell on the news.",
        ];
        for i in 0..8 {
            let out = learner.process(article(&format!("w{i}"), &format!("Outlet {i}"), &wire));
            assert_eq!(out.paragraphs.len(), 2, "copy {i} was stripped");
        }
    }

    #[test]
    fn never_strips_everything() {
        let mut learner = TemplateConfig::default().build().unwrap();
        for (i, body) in BODIES.iter().enumerate().take(3) {
            learner.process(article(&format!("x{i}"), "Gazette", &[body, PITCH]));
        }
        let out = learner.process(article("only", "Gazette", &[PITCH]));
        assert_eq!(out.paragraphs, [PITCH]);
        assert!(out.boilerplate.is_empty());
    }

    #[test]
    fn state_round_trips_and_resumes() {
        let config = TemplateConfig::default();
        let mut a = config.build().unwrap();
        for (i, body) in BODIES.iter().enumerate().take(2) {
            a.process(article(&format!("a{i}"), "Gazette", &[body, PITCH]));
        }
        let json = serde_json::to_string(a.state()).unwrap();
        let state: TemplateState = serde_json::from_str(&json).unwrap();
        let mut b = TemplateLearner::resume(&config, state).unwrap();
        let out = b.process(article("a9", "Gazette", &[BODIES[4], PITCH]));
        assert_eq!(out.boilerplate, [PITCH]);
    }

    #[test]
    fn notice_across_many_outlets_is_learned() {
        let notice = "This story was produced with support from a reader-funded newsroom grant.";
        let mut learner = TemplateConfig::default().build().unwrap();
        let mut outs = Vec::new();
        for (i, body) in BODIES.iter().enumerate() {
            outs.push(learner.process(article(
                &format!("n{i}"),
                &format!("Outlet {i}"),
                &[body, notice],
            )));
        }
        // One outlet each: only the cross-outlet threshold (5 unrelated articles) applies.
        assert!(outs[..4].iter().all(|a| a.boilerplate.is_empty()));
        assert_eq!(outs[4].boilerplate, [notice]);
        assert_eq!(outs[5].paragraphs, [BODIES[5]]);
    }

    #[test]
    fn edited_wire_copies_keep_their_shared_paragraphs() {
        let mut learner = TemplateConfig::default().build().unwrap();
        let shared = [
            "The central bank raised its main rate by half a point on Thursday, the largest rise in two decades.",
            "Officials said inflation had stayed above target for too long and further rises were likely.",
            "Markets fell sharply after the announcement, with bank shares leading the decline.",
            "Economists had expected a smaller rise, according to a survey published last week.",
        ];
        for i in 0..8 {
            let intro = format!("Outlet {i} reports: rates are going up again.");
            let mut paragraphs = vec![intro.as_str()];
            paragraphs.extend(shared);
            let out = learner.process(article(
                &format!("w{i}"),
                &format!("Outlet {i}"),
                &paragraphs,
            ));
            assert_eq!(
                out.paragraphs.len(),
                5,
                "copy {i} was stripped: {:?}",
                out.boilerplate
            );
        }
    }

    #[test]
    fn resumed_learner_matches_uninterrupted_one() {
        let config = TemplateConfig::default();
        let inputs: Vec<Article> = BODIES
            .iter()
            .enumerate()
            .map(|(i, b)| article(&format!("r{i}"), "Gazette", &[b, PITCH]))
            .collect();
        let mut whole = config.build().unwrap();
        let expected: Vec<Article> = inputs.iter().cloned().map(|a| whole.process(a)).collect();
        let mut first = config.build().unwrap();
        let mut got: Vec<Article> = inputs[..2]
            .iter()
            .cloned()
            .map(|a| first.process(a))
            .collect();
        let saved: TemplateState =
            serde_json::from_str(&serde_json::to_string(first.state()).unwrap()).unwrap();
        let mut second = TemplateLearner::resume(&config, saved).unwrap();
        got.extend(inputs[2..].iter().cloned().map(|a| second.process(a)));
        assert_eq!(got, expected);
        assert_eq!(second.state(), whole.state());
    }

    #[test]
    fn bad_config_is_refused() {
        let config = TemplateConfig {
            min_articles: 1,
            ..TemplateConfig::default()
        };
        assert!(config.build().is_err());
    }

    proptest! {
        #[test]
        fn tracked_lines_stay_under_the_cap(lines in proptest::collection::vec("[a-z]{1,8}", 1..60)) {
            let config = TemplateConfig { max_tracked_lines: 10, ..TemplateConfig::default() };
            let mut learner = config.build().unwrap();
            for (i, chunk) in lines.chunks(3).enumerate() {
                let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
                learner.process(article(&i.to_string(), "o", &refs));
                prop_assert!(learner.state().lines.len() <= 10);
            }
        }

        #[test]
        fn same_input_same_state(lines in proptest::collection::vec("[a-c]{1,2}", 1..40)) {
            let run = || {
                let mut learner = TemplateConfig::default().build().unwrap();
                let mut out = Vec::new();
                for (i, chunk) in lines.chunks(4).enumerate() {
                    let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
                    out.push(learner.process(article(&i.to_string(), "o", &refs)));
                }
                (out, learner.state().clone())
            };
            prop_assert_eq!(run(), run());
        }
    }
}
