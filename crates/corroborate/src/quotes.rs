//! Quote groups: one utterance as printed by several outlets, and the wordings that change it.
use crate::entities::StoryEntities;
use crate::sources::Sources;
use crate::terms::{segment, DocWords, FxHashMap, WordCache};
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
    /// Folded words, every word (wording is what a variant is about), as ids of
    /// [`Words::folded`].
    words: Vec<u32>,
    /// Stems of the content words, as sorted, unique ids.
    content: Vec<u32>,
    before: Vec<u32>,
    after: Vec<u32>,
    /// `before` and `after` together (sorted, unique).
    context: Vec<u32>,
    speaker: Option<usize>,
    speaker_name: Option<String>,
}

/// The story's written words as the quotes need them, each worked out once per spelling: its
/// folded form and the stem of it when it is a content word (longer than one character, not a
/// function word), both as dense ids. Sets and sequences of ids compare as those of the
/// strings do; ids are never ordered against each other where it reaches the output.
#[derive(Default)]
struct Words {
    stem_ids: FxHashMap<String, u32>,
    folded_ids: FxHashMap<String, u32>,
    /// Folded word by id, to print the words a variant changes.
    folded: Vec<String>,
    /// By written word (index into the story's [`WordCache`]): folded id.
    folded_of: Vec<Option<u32>>,
    /// By written word: its stem id when it is a content word.
    content_of: Vec<Option<Option<u32>>>,
    /// By written word: the content stems of its text segmented again on its own (how the
    /// context words were always read).
    alone_of: Vec<Option<Vec<u32>>>,
}

impl Words {
    fn stem_id(&mut self, cache: &mut WordCache, w: u32) -> u32 {
        let stem = cache.stem(w);
        if let Some(&id) = self.stem_ids.get(stem) {
            return id;
        }
        let id = self.stem_ids.len() as u32;
        self.stem_ids.insert(stem.to_string(), id);
        id
    }

    fn grow(&mut self, cache: &WordCache) {
        let n = cache.infos.len();
        if self.folded_of.len() < n {
            self.folded_of.resize(n, None);
            self.content_of.resize(n, None);
            self.alone_of.resize(n, None);
        }
    }

    fn folded(&mut self, cache: &WordCache, w: u32) -> u32 {
        self.grow(cache);
        if let Some(id) = self.folded_of[w as usize] {
            return id;
        }
        let folded = &cache.infos[w as usize].folded;
        let id = match self.folded_ids.get(folded.as_str()) {
            Some(&id) => id,
            None => {
                let id = self.folded.len() as u32;
                self.folded_ids.insert(folded.clone(), id);
                self.folded.push(folded.clone());
                id
            }
        };
        self.folded_of[w as usize] = Some(id);
        id
    }

    fn content(&mut self, cache: &mut WordCache, w: u32) -> Option<u32> {
        self.grow(cache);
        if let Some(known) = self.content_of[w as usize] {
            return known;
        }
        let info = &cache.infos[w as usize];
        let is_content = !info.short && !info.function;
        let id = is_content.then(|| self.stem_id(cache, w));
        self.content_of[w as usize] = Some(id);
        id
    }

    /// The content stems of a written word's text segmented on its own.
    fn alone(&mut self, cache: &mut WordCache, w: u32, text: &str) -> &[u32] {
        self.grow(cache);
        if self.alone_of[w as usize].is_none() {
            let mut ids = Vec::new();
            for piece in words(text) {
                let p = cache.index(piece.text);
                if let Some(id) = self.content(cache, p) {
                    ids.push(id);
                }
            }
            self.alone_of[w as usize] = Some(ids);
        }
        self.alone_of[w as usize].as_deref().unwrap_or(&[])
    }
}

fn sorted_set(mut ids: Vec<u32>) -> Vec<u32> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// What [`record`] reads besides the quote: the story's docs, their words, its entities.
struct Context<'a> {
    docs: &'a [Doc],
    doc_words: &'a [DocWords],
    entities: &'a StoryEntities,
}

