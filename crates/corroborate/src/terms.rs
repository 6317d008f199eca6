//! Words to comparable terms: folding, stop words, stemming, numbers.
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;
use storyfold_model::text::{fold_word, is_stop_word};

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

/// An English stemmer with a per-call cache (stories repeat their words a lot).
pub struct StemCache {
    stemmer: Stemmer,
    cache: HashMap<String, String>,
}

impl Default for StemCache {
    fn default() -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::English),
            cache: HashMap::new(),
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
    ids: [HashMap<String, u32>; 4],
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
}

/// Distinct written words of a story, each folded and classified once.
#[derive(Default)]
pub(crate) struct WordCache {
    index: HashMap<String, u32>,
    pub infos: Vec<WordInfo>,
}

impl WordCache {
    /// The index of `word` (as written) in `infos`.
    pub fn index(&mut self, word: &str) -> u32 {
        if let Some(&i) = self.index.get(word) {
            return i;
        }
        let folded = fold(word);
        let info = WordInfo {
            function: is_function_word(&folded),
            short: folded.chars().count() < 2,
            raw_long: word.chars().count() > 1,
            future: crate::claims::is_future_word(&folded),
            number: number_value(&folded),
            folded,
            term: None,
        };
        let i = self.infos.len() as u32;
        self.infos.push(info);
        self.index.insert(word.to_string(), i);
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
