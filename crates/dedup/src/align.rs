//! Sentence alignment of a candidate pair, the copy/not-copy decision and the kind of copy.
//!
//! Each sentence of one text is matched to at most one sentence of the other (greedy, best Dice
//! first; not order-preserving, so reordered paragraphs still align). Dice is over the multisets of
//! folded words; candidate sentence pairs must share content (non-stop) words. Two texts are copies
//! only when the aligned sentences cover at least half of the shorter text's words and carry real
//! content (`min_aligned_words`, `min_aligned_sentences`): shared template lines (newsletter
//! prompts, copyright lines) are a few short sentences and never reach that.
use crate::text::Tokens;
use storyfold_model::{AlignedSpan, CopyKind, Span};

/// Thresholds of the alignment (part of `DedupConfig`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct AlignParams {
    pub min_sentence_similarity: f32,
    pub min_coverage: f32,
    pub min_aligned_words: usize,
    pub min_aligned_sentences: usize,
}

/// One aligned sentence pair (`a` in the first text, `b` in the second).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Pair {
    pub a: usize,
    pub b: usize,
    pub dice: f32,
}

/// The alignment of two texts.
#[derive(Clone, Debug, Default)]
pub(crate) struct Alignment {
    pub pairs: Vec<Pair>,
    pub aligned_words_a: usize,
    pub aligned_words_b: usize,
    pub words_a: usize,
    pub words_b: usize,
}

/// Sentences shorter than this many words are not aligned (datelines, bylines, "Advertisement").
const MIN_SENTENCE_WORDS: usize = 4;

/// What alignment needs of one text, computed once: the new article of a stream is aligned with
/// up to `max_candidates` candidates, and used to sort its sentences again for each.
pub(crate) struct Prepared {
    /// All words of each sentence, sorted (sentence `s` at `sentences[s].words`).
    sorted: Vec<u64>,
    /// (content word, sentence), one per word and sentence of `MIN_SENTENCE_WORDS`+ words,
    /// sorted.
    postings: Vec<(u64, u32)>,
    /// Distinct content words of each sentence.
    content_words: Vec<u32>,
}

/// Computes [`Prepared`] for `t`.
pub(crate) fn prepare(t: &Tokens) -> Prepared {
    let mut postings: Vec<(u64, u32)> = Vec::with_capacity(t.words.len());
    let mut content_words = vec![0u32; t.sentences.len()];
    let mut buf: Vec<u64> = Vec::new();
    for (s, sent) in t.sentences.iter().enumerate() {
        if sent.words.len() < MIN_SENTENCE_WORDS {
            continue;
        }
        distinct_content(t, s, &mut buf);
        content_words[s] = buf.len() as u32;
        postings.extend(buf.iter().map(|&h| (h, s as u32)));
    }
    postings.sort_unstable();
    Prepared {
        sorted: sorted_sentences(t),
        postings,
        content_words,
    }
}

/// The distinct content (non-stop) words of sentence `s`, sorted, into `out`.
fn distinct_content(t: &Tokens, s: usize, out: &mut Vec<u64>) {
    out.clear();
    out.extend(
        t.words[t.sentences[s].words.clone()]
            .iter()
            .filter(|w| !w.stop)
            .map(|w| w.hash),
    );
    out.sort_unstable();
    out.dedup();
}

/// All words of each sentence of `t`, sorted, in one buffer (sentence `s` at
/// `t.sentences[s].words`).
fn sorted_sentences(t: &Tokens) -> Vec<u64> {
    let mut sorted: Vec<u64> = t.words.iter().map(|w| w.hash).collect();
    for sent in &t.sentences {
        sorted[sent.words.clone()].sort_unstable();
    }
    sorted
}

/// Aligns the sentences of `a` and `b`.
#[cfg(test)]
pub(crate) fn align(a: &Tokens, b: &Tokens, params: &AlignParams) -> Alignment {
    align_prepared(a, &prepare(a), b, params)
}

