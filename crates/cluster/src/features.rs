//! What the clusterer reads from a `Doc`: weighted terms of the text and the title, named
//! entities, numbers and dates, each keyed by a 64-bit hash so vectors stay small and fast.
use crate::vector::SparseVec;
use chrono::{Datelike, NaiveDate};
use std::borrow::Cow;
use std::collections::BTreeMap;
use storyfold_model::text::{fold_word, words, STOP_WORDS};
use storyfold_model::{Doc, EntityKind, Grain};

/// Term hashes are salted per field so a term and an entity with the same spelling differ.
const SALT_TERM: u64 = 0x7465_726d;
const SALT_ENTITY: u64 = 0x656e_7469;
const SALT_NUMBER: u64 = 0x6e75_6d62;

/// Hash of a string in one field.
pub(crate) fn key(salt: u64, text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(text.as_bytes(), salt)
}

/// Raw counts read from one document, before IDF weighting.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawFeatures<'a> {
    /// Term key -> (count in the body, count in the title, surface form for reasons).
    pub terms: BTreeMap<u64, (f32, f32, &'a str)>,
    /// Entity key -> (mentions, canonical name).
    pub entities: BTreeMap<u64, (f32, Cow<'a, str>)>,
    /// Number key -> (count, as written).
    pub numbers: BTreeMap<u64, (f32, &'a str)>,
    /// Publication day (days since the common era), when known.
    pub day: Option<i32>,
    /// Whether the document has a title distinct from its body.
    pub has_title: bool,
    /// Words of the body (up to the lead when later words weigh nothing).
    pub body_words: usize,
}

/// One document, weighted and ready to compare.
#[derive(Clone, Debug, Default)]
pub(crate) struct Features {
    /// TF-IDF over title and body (title words count `title_boost` times), unit length.
    pub text: SparseVec,
    /// TF-IDF over the title alone, unit length (empty without a title).
    pub title: SparseVec,
    /// IDF-weighted entities, unit length.
    pub entities: SparseVec,
    /// IDF-weighted numbers, unit length.
    pub numbers: SparseVec,
    /// Publication day, when known.
    pub day: Option<i32>,
    /// Unit sentence embedding, when an embedder is attached.
    pub embedding: Option<Vec<f32>>,
}

fn is_stop(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok() || EXTRA_STOP.contains(&word)
}

/// Function words of news prose that STOP_WORDS leaves in.
const EXTRA_STOP: &[&str] = &[
    "will",
    "would",
    "new",
    "one",
    "two",
    "told",
    "year",
    "years",
    "according",
    "including",
    "like",
    "get",
    "got",
    "make",
    "made",
    "many",
    "much",
    "still",
    "even",
    "well",
    "back",
    "since",
    "via",
    "yet",
    "say",
    "per",
    "among",
    "amid",
    "across",
    "within",
    "without",
    "upon",
    "around",
    "however",
];

/// A light English suffix stripper (after Harman's S-stemmer, plus `-ing`/`-ed` and a final
/// `e`/`y` fold on long words): conservative so that names survive, cheap next to tokenising.
/// `rescue`, `rescued`, `rescues` and `rescuing` all become `rescu`.
#[cfg(test)]
pub(crate) fn stem(word: &str) -> String {
    let mut out = String::new();
    stem_into(word, &mut out);
    out
}

/// [`stem`] into a reused buffer.
fn stem_into(word: &str, out: &mut String) {
    out.clear();
    let n = word.len();
    if n <= 3 || !word.is_ascii() {
        out.push_str(word);
        return;
    }
    let b = word.as_bytes();
    let mut stem = if n > 5 && word.ends_with("ing") {
        &word[..n - 3]
    } else if n > 4 && (word.ends_with("ies") || (word.ends_with("ed") && b[n - 3] != b'e')) {
        &word[..n - 2]
    } else if word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        if word.ends_with("es") && n > 4 && matches!(b[n - 3], b's' | b'x' | b'z' | b'h') {
            &word[..n - 2]
        } else {
            &word[..n - 1]
        }
    } else {
        word
    };
    if stem.len() > 4 && stem.ends_with('e') {
        stem = &stem[..stem.len() - 1];
    }
    out.push_str(stem);
    if out.len() > 4 && out.ends_with('y') {
        out.pop();
        out.push('i');
    }
}

/// Lower-cases `word` into a reused buffer (ASCII fast path; else `fold_word`).
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.push_str(&fold_word(word));
    }
}

