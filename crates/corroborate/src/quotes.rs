//! Quote groups: one utterance as printed by several outlets, and the wordings that change it.
use crate::entities::StoryEntities;
use crate::sources::Sources;
use crate::terms::{fold, is_function_word, StemCache};
use crate::CorroborateConfig;
use std::collections::{BTreeMap, BTreeSet};
use storyfold_model::text::words;
use storyfold_model::{Doc, QuoteGroup, QuoteVariant, Span};

/// Words on each side of a quote that describe where it sits ("declared a ... friendship").
const CONTEXT_WORDS: usize = 6;
/// Quotes with this many content words or fewer are fragments ("no-limits"): their own words
/// say too little, so the sentence around them must agree too.
const FRAGMENT_WORDS: usize = 2;

struct Record {
    doc: usize,
    span: Span,
    text: String,
    /// Folded words, every word (wording is what a variant is about).
    words: Vec<String>,
    /// Stems of the content words.
    content: BTreeSet<String>,
    before: BTreeSet<String>,
    after: BTreeSet<String>,
    speaker: Option<usize>,
    speaker_name: Option<String>,
}

fn stems_of(text: &str, stems: &mut StemCache) -> Vec<String> {
    words(text)
        .map(|w| fold(w.text))
        .filter(|w| w.chars().count() > 1 && !is_function_word(w))
        .map(|w| stems.stem(&w).to_string())
        .collect()
}

fn record(
    docs: &[Doc],
    d: usize,
    q: usize,
    entities: &StoryEntities,
    stems: &mut StemCache,
) -> Record {
    let doc = &docs[d];
    let quote = &doc.quotes[q];
    let sentence = doc
        .sentences
        .iter()
        .find(|s| s.span.start <= quote.span.start && quote.span.start < s.span.end)
        .map(|s| s.span)
        .unwrap_or(quote.span);
    // Byte bounds of the sentence around the quote (quote marks fall outside both sides).
    let before_text = doc.text.get(sentence.start..quote.span.start).unwrap_or("");
    let after_text = doc
        .text
        .get(quote.span.end..sentence.end.max(quote.span.end))
        .unwrap_or("");
    let before_words: Vec<&str> = words(before_text).map(|w| w.text).collect();
    let before: BTreeSet<String> = before_words[before_words.len().saturating_sub(CONTEXT_WORDS)..]
        .iter()
        .flat_map(|w| stems_of(w, stems))
        .collect();
    let after: BTreeSet<String> = words(after_text)
        .take(CONTEXT_WORDS)
        .flat_map(|w| stems_of(w.text, stems))
        .collect();
    let speaker = quote.speaker.as_deref().and_then(|s| entities.resolve(s));
    Record {
        doc: d,
        span: quote.span,
        text: quote.text.trim().to_string(),
        words: words(&quote.text).map(|w| fold(w.text)).collect(),
        content: stems_of(&quote.text, stems).into_iter().collect(),
        before,
        after,
        speaker,
        speaker_name: quote.speaker.clone(),
    }
}

fn contiguous_in(needle: &[String], haystack: &[String]) -> bool {
    !needle.is_empty()
        && needle.len() <= haystack.len()
        && haystack.windows(needle.len()).any(|w| w == needle)
}

fn dice(a: &BTreeSet<String>, b: &BTreeSet<String>) -> (usize, f32) {
    let shared = a.intersection(b).count();
    let total = a.len() + b.len();
    (
        shared,
        if total == 0 {
            0.0
        } else {
            2.0 * shared as f32 / total as f32
        },
    )
}

