//! Words to comparable terms: folding, stop words, stemming, numbers.
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use storyfold_model::text::{fold_word, is_stop_word, normalize_whitespace, words};

/// A fast, fixed-seed hash for the per-story maps (the Fx hash of rustc): keys are short words
/// and small ids built by the crate itself, so SipHash's flooding resistance buys nothing, and
/// SipHash was ~5 % of corroboration time. The maps are only looked up, never iterated, so the
/// output does not depend on the hash.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with [`FxHasher`]; never iterate one where order reaches the output.
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Words that carry no claim content in news prose beyond `storyfold_model::text::STOP_WORDS`
/// (reporting verbs and fillers that every outlet varies freely). Sorted for binary search.
const EXTRA_STOP_WORDS: &[&str] = &[
    "according",
    "added",
    "already",
    "another",
    "around",
    "either",
    "even",
    "ever",
    "however",
    "including",
    "last",
    "many",
    "much",
    "next",
    "reportedly",
    "saying",
    "shall",
    "since",
    "stated",
    "still",
    "tell",
    "tells",
    "told",
    "yet",
];

/// Small number words read as numbers (larger ones are written in digits in news prose).
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("eight", 8),
    ("eighteen", 18),
    ("eleven", 11),
    ("fifteen", 15),
    ("five", 5),
    ("four", 4),
    ("fourteen", 14),
    ("nine", 9),
    ("nineteen", 19),
    ("seven", 7),
    ("seventeen", 17),
    ("six", 6),
    ("sixteen", 16),
    ("ten", 10),
    ("thirteen", 13),
    ("three", 3),
    ("twelve", 12),
    ("twenty", 20),
    ("two", 2),
];

/// Whether a folded word carries no content.
pub fn is_function_word(folded: &str) -> bool {
    is_stop_word(folded) || EXTRA_STOP_WORDS.binary_search(&folded).is_ok()
}

/// Folds a word and drops a possessive `'s`, so `China’s` and `China` compare equal.
pub fn fold(word: &str) -> String {
    let mut folded = fold_word(word);
    if folded.ends_with("'s") {
        folded.truncate(folded.len() - 2);
    } else if folded.ends_with('\'') {
        folded.truncate(folded.len() - 1);
    }
    folded
}

/// The numeric value of a folded word, when it is a number (`1,200` -> `1200`, `three` -> `3`).
pub fn number_value(folded: &str) -> Option<String> {
    if folded.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        let digits: String = folded.chars().filter(|c| *c != ',').collect();
        if digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Some(digits.trim_end_matches('.').to_string());
        }
        return None;
    }
    NUMBER_WORDS
        .binary_search_by(|(w, _)| w.cmp(&folded))
        .ok()
        .map(|i| NUMBER_WORDS[i].1.to_string())
}

/// [`normalize_whitespace`], without the NFC pass when the text is already in NFC (ASCII, or
/// the Unicode quick check says yes; NFC leaves such text as it is): most news text is, and
/// the pass was ~5 % of corroboration time (~7 % of a real story with curly quotes).
pub(crate) fn clean_text(text: &str) -> String {
    if !text.is_ascii()
        && unicode_normalization::is_nfc_quick(text.chars())
            != unicode_normalization::IsNormalized::Yes
    {
        return normalize_whitespace(text);
    }
    let mut out = String::with_capacity(text.len());
    for piece in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out
}

/// An English stemmer with a per-call cache (stories repeat their words a lot).
pub struct StemCache {
    stemmer: Stemmer,
    cache: FxHashMap<String, String>,
}

impl Default for StemCache {
    fn default() -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::English),
            cache: FxHashMap::default(),
        }
    }
}

impl StemCache {
    /// The stem of a folded word.
    pub fn stem(&mut self, folded: &str) -> &str {
        if !self.cache.contains_key(folded) {
            let stem = self.stemmer.stem(folded).into_owned();
            self.cache.insert(folded.to_string(), stem);
        }
        // Invariant: inserted just above when missing.
        self.cache.get(folded).map(String::as_str).unwrap_or("")
    }
}

/// What a term stands for; terms of different kinds never match each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermKind {
    /// A stemmed content word.
    Word,
    /// A story-level entity.
    Entity,
    /// A number with the word it counts.
    Number,
    /// A normalised date value (or range).
    Date,
}