/// The publication day as days since the common era.
fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// How the words of a text are counted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Counting {
    /// Body words after this many count `tail_weight` each (0: every word counts 1).
    pub lead_words: usize,
    /// Weight of a body word after the lead.
    pub tail_weight: f32,
}

impl Counting {
    const PLAIN: Counting = Counting {
        lead_words: 0,
        tail_weight: 1.0,
    };
}

/// How the words of a document's language are read besides the English defaults: its function
/// words (see [`crate::stop`]) and how Chinese and Japanese characters are read.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Stop {
    /// Sorted by byte.
    words: Option<&'static [&'static str]>,
    /// Strip a French or Italian elided article or preposition (`l'`, `dell'`, `qu'`).
    elision: bool,
    /// Read runs of Chinese or Japanese characters as overlapping character pairs.
    cjk_bigrams: bool,
}

impl Stop {
    /// The function words of `language` (ISO 639-1); none for English or an unknown language.
    pub(crate) fn for_language(language: Option<&str>) -> Self {
        let language = language.unwrap_or("");
        Stop {
            words: crate::stop::for_language(language),
            elision: matches!(language, "fr" | "it"),
            ..Stop::default()
        }
    }

    /// Reads runs of Chinese or Japanese characters as character pairs.
    pub(crate) fn with_cjk_bigrams(mut self, on: bool) -> Self {
        self.cjk_bigrams = on;
        self
    }

    fn contains(&self, word: &str) -> bool {
        self.words
            .is_some_and(|list| list.binary_search(&word).is_ok())
    }
}

/// A Han ideograph or a kana (UAX-29 gives each Han character and each hiragana as a word of
/// its own, so Chinese and Japanese text arrives one character at a time).
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2ffff}')
}

/// The one CJK character `word` is made of, if it is one.
fn single_cjk(word: &str) -> Option<char> {
    // Every CJK character takes 3 or 4 bytes in UTF-8, with a lead byte of 0xE3 or more: most
    // words (ASCII, Latin, Cyrillic, Arabic) are ruled out from their length and first byte.
    if !(3..=4).contains(&word.len()) || word.as_bytes()[0] < 0xE3 {
        return None;
    }
    let mut chars = word.chars();
    let c = chars.next()?;
    (chars.next().is_none() && is_cjk(c)).then_some(c)
}

/// Adds the words of `text` to `out`; `title` says which count to bump.
fn add_words<'a>(text: &'a str, title: bool, stop: Stop, out: &mut RawFeatures<'a>) {
    add_words_counted(text, title, Counting::PLAIN, stop, out);
}