fn record(
    context: &Context,
    d: usize,
    q: usize,
    cache: &mut WordCache,
    vocabulary: &mut Words,
    tokens: &mut Vec<(usize, usize, u32)>,
) -> Record {
    let doc = &context.docs[d];
    let quote = &doc.quotes[q];
    let sentence = doc
        .sentences
        .iter()
        .find(|s| s.span.start <= quote.span.start && quote.span.start < s.span.end)
        .map(|s| s.span)
        .unwrap_or(quote.span);
    // Byte bounds of the sentence around the quote (quote marks fall outside both sides); a
    // range that is not a slice of the text reads as empty.
    let text = &doc.text;
    let mut before = Vec::new();
    if text.get(sentence.start..quote.span.start).is_some() {
        context.doc_words[d].within(text, sentence.start, quote.span.start, cache, tokens);
        for &(s, e, w) in &tokens[tokens.len().saturating_sub(CONTEXT_WORDS)..] {
            before.extend_from_slice(vocabulary.alone(cache, w, &text[s..e]));
        }
    }
    let mut after = Vec::new();
    let after_end = sentence.end.max(quote.span.end);
    if text.get(quote.span.end..after_end).is_some() {
        context.doc_words[d].within(text, quote.span.end, after_end, cache, tokens);
        for &(s, e, w) in tokens.iter().take(CONTEXT_WORDS) {
            after.extend_from_slice(vocabulary.alone(cache, w, &text[s..e]));
        }
    }
    tokens.clear();
    segment(&quote.text, 0, cache, tokens);
    let mut wording = Vec::with_capacity(tokens.len());
    let mut content = Vec::new();
    for &(_, _, w) in tokens.iter() {
        wording.push(vocabulary.folded(cache, w));
        if let Some(id) = vocabulary.content(cache, w) {
            content.push(id);
        }
    }
    let before = sorted_set(before);
    let after = sorted_set(after);
    let around = sorted_set(before.iter().chain(&after).copied().collect());
    let speaker = quote
        .speaker
        .as_deref()
        .and_then(|s| context.entities.resolve(s));
    Record {
        doc: d,
        span: quote.span,
        text: quote.text.trim().to_string(),
        words: wording,
        content: sorted_set(content),
        before,
        after,
        context: around,
        speaker,
        speaker_name: quote.speaker.clone(),
    }
}

fn contiguous_in<T: PartialEq>(needle: &[T], haystack: &[T]) -> bool {
    !needle.is_empty()
        && needle.len() <= haystack.len()
        && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The number of ids two sorted, unique lists share.
fn shared_count(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

fn dice(a: &[u32], b: &[u32]) -> (usize, f32) {
    let shared = shared_count(a, b);
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
        let (shared, score) = dice(&a.context, &b.context);
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
    changes(reference, variant)
}

/// [`word_changes`] over any words that compare for equality (the group compares word ids).
fn changes<T: PartialEq + Clone>(reference: &[T], variant: &[T]) -> (Vec<T>, Vec<T>) {
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
    let mut removed: Vec<T> = Vec::new();
    let mut added: Vec<T> = Vec::new();
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
    doc_words: &[DocWords],
    cache: &mut WordCache,
) -> Vec<QuoteGroup> {
    let context = Context {
        docs,
        doc_words,
        entities,
    };
    let mut vocabulary = Words::default();
    let mut tokens = Vec::new();
    let mut records = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        for q in 0..doc.quotes.len() {
            let r = record(&context, d, q, cache, &mut vocabulary, &mut tokens);
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
        let mut variants: Vec<(Vec<u32>, Vec<usize>)> = Vec::new();
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
                    let (removed, added) = changes(&variants[reference].0, wording);
                    let spell = |ids: Vec<u32>| -> Vec<String> {
                        ids.iter()
                            .map(|&id| vocabulary.folded[id as usize].clone())
                            .collect()
                    };
                    (spell(removed), spell(added))
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