/// Interns terms of one story as dense ids, in order of first appearance (deterministic).
#[derive(Default)]
pub struct Interner {
    /// One map per kind, so a lookup borrows the text instead of building a key.
    ids: [FxHashMap<String, u32>; 4],
    kinds: Vec<TermKind>,
}

impl Interner {
    /// The id of a term, allocating one on first sight.
    pub fn id(&mut self, kind: TermKind, text: &str) -> u32 {
        let map = &mut self.ids[kind as usize];
        if let Some(id) = map.get(text) {
            return *id;
        }
        let id = self.kinds.len() as u32;
        map.insert(text.to_string(), id);
        self.kinds.push(kind);
        id
    }

    /// The kind of term `id`.
    pub fn kind(&self, id: u32) -> TermKind {
        self.kinds[id as usize]
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Whether no term was interned yet.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}

/// What one written word is, computed once per distinct spelling in a story.
#[derive(Clone, Debug)]
pub(crate) struct WordInfo {
    /// The folded word ([`fold`]).
    pub folded: String,
    /// Whether the folded word carries no content ([`is_function_word`]).
    pub function: bool,
    /// Whether the folded word has fewer than two characters.
    pub short: bool,
    /// Whether the word as written has more than one character.
    pub raw_long: bool,
    /// Whether the folded word marks a future or planned event (`will`, `expected`, `we'll`).
    pub future: bool,
    /// Its numeric value ([`number_value`]).
    pub number: Option<String>,
    /// The word's term id as a content word, once interned.
    pub term: Option<u32>,
    /// Its entry in the [`Lexicon`].
    spelling: u32,
}

/// Most spellings a [`Lexicon`] keeps: past this it is emptied before the next story. News
/// text of one language has a few tens of thousands of spellings in common use; at ~150 bytes
/// an entry this bounds the lexicon to ~10 MB.
pub(crate) const LEXICON_MAX_SPELLINGS: usize = 1 << 16;

/// One spelling as [`WordCache`] classifies it: a pure function of the spelling.
#[derive(Clone, Debug)]
struct Spelling {
    info: WordInfo,
    /// The stem of the folded word, once asked for.
    stem: Option<Box<str>>,
}

/// Written spellings met so far, each folded, classified and (when asked) stemmed once, kept
/// across stories by the [`crate::Corroborator`]: snowball stemming and folding were ~30 % of
/// a real story's time when done once per story. It memoises a pure function of the
/// spelling, so a story's result does not depend on which stories came before; a story's own
/// word indices are still given in the story's order of first appearance.
#[derive(Default)]
pub(crate) struct Lexicon {
    index: FxHashMap<Box<str>, u32>,
    entries: Vec<Spelling>,
    /// Per spelling, the story generation that last met it and its index in that story.
    in_story: Vec<(u32, u32)>,
    generation: u32,
    /// Stem by folded word: spellings that fold alike (`Talks`, `talks`) are stemmed once.
    stems: StemCache,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("spellings", &self.entries.len())
            .finish()
    }
}

impl Lexicon {
    /// Starts a story: no spelling is in it yet; emptied first when over its bound.
    fn start_story(&mut self) {
        if self.entries.len() > LEXICON_MAX_SPELLINGS || self.generation == u32::MAX {
            *self = Self::default();
        }
        self.generation += 1;
    }

    /// The entry of a spelling, classifying it on first sight.
    fn spelling(&mut self, word: &str) -> u32 {
        if let Some(&s) = self.index.get(word) {
            return s;
        }
        let folded = fold(word);
        let s = self.entries.len() as u32;
        let info = WordInfo {
            function: is_function_word(&folded),
            short: folded.chars().count() < 2,
            raw_long: word.chars().count() > 1,
            future: crate::claims::is_future_word(&folded),
            number: number_value(&folded),
            folded,
            term: None,
            spelling: s,
        };
        self.entries.push(Spelling { info, stem: None });
        self.in_story.push((0, 0));
        self.index.insert(word.into(), s);
        s
    }

    /// The stem of a spelling's folded form.
    fn stem(&mut self, s: u32) -> &str {
        let entry = &mut self.entries[s as usize];
        if entry.stem.is_none() {
            entry.stem = Some(self.stems.stem(&entry.info.folded).into());
        }
        entry.stem.as_deref().unwrap_or("")
    }
}