/// [`add_words`] with position weights.
fn add_words_counted<'a>(
    text: &'a str,
    title: bool,
    counting: Counting,
    stop: Stop,
    out: &mut RawFeatures<'a>,
) {
    let (mut folded_buf, mut stemmed) = (String::new(), String::new());
    let mut position = 0usize;
    // The previous word when it was a single CJK character: (its start, its end).
    let mut cjk_previous: Option<(usize, usize)> = None;
    // Adjacent word pairs were tried as extra terms and cost 0.1 NMI on the development half
    // (they split stories whose outlets word things differently), so words stand alone.
    for word in words(text) {
        let raw = word.text;
        position += 1;
        let by = if counting.lead_words > 0 && position > counting.lead_words {
            counting.tail_weight
        } else {
            1.0
        };
        if by <= 0.0 {
            break;
        }
        if stop.cjk_bigrams {
            if single_cjk(raw).is_some() {
                // Chinese has no spaces and single characters say little: overlapping character
                // pairs stand in for words (as CJK bigram analysers do in search engines).
                if let Some((start, _)) = cjk_previous.filter(|p| p.1 == word.start) {
                    let pair = &text[start..word.end];
                    bump(out, key(SALT_TERM, pair), pair, title, by);
                }
                cjk_previous = Some((word.start, word.end));
                continue;
            }
            cjk_previous = None;
        }
        if raw.bytes().any(|b| b.is_ascii_digit()) {
            add_number(raw, by, out);
            continue;
        }
        fold_into(raw, &mut folded_buf);
        let mut folded = folded_buf.trim_end_matches("'s");
        if stop.elision {
            // `l'enquête` -> `enquête`: the elided word is a function word.
            if let Some((head, rest)) = folded.split_once('\'') {
                if head.chars().count() <= 5 && !rest.is_empty() {
                    folded = rest;
                }
            }
        }
        if folded.len() < 2
            || folded.chars().nth(1).is_none()
            || is_stop(folded)
            || stop.contains(folded)
        {
            continue;
        }
        stem_into(folded, &mut stemmed);
        bump(out, key(SALT_TERM, &stemmed), raw, title, by);
    }
    if !title {
        out.body_words += position;
    }
}

fn bump<'a>(out: &mut RawFeatures<'a>, k: u64, name: &'a str, title: bool, by: f32) {
    let entry = out.terms.entry(k).or_insert((0.0, 0.0, name));
    if title {
        entry.1 += by;
    } else {
        entry.0 += by;
    }
}

/// Numbers of two or more digits (`5,000` and `5000` alike); single digits are too common to
/// say anything about an event.
fn add_number<'a>(raw: &'a str, by: f32, out: &mut RawFeatures<'a>) {
    let digits: String = raw
        .chars()
        .filter(|c| *c != ',' && *c != '.')
        .flat_map(char::to_lowercase)
        .collect();
    let count = digits.bytes().filter(u8::is_ascii_digit).count();
    if count < 2 {
        return;
    }
    let entry = out
        .numbers
        .entry(key(SALT_NUMBER, &digits))
        .or_insert((0.0, raw));
    entry.0 += by;
}

/// Runs of capitalised words that do not open a sentence (`Pittsburgh Penguins`, `Kyushu`): a
/// stand-in for named entities when the analyzer found none, so text-only input still weighs
/// names apart from other words.
fn guess_entities<'a>(text: &'a str, out: &mut RawFeatures<'a>) {
    let mut run: Vec<&str> = Vec::new();
    let mut previous_end = 0usize;
    let flush = |run: &mut Vec<&str>, out: &mut RawFeatures<'a>| {
        if !run.is_empty() {
            let name = run.join(" ");
            let folded = fold_word(&name);
            let entry = out
                .entities
                .entry(key(SALT_ENTITY, &folded))
                .or_insert_with(|| (0.0, Cow::Owned(name)));
            entry.0 += 1.0;
            run.clear();
        }
    };
    for word in words(text) {
        let gap = &text[previous_end..word.start];
        previous_end = word.end;
        let opens_sentence = word.start == 0 || gap.contains(['.', '!', '?', '\n', ':', '"']);
        let capitalised = word.text.chars().next().is_some_and(char::is_uppercase)
            && word.text.chars().count() > 1
            && !word.text.bytes().any(|b| b.is_ascii_digit());
        let joins_run = gap.trim().is_empty() && !run.is_empty();
        if capitalised && !opens_sentence && !is_stop(&fold_word(word.text)) {
            if !joins_run {
                flush(&mut run, out);
            }
            run.push(word.text);
        } else {
            flush(&mut run, out);
        }
    }
    flush(&mut run, out);
}