/// Aligns the sentences of `a` (prepared as `pa`) and `b`.
///
/// Candidate sentence pairs share content words: at least one when `a`'s sentence has at most
/// four distinct ones, else two. They are found from `b`'s side through `a`'s postings, so that
/// only `b` (a different candidate each time) is sorted per call; the shared counts, and so the
/// pairs, are those of a search from `a`'s side.
pub(crate) fn align_prepared(
    a: &Tokens,
    pa: &Prepared,
    b: &Tokens,
    params: &AlignParams,
) -> Alignment {
    let sorted_b = sorted_sentences(b);
    let mut shared = vec![0u32; a.sentences.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut candidates: Vec<Pair> = Vec::new();
    let mut content: Vec<u64> = Vec::new();
    for (t, sent) in b.sentences.iter().enumerate() {
        if sent.words.len() < MIN_SENTENCE_WORDS {
            continue;
        }
        distinct_content(b, t, &mut content);
        let mut from = 0;
        for &h in &content {
            // `content` is sorted, so each search starts where the last one ended.
            from += pa.postings[from..].partition_point(|&(k, _)| k < h);
            for &(k, s) in &pa.postings[from..] {
                if k != h {
                    break;
                }
                if shared[s as usize] == 0 {
                    touched.push(s);
                }
                shared[s as usize] += 1;
            }
        }
        let sb = &sorted_b[sent.words.clone()];
        for &s in &touched {
            let s = s as usize;
            let need = if pa.content_words[s] <= 4 { 1 } else { 2 };
            if shared[s] >= need {
                let dice = dice(&pa.sorted[a.sentences[s].words.clone()], sb);
                if dice >= params.min_sentence_similarity {
                    candidates.push(Pair { a: s, b: t, dice });
                }
            }
            shared[s] = 0;
        }
        touched.clear();
    }
    pick_pairs(candidates, a, b)
}

/// The alignment from candidate pairs: greedily the most similar pair first, each sentence used
/// once.
fn pick_pairs(mut candidates: Vec<Pair>, a: &Tokens, b: &Tokens) -> Alignment {
    // (dice, a, b) is unique per pair, so this order does not depend on the order found.
    candidates.sort_by(|x, y| {
        y.dice
            .total_cmp(&x.dice)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    let mut used_a = vec![false; a.sentences.len()];
    let mut used_b = vec![false; b.sentences.len()];
    let mut pairs = Vec::new();
    for p in candidates {
        if !used_a[p.a] && !used_b[p.b] {
            used_a[p.a] = true;
            used_b[p.b] = true;
            pairs.push(p);
        }
    }
    pairs.sort_by_key(|p| (p.a, p.b));
    let aligned_words_a = pairs.iter().map(|p| a.len(p.a)).sum();
    let aligned_words_b = pairs.iter().map(|p| b.len(p.b)).sum();
    Alignment {
        pairs,
        aligned_words_a,
        aligned_words_b,
        words_a: a.words.len(),
        words_b: b.words.len(),
    }
}

/// Dice coefficient of two sorted multisets.
fn dice(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f32 / (a.len() + b.len()) as f32
}

impl Alignment {
    /// Whether the alignment shows a copy: enough aligned content covering most of the shorter
    /// text.
    pub fn is_copy(&self, params: &AlignParams) -> bool {
        let shorter_total = self.words_a.min(self.words_b).max(1);
        let shorter_aligned = if self.words_a <= self.words_b {
            self.aligned_words_a
        } else {
            self.aligned_words_b
        };
        self.pairs.len() >= params.min_aligned_sentences
            && self.aligned_words_a.min(self.aligned_words_b) >= params.min_aligned_words
            && shorter_aligned as f32 / shorter_total as f32 >= params.min_coverage
    }
}

/// Distinct specifics (names, figures) needed before their agreement is judged.
const MIN_SPECIFICS: usize = 6;

/// Whether the aligned sentences name the same things: the Jaccard similarity of the specifics
/// (numbers, capitalised words inside sentences) of the aligned sentences on each side reaches
/// `min_agreement`. Copies, even spun ones, keep names and figures; articles generated from one
/// template ("Does X have a volatile share price?") share the wording but not the names. Texts
/// with too few specifics to judge pass.
pub(crate) fn same_specifics(al: &Alignment, a: &Tokens, b: &Tokens, min_agreement: f32) -> bool {
    let collect = |t: &Tokens, sentences: &mut dyn Iterator<Item = usize>| {
        let mut v: Vec<u64> = sentences
            .flat_map(|s| t.words[t.sentences[s].words.clone()].iter())
            .filter(|w| w.specific)
            .map(|w| w.hash)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let sa = collect(a, &mut al.pairs.iter().map(|p| p.a));
    let sb = collect(b, &mut al.pairs.iter().map(|p| p.b));
    let common = sa.iter().filter(|h| sb.binary_search(h).is_ok()).count();
    let union = sa.len() + sb.len() - common;
    union < MIN_SPECIFICS || common as f32 / union as f32 >= min_agreement
}

impl Alignment {}

/// Overall similarity in [0, 1]: Dice of the aligned sentences weighted by the copy's words, over
/// the copy's story words (`copy_words`: aligned sentences plus unaligned story paragraphs, so
/// boilerplate lines around a copy do not lower it, while dropped or added story text does).
pub(crate) fn similarity(
    al: &Alignment,
    a: &Tokens,
    b: &Tokens,
    copy_is_a: bool,
    copy_words: usize,
) -> f32 {
    let weighted: f32 = al
        .pairs
        .iter()
        .map(|p| {
            let w = if copy_is_a { a.len(p.a) } else { b.len(p.b) };
            p.dice * w as f32
        })
        .sum();
    (weighted / copy_words.max(1) as f32).clamp(0.0, 1.0)
}

/// How each aligned pair differs, seen from the copy.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Edits {
    /// Copy words in sentences identical to their original (or a prefix of it: truncation).
    pub identical_words: usize,
    /// Copy words in all aligned sentences.
    pub aligned_words: usize,
    /// Aligned pairs that differ.
    pub modified: usize,
    /// Of those, the ones that differ only by scattered one- or two-word substitutions.
    pub substituted: usize,
    /// Of those, the ones that differ only by a few one- or two-word cuts or additions (an
    /// adverb or article dropped): edits that both rewriters and spinners make, so they decide
    /// nothing.
    pub lightly_edited: usize,
    /// Pairs where the original quotes someone and the copy's quote has other words.
    pub altered_quotes: usize,
    /// Aligned pairs.
    pub pairs: usize,
    /// Word swaps (unmatched runs with words on both sides) over all modified pairs.
    pub swaps: usize,
    /// Words cut or added (one-sided unmatched runs) over all modified pairs.
    pub indels: usize,
    /// Pairs with at least one swap.
    pub pairs_with_swaps: usize,
    /// Longest unmatched run.
    pub max_run: usize,
}

/// Describes the edits from `original` to `copy` over the alignment (`a` = copy, `b` = original
/// when `copy_is_a`).
pub(crate) fn edits(al: &Alignment, a: &Tokens, b: &Tokens, copy_is_a: bool) -> Edits {
    let mut e = Edits {
        pairs: al.pairs.len(),
        ..Edits::default()
    };
    // Truncation cuts a text at its end: only the last aligned sentence of either text may be a
    // prefix of its partner and still count as unchanged. A prefix anywhere else is a trailing
    // clause cut by a rewriter.
    let last_a = al.pairs.iter().map(|p| p.a).max();
    let last_b = al.pairs.iter().map(|p| p.b).max();
    for p in &al.pairs {
        let (c, cs, o, os) = if copy_is_a {
            (a, p.a, b, p.b)
        } else {
            (b, p.b, a, p.a)
        };
        let cw: Vec<u64> = c.hashes(cs).collect();
        let ow: Vec<u64> = o.hashes(os).collect();
        e.aligned_words += cw.len();
        let at_end = Some(p.a) == last_a || Some(p.b) == last_b;
        let prefix = at_end && (ow.starts_with(&cw) || cw.starts_with(&ow));
        if cw == ow || prefix {
            e.identical_words += cw.len();
            continue;
        }
        e.modified += 1;
        let lcs = lcs_runs(&cw, &ow);
        if lcs.substitution_like {
            e.substituted += 1;
        }
        if lcs.light {
            e.lightly_edited += 1;
        }
        e.swaps += lcs.swaps;
        e.indels += lcs.indels;
        e.pairs_with_swaps += usize::from(lcs.swaps > 0);
        e.max_run = e.max_run.max(lcs.max_run);
        if quote_altered(c, cs, o, os) {
            e.altered_quotes += 1;
        }
    }
    e
}

/// The copy kind the edits show.
///
/// `verbatim`: at least 90% of the aligned words sit in unchanged (or end-truncated) sentences,
/// no quote was altered and no sentence had a word swapped, cut or added (such small edits are
/// made by spinners and rewriters, never by a copy-paste; a larger reworked passage within the
/// 10% is tolerated). `spun`: most sentences with real edits differ only by scattered word swaps
/// (a spinner's synonym table), or a quote was altered by such small edits. Else `rewrite`:
/// clauses moved, cut or added, quotes kept.
pub(crate) fn classify(e: &Edits) -> CopyKind {
    let aligned = e.aligned_words.max(1) as f32;
    if e.identical_words as f32 / aligned >= 0.9
        && e.altered_quotes == 0
        && e.substituted == 0
        && e.lightly_edited == 0
    {
        return CopyKind::Verbatim;
    }
    let edited = e.modified.saturating_sub(e.lightly_edited);
    let subst_share = e.substituted as f32 / edited.max(1) as f32;
    let small_share = (e.substituted + e.lightly_edited) as f32 / e.modified.max(1) as f32;
    // Spinners swap words all through the text and do not spare quotes; rewriters rework some
    // sentences (clauses moved, words cut or added) and keep quotes verbatim.
    if (e.substituted > 0 && subst_share >= SPUN_SWAP_SHARE)
        || (e.altered_quotes > 0 && small_share >= 0.5)
    {
        CopyKind::Spun
    } else {
        CopyKind::Rewrite
    }
}

/// Share of the really edited sentences (not just a word cut or added) that must be word swaps
/// for `spun`. Tuned on the dev split of `storyfold eval dedup`.
const SPUN_SWAP_SHARE: f32 = 0.6;

/// Longest unmatched run of a word swap: multi-word synonyms ("prior to" for "before") swap up
/// to three words for one.
const MAX_SWAP_RUN: usize = 3;
/// Longest one-sided run of a light edit (an article or adverb dropped, a connective added).
const MAX_LIGHT_RUN: usize = 2;

struct Diff {
    substitution_like: bool,
    light: bool,
    swaps: usize,
    indels: usize,
    max_run: usize,
}

/// Longest common subsequence of two word sequences; the unmatched words form runs on each side.
/// The difference is substitution-like when at least half the words match, every unmatched run
/// is at most `MAX_SWAP_RUN` words long (synonym swaps, not a moved or rewritten clause) and runs
/// that swap words are at least half as many as runs that only cut or add words (machine spinners
/// also drop articles, so a few cuts come with the swaps).
fn lcs_runs(x: &[u64], y: &[u64]) -> Diff {
    let (n, m) = (x.len(), y.len());
    if n == 0 || m == 0 || n > 400 || m > 400 {
        return Diff {
            substitution_like: false,
            light: false,
            swaps: 0,
            indels: 0,
            max_run: n.max(m),
        };
    }
    let mut dp = vec![0u16; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i * (m + 1) + j] = if x[i] == y[j] {
                dp[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                dp[(i + 1) * (m + 1) + j].max(dp[i * (m + 1) + j + 1])
            };
        }
    }
    let lcs = dp[0] as usize;
    let (mut i, mut j) = (0, 0);
    let (mut run_x, mut run_y, mut max_run) = (0usize, 0usize, 0usize);
    // Runs with words on both sides are swaps; runs on one side only are words cut or added.
    let (mut swaps, mut indels) = (0usize, 0usize);
    let mut close = |run_x: usize, run_y: usize| {
        if run_x > 0 && run_y > 0 {
            swaps += 1;
        } else if run_x + run_y > 0 {
            indels += 1;
        }
    };
    while i < n || j < m {
        if i < n && j < m && x[i] == y[j] {
            max_run = max_run.max(run_x).max(run_y);
            close(run_x, run_y);
            run_x = 0;
            run_y = 0;
            i += 1;
            j += 1;
        } else if j < m && (i == n || dp[i * (m + 1) + j + 1] >= dp[(i + 1) * (m + 1) + j]) {
            run_y += 1;
            j += 1;
        } else {
            run_x += 1;
            i += 1;
        }
    }
    max_run = max_run.max(run_x).max(run_y);
    close(run_x, run_y);
    // A spinner swaps words for synonyms; a rewriter cuts adverbs and adds connectives, which
    // leave one-sided runs only. Measured on the dev split of `storyfold eval dedup`.
    let half = lcs * 2 >= n.max(m);
    Diff {
        substitution_like: half && max_run <= MAX_SWAP_RUN && swaps > 0 && 2 * swaps >= indels,
        light: half && max_run <= MAX_LIGHT_RUN && swaps == 0,
        swaps,
        indels,
        max_run,
    }
}

/// Whether the original sentence quotes someone (three or more quoted words) and the copy keeps
/// a quote there but with other words.
fn quote_altered(c: &Tokens, cs: usize, o: &Tokens, os: usize) -> bool {
    let oq: Vec<u64> = o.words[o.sentences[os].words.clone()]
        .iter()
        .filter(|w| w.quoted)
        .map(|w| w.hash)
        .collect();
    if oq.len() < 3 {
        return false;
    }
    let cq: Vec<u64> = c.words[c.sentences[cs].words.clone()]
        .iter()
        .filter(|w| w.quoted)
        .map(|w| w.hash)
        .collect();
    if cq.len() < 3 {
        // The quote became reported speech: a rewrite, not an altered quote.
        return false;
    }
    cq != oq
}

/// Evidence: runs of aligned sentence pairs that follow each other in both texts, merged into one
/// span each (`a` = copy when `copy_is_a`).
pub(crate) fn evidence(
    al: &Alignment,
    a: &Tokens,
    b: &Tokens,
    copy_is_a: bool,
    max_spans: usize,
) -> Vec<AlignedSpan> {
    let mut out: Vec<(AlignedSpan, usize)> = Vec::new();
    let mut last: Option<Pair> = None;
    for p in &al.pairs {
        let sa = &a.sentences[p.a];
        let sb = &b.sentences[p.b];
        let contiguous = last.is_some_and(|l| l.a + 1 == p.a && l.b + 1 == p.b);
        if contiguous {
            if let Some((span, n)) = out.last_mut() {
                let (copy, original) = if copy_is_a {
                    (&mut span.copy, &mut span.original)
                } else {
                    (&mut span.original, &mut span.copy)
                };
                copy.end = sa.end as usize;
                original.end = sb.end as usize;
                span.similarity = (span.similarity * *n as f32 + p.dice) / (*n + 1) as f32;
                *n += 1;
            }
        } else {
            let spa = Span::new(sa.start as usize, sa.end as usize);
            let spb = Span::new(sb.start as usize, sb.end as usize);
            let (copy, original) = if copy_is_a { (spa, spb) } else { (spb, spa) };
            out.push((
                AlignedSpan {
                    copy,
                    original,
                    similarity: p.dice,
                },
                1,
            ));
        }
        last = Some(*p);
    }
    let mut spans: Vec<AlignedSpan> = out.into_iter().map(|(s, _)| s).collect();
    if spans.len() > max_spans {
        // Keep the longest passages, in text order.
        let mut order: Vec<usize> = (0..spans.len()).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(spans[i].copy.len()), i));
        order.truncate(max_spans);
        order.sort_unstable();
        spans = order.into_iter().map(|i| spans[i].clone()).collect();
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The alignment before [`Prepared`] (searched from `a`'s side), as a reference.
    fn reference_align(a: &Tokens, b: &Tokens, params: &AlignParams) -> Alignment {
        // Postings of `b`: (content word, sentence), sorted, one per word and sentence. A sorted
        // vector rather than a map of vectors: one allocation instead of one per distinct word, on
        // the hot path of every candidate compare.
        let mut postings: Vec<(u64, u32)> = Vec::with_capacity(b.words.len());
        let mut buf: Vec<u64> = Vec::new();
        for (s, sent) in b.sentences.iter().enumerate() {
            if sent.words.len() < MIN_SENTENCE_WORDS {
                continue;
            }
            buf.clear();
            buf.extend(
                b.words[sent.words.clone()]
                    .iter()
                    .filter(|w| !w.stop)
                    .map(|w| w.hash),
            );
            buf.sort_unstable();
            buf.dedup();
            postings.extend(buf.iter().map(|&h| (h, s as u32)));
        }
        postings.sort_unstable();
        // All words of each sentence of `b`, sorted, in one buffer (sentence `s` at
        // `b.sentences[s].words`).
        let mut sorted_b: Vec<u64> = b.words.iter().map(|w| w.hash).collect();
        for sent in &b.sentences {
            sorted_b[sent.words.clone()].sort_unstable();
        }
        let mut shared = vec![0u32; b.sentences.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut candidates: Vec<Pair> = Vec::new();
        let mut content: Vec<u64> = Vec::new();
        let mut sa: Vec<u64> = Vec::new();
        for (s, sent) in a.sentences.iter().enumerate() {
            if sent.words.len() < MIN_SENTENCE_WORDS {
                continue;
            }
            content.clear();
            content.extend(
                a.words[sent.words.clone()]
                    .iter()
                    .filter(|w| !w.stop)
                    .map(|w| w.hash),
            );
            content.sort_unstable();
            content.dedup();
            for &h in &content {
                let from = postings.partition_point(|&(k, _)| k < h);
                for &(k, t) in &postings[from..] {
                    if k != h {
                        break;
                    }
                    if shared[t as usize] == 0 {
                        touched.push(t);
                    }
                    shared[t as usize] += 1;
                }
            }
            let need = if content.len() <= 4 { 1 } else { 2 };
            sa.clear();
            sa.extend(a.hashes(s));
            sa.sort_unstable();
            touched.sort_unstable();
            for &t in &touched {
                if shared[t as usize] >= need {
                    let dice = dice(&sa, &sorted_b[b.sentences[t as usize].words.clone()]);
                    if dice >= params.min_sentence_similarity {
                        candidates.push(Pair {
                            a: s,
                            b: t as usize,
                            dice,
                        });
                    }
                }
                shared[t as usize] = 0;
            }
            touched.clear();
        }
        pick_pairs(candidates, a, b)
    }
    use crate::text::tokenize;

    const PARAMS: AlignParams = AlignParams {
        min_sentence_similarity: 0.5,
        min_coverage: 0.5,
        min_aligned_words: 20,
        min_aligned_sentences: 2,
    };

    /// A text of `sentences` from a small vocabulary (stop words included, some sentences
    /// short), so that sentence pairs share words in every amount.
    fn text_from(seed: &[u8]) -> String {
        const WORDS: &[&str] = &[
            "the", "a", "of", "and", "to", "in", "river", "Council", "budget", "vote", "plan",
            "road", "school", "said", "Monday", "four", "new", "city", "court", "rain",
        ];
        let mut out = String::new();
        for chunk in seed.chunks(7) {
            let mut sentence: Vec<&str> = chunk
                .iter()
                .map(|&b| WORDS[b as usize % WORDS.len()])
                .collect();
            if chunk[0] % 5 == 0 {
                sentence.truncate(3);
            }
            out.push_str("Then ");
            out.push_str(&sentence.join(" "));
            out.push_str(if chunk[0] % 3 == 0 { ".\n\n" } else { ". " });
        }
        out
    }

    proptest::proptest! {
        /// Searching candidate sentence pairs from `b`'s side through `a`'s prepared postings
        /// finds the alignment of the search from `a`'s side.
        #[test]
        fn prepared_alignment_equals_the_reference(
            x in proptest::collection::vec(0u8..40, 7..120),
            y in proptest::collection::vec(0u8..40, 7..120),
            share in 0usize..100,
        ) {
            let a = tokenize(&text_from(&x));
            // Let `b` reuse part of `a` so that some sentences align.
            let mut y2 = x[..x.len() * share / 100].to_vec();
            y2.extend(&y);
            let b = tokenize(&text_from(&y2));
            for params in [PARAMS, AlignParams { min_sentence_similarity: 0.2, ..PARAMS }] {
                let got = align(&a, &b, &params);
                let want = reference_align(&a, &b, &params);
                proptest::prop_assert_eq!(&got.pairs, &want.pairs);
                proptest::prop_assert_eq!(
                    (got.aligned_words_a, got.aligned_words_b, got.words_a, got.words_b),
                    (want.aligned_words_a, want.aligned_words_b, want.words_a, want.words_b)
                );
            }
        }
    }

    #[test]
    fn substitution_diff_is_scattered() {
        let x = [1, 2, 3, 4, 5, 6, 7, 8];
        assert!(lcs_runs(&x, &[1, 9, 3, 4, 5, 10, 7, 8]).substitution_like);
        assert!(!lcs_runs(&x, &[5, 6, 7, 8, 1, 2, 3, 4]).substitution_like);
    }

    #[test]
    fn words_cut_or_added_are_not_substitutions() {
        let x = [1, 2, 3, 4, 5, 6, 7, 8];
        assert!(!lcs_runs(&x, &[1, 3, 4, 5, 7, 8]).substitution_like);
        assert!(!lcs_runs(&x, &[9, 1, 2, 3, 4, 5, 6, 7, 8]).substitution_like);
    }

    #[test]
    fn reordered_sentences_still_align() {
        let a = tokenize("The council approved the new budget on Monday night. Critics said the vote was rushed through without debate.");
        let b = tokenize("Critics said the vote was rushed through without debate. The council approved the new budget on Monday night.");
        let al = align(&a, &b, &PARAMS);
        assert_eq!(al.pairs.len(), 2);
        assert!(al.is_copy(&AlignParams {
            min_aligned_words: 10,
            ..PARAMS
        }));
    }
}