/// Distinct written words of a story, each folded and classified once (by the [`Lexicon`],
/// which keeps them across stories).
pub(crate) struct WordCache {
    pub infos: Vec<WordInfo>,
    lexicon: Lexicon,
}

impl Default for WordCache {
    fn default() -> Self {
        Self::new(Lexicon::default())
    }
}

impl WordCache {
    /// A story's word cache drawing on `lexicon`.
    pub fn new(mut lexicon: Lexicon) -> Self {
        lexicon.start_story();
        Self {
            infos: Vec::new(),
            lexicon,
        }
    }

    /// The lexicon, with this story's spellings added.
    pub fn into_lexicon(self) -> Lexicon {
        self.lexicon
    }

    /// The index of `word` (as written) in `infos`.
    pub fn index(&mut self, word: &str) -> u32 {
        let s = self.lexicon.spelling(word);
        let generation = self.lexicon.generation;
        let slot = &mut self.lexicon.in_story[s as usize];
        if slot.0 == generation {
            return slot.1;
        }
        let i = self.infos.len() as u32;
        *slot = (generation, i);
        self.infos
            .push(self.lexicon.entries[s as usize].info.clone());
        i
    }

    /// The stem of written word `w`'s folded form.
    pub fn stem(&mut self, w: u32) -> &str {
        self.lexicon.stem(self.infos[w as usize].spelling)
    }
}

/// Whether UAX-29 word segmentation of a slice starting or ending at byte `at` of `text` gives
/// the same words as segmenting all of `text`: true at either end of the text, and between two
/// ASCII characters one of which is white space. Every word-boundary rule looks at most one
/// character (two for `a.b`, `3,5`) past a boundary, skipping only non-ASCII extend and format
/// marks, and treats white space like the text's edge; regional-indicator and emoji rules need
/// non-ASCII characters on both sides.
fn cut_is_clean(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    if at == 0 || at >= bytes.len() {
        return true;
    }
    let (before, after) = (bytes[at - 1], bytes[at]);
    before.is_ascii()
        && after.is_ascii()
        && (before.is_ascii_whitespace() || after.is_ascii_whitespace())
}

/// Appends the words of `text` ([`words`], offsets plus `base`) to `out`, entering each in
/// `cache`. The text is cut into pieces at clean cuts ([`cut_is_clean`]) around its non-ASCII
/// characters, which gives the same words: the segmenter has a fast path for all-ASCII input
/// only, and one curly quote or dash in an article otherwise sends every word of it down the
/// slow path (~2.5x the instructions per word, measured on the bench).
pub(crate) fn segment(
    text: &str,
    base: usize,
    cache: &mut WordCache,
    out: &mut Vec<(usize, usize, u32)>,
) {
    let bytes = text.as_bytes();
    let mut push = |from: usize, to: usize, cache: &mut WordCache| {
        out.extend(words(&text[from..to]).map(|w| {
            (
                base + from + w.start,
                base + from + w.end,
                cache.index(w.text),
            )
        }));
    };
    let mut start = 0;
    while start < bytes.len() {
        let Some(offset) = bytes[start..].iter().position(|b| !b.is_ascii()) else {
            push(start, bytes.len(), cache);
            break;
        };
        let wide = start + offset;
        // The last clean cut at or before the non-ASCII character (`start` is one).
        let before = (start + 1..=wide)
            .rev()
            .find(|&at| cut_is_clean(text, at))
            .unwrap_or(start);
        // The first clean cut after it.
        let after = (wide + 1..=bytes.len())
            .find(|&at| text.is_char_boundary(at) && cut_is_clean(text, at))
            .unwrap_or(bytes.len());
        if before > start {
            push(start, before, cache);
        }
        push(before, after, cache);
        start = after;
    }
}

/// One article's words, segmented once (UAX-29 is a large share of corroboration time); each
/// with its byte span in the article text and its index in the story's [`WordCache`].
pub(crate) struct DocWords {
    pub tokens: Vec<(usize, usize, u32)>,
}

impl DocWords {
    /// Segments `text`, entering every word in `cache`.
    pub fn new(text: &str, cache: &mut WordCache) -> Self {
        let mut tokens = Vec::new();
        segment(text, 0, cache, &mut tokens);
        Self { tokens }
    }