/// Reads the raw features of `doc`.
pub(crate) fn read(doc: &Doc, guess: bool, counting: Counting, stop: Stop) -> RawFeatures<'_> {
    let mut out = RawFeatures::default();
    let title = doc.article.title.as_deref().unwrap_or("").trim();
    let body = doc.text.trim();
    // A title that merely repeats the body's opening adds nothing of its own.
    let title_is_body = !title.is_empty() && body.starts_with(title);
    if !title.is_empty() && !title_is_body {
        add_words(title, true, stop, &mut out);
        out.has_title = true;
    }
    add_words_counted(body, false, counting, stop, &mut out);
    if !out.has_title && !body.is_empty() {
        // Text-only input: the first line is often a headline; treat it as the title.
        if let Some(first) = body.lines().next().filter(|l| l.len() < body.len()) {
            let mut headline = RawFeatures::default();
            add_words(first, true, stop, &mut headline);
            for (k, (_, t, name)) in headline.terms {
                out.terms.entry(k).or_insert((0.0, 0.0, name)).1 += t;
            }
            out.has_title = true;
        }
    }
    for mention in &doc.entities {
        let weight = match mention.kind {
            EntityKind::Person | EntityKind::Org | EntityKind::Place => 1.0,
            EntityKind::Other => 0.5,
        };
        let name = mention.canonical.trim();
        if name.is_empty() {
            continue;
        }
        let folded = fold_word(name);
        let entry = out
            .entities
            .entry(key(SALT_ENTITY, &folded))
            .or_insert((0.0, Cow::Borrowed(name)));
        entry.0 += weight;
    }
    if guess && doc.entities.is_empty() {
        if !title.is_empty() && !title_is_body {
            guess_entities(title, &mut out);
        }
        guess_entities(body, &mut out);
    }
    for time in &doc.times {
        if time.grain == Grain::Day {
            // A day named in the text is strong evidence of which event is meant.
            if let Some(day) = time.value.get(..10) {
                let entry = out
                    .numbers
                    .entry(key(SALT_NUMBER, day))
                    .or_insert((0.0, day));
                entry.0 += 1.0;
            }
        }
    }
    // Only given (or markup) dates: a date inferred from the text's tenses and weekdays is too
    // loose to push two reports apart (it cost 0.06 en-en r on the SemEval dev half).
    out.day = doc
        .published
        .as_ref()
        .or(doc.article.published.as_ref())
        .filter(|p| !p.is_inferred())
        .map(|p| day_number(p.date));
    out
}

/// Every key whose document frequency the IDF table counts.
pub(crate) fn df_keys<'r>(raw: &'r RawFeatures<'_>) -> impl Iterator<Item = u64> + 'r {
    raw.terms
        .keys()
        .chain(raw.entities.keys())
        .chain(raw.numbers.keys())
        .copied()
}

/// How term counts become weights.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Weighting {
    /// How many times a title word counts in the text vector.
    pub title_boost: f32,
    /// 0: `1 + ln tf`; k > 0: BM25's saturation `tf (k + 1) / (tf + k)`.
    pub tf_saturation: f32,
}

impl Weighting {
    fn tf(&self, tf: f32) -> f32 {
        if tf <= 0.0 {
            0.0
        } else if self.tf_saturation > 0.0 {
            let k = self.tf_saturation;
            tf * (k + 1.0) / (tf + k)
        } else if tf < 1.0 {
            // A word seen only past the lead counts less than once: linear below 1 meets
            // `1 + ln tf` at 1 with the same slope.
            tf
        } else {
            1.0 + tf.ln()
        }
    }
}