/// Whether two quotes report the same utterance.
fn same_utterance(a: &Record, b: &Record, config: &CorroborateConfig) -> bool {
    if a.words == b.words && !a.words.is_empty() {
        return true;
    }
    // (shared context words, dice of the contexts, whether each side agrees where both have one).
    let context = || {
        let (before, _) = dice(&a.before, &b.before);
        let (after, _) = dice(&a.after, &b.after);
        let all_a: BTreeSet<String> = a.before.union(&a.after).cloned().collect();
        let all_b: BTreeSet<String> = b.before.union(&b.after).cloned().collect();
        let (shared, score) = dice(&all_a, &all_b);
        let sides_ok = (a.before.is_empty() || b.before.is_empty() || before > 0)
            && (a.after.is_empty() || b.after.is_empty() || after > 0);
        (shared, score, sides_ok)
    };
    let small = a.content.len().min(b.content.len());
    if small <= FRAGMENT_WORDS {
        if a.doc == b.doc {
            return false;
        }
        let (shared, _) = dice(&a.content, &b.content);
        let contained = contiguous_in(&a.words, &b.words) || contiguous_in(&b.words, &a.words);
        let (context_shared, context_score, sides_ok) = context();
        // A fragment with the same words: the sentences around it must share something.
        if (contained || (small > 0 && shared == small)) && context_shared >= 1 {
            return true;
        }
        // Other words in the same place of agreeing sentences: a swapped scare quote.
        return a.content.len() <= FRAGMENT_WORDS
            && b.content.len() <= FRAGMENT_WORDS
            && context_score >= 0.5
            && context_shared >= 3
            && sides_ok;
    }
    if let (Some(x), Some(y)) = (a.speaker, b.speaker) {
        if x != y {
            return false;
        }
    }
    let (shared, _) = dice(&a.content, &b.content);
    shared >= 3.min(small) && shared as f32 / small as f32 >= config.quote_overlap
}