    /// The words of `text[start..end]` as [`words`] of that slice would give them (offsets
    /// into `text`): the article's own where both cuts are clean, else segmented afresh.
    pub fn within(
        &self,
        text: &str,
        start: usize,
        end: usize,
        cache: &mut WordCache,
        out: &mut Vec<(usize, usize, u32)>,
    ) {
        out.clear();
        if cut_is_clean(text, start) && cut_is_clean(text, end) {
            let first = self.tokens.partition_point(|t| t.0 < start);
            let last = self.tokens.partition_point(|t| t.1 <= end);
            if first < last {
                out.extend_from_slice(&self.tokens[first..last]);
            }
            return;
        }
        segment(&text[start..end], start, cache, out);
    }

    /// The number of words of `text[start..end]` ([`words`] of the slice, counted).
    pub fn count(&self, text: &str, start: usize, end: usize) -> usize {
        if cut_is_clean(text, start) && cut_is_clean(text, end) {
            let first = self.tokens.partition_point(|t| t.0 < start);
            let last = self.tokens.partition_point(|t| t.1 <= end);
            return last.saturating_sub(first);
        }
        words(&text[start..end]).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Slices with clean cuts get exactly the words segmenting the slice would give.
        #[test]
        fn doc_words_match_segmenting_the_slice(
            text in "[a-zA-Z0-9 .,:;'\n\t\u{2019}\u{e9}\u{301}\u{200d}\u{1f1e6}\u{1f1e8}-]{0,60}",
            cuts in proptest::collection::vec(0usize..64, 2),
        ) {
            let mut cache = WordCache::default();
            let doc = DocWords::new(&text, &mut cache);
            let whole: Vec<(usize, usize, u32)> = words(&text)
                .map(|w| (w.start, w.end, cache.index(w.text)))
                .collect();
            prop_assert_eq!(&doc.tokens, &whole);
            let (mut a, mut b) = (cuts[0].min(text.len()), cuts[1].min(text.len()));
            while !text.is_char_boundary(a) { a -= 1; }
            while !text.is_char_boundary(b) { b -= 1; }
            let (start, end) = (a.min(b), a.max(b));
            let mut got = Vec::new();
            doc.within(&text, start, end, &mut cache, &mut got);
            let want: Vec<(usize, usize, u32)> = words(&text[start..end])
                .map(|w| (start + w.start, start + w.end, cache.index(w.text)))
                .collect();
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(doc.count(&text, start, end), want.len());
        }
    }

    #[test]
    fn lexicon_keeps_spellings_across_stories_within_its_bound() {
        let mut cache = WordCache::default();
        let talks = cache.index("Talks");
        let other = cache.index("talks");
        assert_ne!(talks, other);
        assert_eq!(cache.index("Talks"), talks);
        assert_eq!(cache.stem(talks), "talk");
        assert_eq!(cache.stem(other), "talk");
        let mut lexicon = cache.into_lexicon();
        assert_eq!(lexicon.entries.len(), 2);
        assert_eq!(lexicon.stems.cache.len(), 1);
        // The next story numbers its words afresh, from its own first word.
        let mut next = WordCache::new(lexicon);
        assert_eq!(next.index("talks"), 0);
        assert_eq!(next.index("Talks"), 1);
        assert_eq!(next.infos[1].folded, "talks");
        lexicon = next.into_lexicon();
        assert_eq!(lexicon.entries.len(), 2);
        // Past its bound it is emptied when the next story starts.
        for i in 0..=LEXICON_MAX_SPELLINGS {
            lexicon.spelling(&format!("w{i}"));
        }
        let next = WordCache::new(lexicon);
        assert!(next.lexicon.entries.is_empty());
    }

    #[test]
    fn word_lists_are_sorted() {
        assert!(EXTRA_STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(NUMBER_WORDS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn folds_possessives_and_reads_numbers() {
        assert_eq!(fold("China’s"), "china");
        assert_eq!(number_value("1,200").as_deref(), Some("1200"));
        assert_eq!(number_value("twelve").as_deref(), Some("12"));
        assert_eq!(number_value("12th"), None);
        assert!(is_function_word("told"));
        let mut stems = StemCache::default();
        assert_eq!(stems.stem("documents"), "document");
    }
}