/// Weighs raw counts with `idf` into unit vectors.
pub(crate) fn weigh(
    raw: &RawFeatures<'_>,
    idf: impl Fn(u64) -> f32,
    weighting: Weighting,
) -> Features {
    let title_boost = weighting.title_boost;
    let tfw = |tf: f32| weighting.tf(tf);
    let mut text = Vec::with_capacity(raw.terms.len());
    let mut title = Vec::new();
    for (&k, (body, head, _)) in &raw.terms {
        let w = idf(k);
        let tf = body + title_boost * head;
        text.push((k, tfw(tf) * w));
        if *head > 0.0 {
            title.push((k, tfw(*head) * w));
        }
    }
    let mut entities = Vec::with_capacity(raw.entities.len());
    for (&k, (count, _)) in &raw.entities {
        entities.push((k, tfw(*count) * idf(k)));
    }
    let mut numbers = Vec::with_capacity(raw.numbers.len());
    for (&k, (count, _)) in &raw.numbers {
        let w = idf(k);
        numbers.push((k, w));
        // Numbers are words of the text too: a shared casualty count or date is as telling as a
        // shared rare word, and as harmless when absent.
        text.push((k, tfw(*count) * w));
    }
    text.sort_unstable_by_key(|e| e.0);
    Features {
        text: SparseVec::unit(text),
        title: SparseVec::unit(title),
        entities: SparseVec::unit(entities),
        numbers: SparseVec::unit(numbers),
        day: raw.day,
        embedding: None,
    }
}