/// Words of `reference` dropped or replaced in `variant`, and words `variant` adds; words cut
/// off at either end (partial quoting) are not changes.
pub fn word_changes(reference: &[String], variant: &[String]) -> (Vec<String>, Vec<String>) {
    let (n, m) = (reference.len(), variant.len());
    let mut lcs = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if reference[i] == variant[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if reference[i] == variant[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    let mut removed: Vec<String> = Vec::new();
    let mut added: Vec<String> = Vec::new();
    let Some((&(i0, j0), &(i1, j1))) = pairs.first().zip(pairs.last()) else {
        return (reference.to_vec(), variant.to_vec());
    };
    // Ends: extra words on one side only are trimming; on both sides, a replacement.
    if i0 > 0 && j0 > 0 {
        removed.extend_from_slice(&reference[..i0]);
        added.extend_from_slice(&variant[..j0]);
    }
    let matched_ref: BTreeSet<usize> = pairs.iter().map(|p| p.0).collect();
    let matched_var: BTreeSet<usize> = pairs.iter().map(|p| p.1).collect();
    removed.extend(
        (i0..=i1)
            .filter(|k| !matched_ref.contains(k))
            .map(|k| reference[k].clone()),
    );
    added.extend(
        (j0..=j1)
            .filter(|k| !matched_var.contains(k))
            .map(|k| variant[k].clone()),
    );
    if i1 + 1 < n && j1 + 1 < m {
        removed.extend_from_slice(&reference[i1 + 1..]);
        added.extend_from_slice(&variant[j1 + 1..]);
    }
    (removed, added)
}

/// Groups the quotes of a story's docs.
pub(crate) fn group(
    config: &CorroborateConfig,
    docs: &[Doc],
    entities: &StoryEntities,
    sources: &Sources,
) -> Vec<QuoteGroup> {
    let mut stems = StemCache::default();
    let mut records = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        for q in 0..doc.quotes.len() {
            let r = record(docs, d, q, entities, &mut stems);
            if !r.words.is_empty() {
                records.push(r);
            }
        }
    }
    let mut parent: Vec<usize> = (0..records.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..records.len() {
        for j in i + 1..records.len() {
            if same_utterance(&records[i], &records[j], config) {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                if ri != rj {
                    parent[ri.max(rj)] = ri.min(rj);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..records.len() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let published = |d: usize| docs[d].published.as_ref().map(|p| p.date);
    let mut out: Vec<(usize, (usize, usize), QuoteGroup)> = Vec::new();
    for members in groups.into_values() {
        // Variants by wording, in order of first appearance.
        let mut variants: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
        for &m in &members {
            match variants.iter_mut().find(|v| v.0 == records[m].words) {
                Some(v) => v.1.push(m),
                None => variants.push((records[m].words.clone(), vec![m])),
            }
        }
        let reference = (0..variants.len())
            .min_by_key(|&v| {
                variants[v]
                    .1
                    .iter()
                    .map(|&m| {
                        let d = records[m].doc;
                        (sources.is_copy(d), published(d).is_none(), published(d), d)
                    })
                    .min()
            })
            .unwrap_or(0);
        // Unaltered: the reference, and any wording that is a contiguous part of (or contains
        // contiguously) an unaltered wording, to a fixpoint.
        let mut unaltered = vec![false; variants.len()];
        unaltered[reference] = true;
        loop {
            let mut changed = false;
            for v in 0..variants.len() {
                if unaltered[v] {
                    continue;
                }
                let ok = (0..variants.len()).any(|u| {
                    unaltered[u]
                        && (contiguous_in(&variants[v].0, &variants[u].0)
                            || contiguous_in(&variants[u].0, &variants[v].0))
                });
                if ok {
                    unaltered[v] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut articles: Vec<usize> = members.iter().map(|&m| records[m].doc).collect();
        articles.sort_unstable();
        articles.dedup();
        let mut speakers: BTreeMap<usize, usize> = BTreeMap::new();
        for &m in &members {
            if let Some(s) = records[m].speaker {
                *speakers.entry(s).or_default() += 1;
            }
        }
        let speaker = speakers
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(s, _)| entities.entities[*s].name.clone())
            .or_else(|| {
                members
                    .iter()
                    .find_map(|&m| records[m].speaker_name.clone())
            });
        let quote_variants: Vec<QuoteVariant> = variants
            .iter()
            .enumerate()
            .map(|(v, (wording, ms))| {
                let mut docs_of: Vec<usize> = ms.iter().map(|&m| records[m].doc).collect();
                docs_of.dedup();
                let (removed, added) = if unaltered[v] {
                    (Vec::new(), Vec::new())
                } else {
                    word_changes(&variants[reference].0, wording)
                };
                QuoteVariant {
                    text: records[ms[0]].text.clone(),
                    articles: docs_of
                        .iter()
                        .map(|&d| docs[d].article.id.clone())
                        .collect(),
                    altered: !(unaltered[v] || removed.is_empty() && added.is_empty()),
                    removed_words: removed,
                    added_words: added,
                }
            })
            .collect();
        let first = members
            .iter()
            .map(|&m| (records[m].doc, records[m].span.start))
            .min()
            .unwrap_or((0, 0));
        out.push((
            articles.len(),
            first,
            QuoteGroup {
                text: records[variants[reference].1[0]].text.clone(),
                speaker,
                articles: articles
                    .iter()
                    .map(|&d| docs[d].article.id.clone())
                    .collect(),
                variants: quote_variants,
            },
        ));
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    out.into_iter().map(|(_, _, g)| g).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn word_changes_ignore_trimming_but_catch_swaps() {
        let reference = w("we will strengthen our comprehensive strategic partnership");
        assert_eq!(
            word_changes(&reference, &w("strengthen our comprehensive")),
            (vec![], vec![])
        );
        let (removed, added) = word_changes(
            &reference,
            &w("we will continue to strengthen our strategic partnership"),
        );
        assert_eq!(removed, w("comprehensive"));
        assert_eq!(added, w("continue to"));
        let (removed, added) = word_changes(&w("no limits"), &w("borderless"));
        assert_eq!((removed, added), (w("no limits"), w("borderless")));
    }
}