impl RawFeatures<'_> {
    /// The surface form of `k` for reasons: terms lower-cased, entities as named.
    pub fn name(&self, k: u64) -> Option<String> {
        if let Some((_, _, name)) = self.terms.get(&k) {
            return Some(fold_word(name));
        }
        if let Some((_, name)) = self.entities.get(&k) {
            return Some(name.to_string());
        }
        self.numbers.get(&k).map(|(_, name)| name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn stemmer_joins_plurals_and_keeps_short_words() {
        assert_eq!(stem("earthquakes"), "earthquak");
        assert_eq!(stem("earthquake"), "earthquak");
        for word in ["rescue", "rescued", "rescues", "rescuing"] {
            assert_eq!(stem(word), "rescu", "{word}");
        }
        assert_eq!(stem("countries"), "countri");
        assert_eq!(stem("country"), "countri");
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("crisis"), "crisis");
        assert_eq!(stem("boxes"), "box");
    }

    #[test]
    fn capitalised_runs_stand_in_for_entities() {
        let mut raw = RawFeatures::default();
        guess_entities(
            "The Pittsburgh Penguins beat Ottawa on Monday. Fans cheered in Pittsburgh.",
            &mut raw,
        );
        let mut names: Vec<&str> = raw.entities.values().map(|v| v.1.as_ref()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["Monday", "Ottawa", "Pittsburgh", "Pittsburgh Penguins"]
        );
        assert!(
            !names.contains(&"Fans"),
            "a capital that opens a sentence is no name"
        );
    }

    #[test]
    fn words_after_the_lead_count_less() {
        let mut raw = RawFeatures::default();
        let counting = Counting {
            lead_words: 3,
            tail_weight: 0.25,
        };
        add_words_counted(
            "ferry grounded harbour ferry ferry 2026",
            false,
            counting,
            Stop::default(),
            &mut raw,
        );
        let count = |w: &str| raw.terms.get(&key(SALT_TERM, &stem(w))).map(|v| v.0);
        assert_eq!(
            count("ferry"),
            Some(1.5),
            "one lead mention and two past the lead"
        );
        assert_eq!(count("harbour"), Some(1.0));
        assert_eq!(raw.numbers.values().next().map(|v| v.0), Some(0.25));
    }

    #[test]
    fn tail_weight_zero_reads_only_the_lead() {
        let mut raw = RawFeatures::default();
        let counting = Counting {
            lead_words: 2,
            tail_weight: 0.0,
        };
        add_words_counted(
            "ferry grounded harbour",
            false,
            counting,
            Stop::default(),
            &mut raw,
        );
        assert_eq!(raw.terms.len(), 2);
        assert!(!raw.terms.contains_key(&key(SALT_TERM, &stem("harbour"))));
    }

    #[test]
    fn tf_weighting_is_monotone_and_continuous_at_one() {
        let log = Weighting {
            title_boost: 1.0,
            tf_saturation: 0.0,
        };
        assert_eq!(log.tf(0.0), 0.0);
        assert!((log.tf(0.3) - 0.3).abs() < 1e-6);
        assert!((log.tf(1.0) - 1.0).abs() < 1e-6);
        assert!(log.tf(1.001) > log.tf(0.999));
        let bm25 = Weighting {
            title_boost: 1.0,
            tf_saturation: 1.2,
        };
        assert!((bm25.tf(1.0) - 1.0).abs() < 1e-6);
        assert!(bm25.tf(100.0) < 2.2, "saturates below k + 1");
    }

    #[test]
    fn numbers_ignore_separators_and_single_digits() {
        let mut raw = RawFeatures::default();
        add_words(
            "5,000 people and 5000 more, 3 dogs",
            false,
            Stop::default(),
            &mut raw,
        );
        assert_eq!(raw.numbers.len(), 1);
        assert_eq!(raw.numbers.values().next().map(|v| v.0), Some(2.0));
    }

    #[test]
    fn language_function_words_are_dropped() {
        let text = "Der Bürgermeister und die Feuerwehr sind in der Stadt";
        let mut german = RawFeatures::default();
        add_words(text, false, Stop::for_language(Some("de")), &mut german);
        let mut unknown = RawFeatures::default();
        add_words(text, false, Stop::for_language(None), &mut unknown);
        let names = |raw: &RawFeatures<'_>| -> Vec<String> {
            let mut v: Vec<String> = raw.terms.values().map(|t| t.2.to_lowercase()).collect();
            v.sort();
            v
        };
        assert_eq!(names(&german), ["bürgermeister", "feuerwehr", "stadt"]);
        assert!(names(&unknown).contains(&"der".to_string()));
        assert_eq!(german.body_words, 9);
    }

    #[test]
    fn french_elided_articles_are_stripped() {
        let mut raw = RawFeatures::default();
        add_words(
            "l'enquête et l'enquête",
            false,
            Stop::for_language(Some("fr")),
            &mut raw,
        );
        assert_eq!(raw.terms.len(), 1, "{:?}", raw.terms);
        assert_eq!(raw.terms.values().next().map(|t| t.0), Some(2.0));
    }

    #[test]
    fn stop_lists_are_sorted_for_binary_search() {
        for language in ["ar", "de", "es", "fr", "it", "nl", "pl", "pt", "ru", "tr"] {
            let list = crate::stop::for_language(language).expect("listed language");
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{language}");
            assert!(list.iter().all(|w| *w == w.to_lowercase()), "{language}");
        }
        assert!(crate::stop::for_language("en").is_none());
    }

    #[test]
    fn chinese_characters_are_read_as_touching_pairs() {
        let read = |text: &'static str, on: bool| {
            let mut raw = RawFeatures::default();
            add_words(text, false, Stop::default().with_cjk_bigrams(on), &mut raw);
            let mut v: Vec<String> = raw.terms.values().map(|t| t.2.to_lowercase()).collect();
            v.sort_unstable();
            v
        };
        assert_eq!(read("台风登陆", true), ["台风", "登陆", "风登"]);
        assert_eq!(
            read("台风，登陆", true),
            ["台风", "登陆"],
            "no pair across punctuation"
        );
        assert_eq!(
            read("台风 Haikui 登陆", true),
            ["haikui", "台风", "登陆"],
            "a Latin word between runs is a word of its own"
        );
        assert!(
            read("台风登陆", false).is_empty(),
            "single characters dropped"
        );
        assert_eq!(
            read("Typhoon landfall", true),
            read("Typhoon landfall", false)
        );
    }
}
