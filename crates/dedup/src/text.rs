//! Words, sentences and quotes of a text, with byte spans, for shingling and alignment.
//!
//! The tokenizer is our own rather than UAX #29 (`storyfold_model::text::words`) because it runs on
//! every article of an endless stream: one pass over the chars, no allocation per word. A word is a
//! run of alphanumeric characters, with inner apostrophes (`'` or `’`) kept (`china's`); words are
//! lower-cased and hashed with xxh3. The benchmark's Python peers use nearly the same rule
//! (`[^\W_]+(?:['’][^\W_]+)*` on lower-cased text); they differ where Unicode's Alphabetic
//! property (Rust) and Python's `isalnum` do: vowel signs and other combining marks of Devanagari
//! or Arabic script, and letter-like symbols such as `ⓒ`, are word characters here and split
//! words in Python (85 of 20,000 benchmark texts, measured; `bench/dedup.py` scores each tool
//! against the shingles it was given).
use std::ops::Range;
use xxhash_rust::xxh3::xxh3_64;

/// One word: the xxh3 hash of its folded form, whether it is a stop word. 16 bytes: byte spans
/// of words are needed only while tokenizing (sentences and spans keep theirs), and tokens of
/// recent articles are cached ([`crate::cache`]), so each byte per word counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub hash: u64,
    pub stop: bool,
    /// Inside quotation marks.
    pub quoted: bool,
    /// A number, or a capitalised word that does not open its sentence: names, figures, the
    /// specifics that tell one story from another written on the same template.
    pub specific: bool,
}

/// One sentence: its tokens (indices into `Tokens::words`), byte span and paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sentence {
    pub words: Range<usize>,
    pub start: u32,
    pub end: u32,
    pub paragraph: u32,
}

/// A tokenized text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tokens {
    pub words: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// Words per paragraph.
    pub paragraph_words: Vec<u32>,
    /// Byte span from the first word's start to the last word's end (`(0, 0)` without words).
    pub words_span: (u32, u32),
}

/// `char::is_alphanumeric`, with the Basic Multilingual Plane read from a bitmap: std answers
/// a non-ASCII char by a table search, which was 9 % of `lsh_bench`'s instructions on the
/// bench's pool (its Arabic, Devanagari and Cyrillic texts). Same answer for every char (tested).
#[inline]
fn is_word_char(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        c.is_ascii_alphanumeric()
    } else if u < 0x1_0000 {
        bmp_word_chars()[(u >> 6) as usize] >> (u & 63) & 1 == 1
    } else {
        c.is_alphanumeric()
    }
}

/// One bit per BMP code point: whether it is alphanumeric (8 KiB, built on first use).
fn bmp_word_chars() -> &'static [u64; 1024] {
    static BITS: std::sync::OnceLock<Box<[u64; 1024]>> = std::sync::OnceLock::new();
    BITS.get_or_init(|| {
        let mut bits = Box::new([0u64; 1024]);
        for u in 0x80..0x1_0000u32 {
            if char::from_u32(u).is_some_and(char::is_alphanumeric) {
                bits[(u >> 6) as usize] |= 1 << (u & 63);
            }
        }
        bits
    })
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}')
}

fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' | '\u{201E}'
    )
}

/// The char at byte `i` of `text` (a char boundary) and its length; ASCII without decoding.
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b.is_ascii() {
        return Some((b as char, 1));
    }
    text[i..].chars().next().map(|c| (c, c.len_utf8()))
}

/// Calls `f(start, end, hash)` for each word of `text`, in order.
pub(crate) fn for_each_word(text: &str, mut f: impl FnMut(usize, usize, u64)) {
    let mut buf: Vec<u8> = Vec::with_capacity(64);
    let mut start: Option<usize> = None;
    let mut i = 0usize;
    // Byte by byte with ASCII taken as is (most news text): the same words as iterating chars.
    while let Some((c, len)) = char_at(text, i) {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
                buf.clear();
            }
            if len == 1 {
                buf.push((c as u8).to_ascii_lowercase());
            } else {
                push_lower(&mut buf, c);
            }
            i += len;
            continue;
        }
        if let Some(s) = start {
            if is_apostrophe(c) && char_at(text, i + len).is_some_and(|(n, _)| is_word_char(n)) {
                buf.push(b'\'');
                i += len;
                continue;
            }
            f(s, i, xxh3_64(&buf));
            start = None;
        }
        i += len;
    }
    if let Some(s) = start {
        f(s, text.len(), xxh3_64(&buf));
    }
}

fn push_lower(buf: &mut Vec<u8>, c: char) {
    if c.is_ascii() {
        buf.push(c.to_ascii_lowercase() as u8);
    } else {
        let mut tmp = [0u8; 4];
        for l in c.to_lowercase() {
            buf.extend_from_slice(l.encode_utf8(&mut tmp).as_bytes());
        }
    }
}

/// Hashes of the stop words, sorted, for binary search.
fn stop_hashes() -> &'static [u64] {
    static STOP: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    STOP.get_or_init(|| {
        let mut v: Vec<u64> = storyfold_model::text::STOP_WORDS
            .iter()
            .map(|w| xxh3_64(w.as_bytes()))
            .collect();
        v.sort_unstable();
        v
    })
}

/// Abbreviations after which a full stop does not end a sentence (lower case, no dot).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "sen", "rep", "gov", "no", "inc", "corp",
    "ltd", "co", "vs", "prof", "col", "lt", "sgt", "capt", "jan", "feb", "mar", "apr", "aug",
    "sept", "sep", "oct", "nov", "dec", "u.s", "u.k", "e.g", "i.e", "approx", "est", "fig",
];

/// Tokenizes `text`: words with quote flags, sentences and paragraphs (split at blank lines and
/// single newlines; sentences end at `.`, `!`, `?` followed by space and an upper-case letter,
/// digit or opening quote, unless the word before is an abbreviation or a single letter).
pub(crate) fn tokenize(text: &str) -> Tokens {
    let stops = stop_hashes();
    // About one word per six bytes of English; sized up front so that the vectors rarely grow.
    let mut words = Vec::with_capacity(text.len() / 6 + 8);
    let mut spans: Vec<(u32, u32)> = Vec::with_capacity(text.len() / 6 + 8);
    for_each_word(text, |s, e, h| {
        spans.push((s as u32, e as u32));
        words.push(Token {
            hash: h,
            stop: stops.binary_search(&h).is_ok(),
            quoted: false,
            specific: false,
        })
    });
    mark_quotes(text, &spans, &mut words);
    let boundaries = sentence_boundaries(text);
    let mut sentences = Vec::with_capacity(boundaries.len());
    let mut paragraph_words = Vec::new();
    let mut w = 0usize;
    for (start, end, paragraph) in boundaries {
        let first = w;
        while w < words.len() && (spans[w].0 as usize) < end {
            w += 1;
        }
        if w > first {
            sentences.push(Sentence {
                words: first..w,
                start: start as u32,
                end: end as u32,
                paragraph,
            });
            let p = paragraph as usize;
            if paragraph_words.len() <= p {
                paragraph_words.resize(p + 1, 0);
            }
            paragraph_words[p] += (w - first) as u32;
        }
    }
    for sent in &sentences {
        for i in sent.words.clone().skip(1) {
            words[i].specific = text[spans[i].0 as usize..]
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_numeric());
        }
    }
    let words_span = match (spans.first(), spans.last()) {
        (Some(f), Some(l)) => (f.0, l.1),
        _ => (0, 0),
    };
    Tokens {
        words,
        sentences,
        paragraph_words,
        words_span,
    }
}

/// Marks words between quotation marks. Straight quotes alternate open/close; curly and guillemet
/// quotes say which they are. A quote is closed at the end of its paragraph.
fn mark_quotes(text: &str, word_spans: &[(u32, u32)], words: &mut [Token]) {
    let mut inside = false;
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut open_at = 0usize;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let newline_para = c == '\n' && bytes.get(i + 1) == Some(&b'\n');
        if newline_para && inside {
            spans.push((open_at, i));
            inside = false;
            continue;
        }
        if !is_quote_mark(c) {
            continue;
        }
        let opening = match c {
            '\u{201C}' | '\u{00AB}' | '\u{201E}' => true,
            '\u{201D}' | '\u{00BB}' => false,
            _ => !inside,
        };
        if opening && !inside {
            inside = true;
            open_at = i + c.len_utf8();
        } else if !opening && inside {
            spans.push((open_at, i));
            inside = false;
        }
    }
    if inside {
        spans.push((open_at, text.len()));
    }
    let mut s = 0;
    for (w, &(start, end)) in words.iter_mut().zip(word_spans) {
        let (start, end) = (start as usize, end as usize);
        while s < spans.len() && spans[s].1 <= start {
            s += 1;
        }
        if s < spans.len() && spans[s].0 <= start && end <= spans[s].1 {
            w.quoted = true;
        }
    }
}

fn sentence_boundaries(text: &str) -> Vec<(usize, usize, u32)> {
    let mut out = Vec::new();
    let mut paragraph = 0u32;
    let mut offset = 0usize;
    // The chars of one line, reused from line to line (one allocation per text, not per line).
    let mut chars: Vec<(usize, char)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim().is_empty() {
            offset += line.len();
            continue;
        }
        split_line(body, offset, paragraph, &mut chars, &mut out);
        paragraph += 1;
        offset += line.len();
    }
    out
}

fn split_line(
    line: &str,
    base: usize,
    paragraph: u32,
    chars: &mut Vec<(usize, char)>,
    out: &mut Vec<(usize, usize, u32)>,
) {
    let mut start = 0usize;
    chars.clear();
    chars.extend(line.char_indices());
    let mut k = 0usize;
    while k < chars.len() {
        let (i, c) = chars[k];
        if matches!(c, '.' | '!' | '?') {
            let mut j = k + 1;
            while j < chars.len() && (is_quote_mark(chars[j].1) || matches!(chars[j].1, ')' | '\''))
            {
                j += 1;
            }
            let end = chars.get(j).map_or(line.len(), |&(b, _)| b);
            if j < chars.len() && chars[j].1.is_whitespace() {
                let mut n = j;
                while n < chars.len() && chars[n].1.is_whitespace() {
                    n += 1;
                }
                let next_ok = chars.get(n).is_some_and(|&(_, nc)| {
                    nc.is_uppercase() || nc.is_numeric() || is_quote_mark(nc) || nc == '\''
                });
                if next_ok && !(c == '.' && is_abbreviation(&line[start..i])) {
                    out.push((base + start, base + end, paragraph));
                    start = chars[n].0;
                    k = n;
                    continue;
                }
            }
        }
        k += 1;
    }
    let tail = &line[start..];
    if !tail.trim().is_empty() {
        let trimmed = tail.trim_end().len();
        out.push((base + start, base + start + trimmed, paragraph));
    }
}

fn is_abbreviation(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    if last.chars().count() == 1 && last.chars().all(char::is_uppercase) {
        return true;
    }
    let lower = last.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

impl Tokens {
    /// Word hashes of sentence `s`.
    pub fn hashes(&self, s: usize) -> impl Iterator<Item = u64> + '_ {
        self.words[self.sentences[s].words.clone()]
            .iter()
            .map(|w| w.hash)
    }

    /// Releases spare capacity (for tokens kept a while).
    pub fn shrink_to_fit(&mut self) {
        self.words.shrink_to_fit();
        self.sentences.shrink_to_fit();
        self.paragraph_words.shrink_to_fit();
    }

    /// Byte span from the first word's start to the last word's end.
    pub fn words_span(&self) -> (usize, usize) {
        (self.words_span.0 as usize, self.words_span.1 as usize)
    }

    /// Bytes of heap data held.
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * std::mem::size_of::<Token>()
            + self.sentences.capacity() * std::mem::size_of::<Sentence>()
            + self.paragraph_words.capacity() * std::mem::size_of::<u32>()
    }

    /// Number of words in sentence `s`.
    pub fn len(&self, s: usize) -> usize {
        self.sentences[s].words.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_chars_are_the_alphanumeric_chars() {
        for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{:#x}", c as u32);
        }
    }

    /// The char-by-char word scan before the ASCII fast path, as a reference.
    fn reference_words(text: &str) -> Vec<(usize, usize, u64)> {
        let mut out = Vec::new();
        let mut buf: Vec<u8> = Vec::new();
        let mut start: Option<usize> = None;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if is_word_char(c) {
                if start.is_none() {
                    start = Some(i);
                    buf.clear();
                }
                push_lower(&mut buf, c);
                continue;
            }
            if let Some(s) = start {
                if is_apostrophe(c) && chars.peek().is_some_and(|&(_, n)| is_word_char(n)) {
                    buf.push(b'\'');
                    continue;
                }
                out.push((s, i, xxh3_64(&buf)));
                start = None;
            }
        }
        if let Some(s) = start {
            out.push((s, text.len(), xxh3_64(&buf)));
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn ascii_fast_path_finds_the_words_of_the_char_scan(
            text in "([A-Za-z0-9 .,'\"\n]|[ÄéßİΣσ’“”«»中文]|'[a-z]){0,80}"
        ) {
            let mut got = Vec::new();
            for_each_word(&text, |s, e, h| got.push((s, e, h)));
            proptest::prop_assert_eq!(got, reference_words(&text));
        }
    }

    #[test]
    fn words_fold_case_and_keep_inner_apostrophes() {
        let mut out = Vec::new();
        for_each_word("China’s BIG day, 'quoted' 2026", |s, e, h| {
            out.push((s, e, h))
        });
        assert_eq!(out.len(), 5);
        assert_eq!(out[0].2, xxh3_64(b"china's"));
        assert_eq!(out[1].2, xxh3_64(b"big"));
        assert_eq!(out[3].2, xxh3_64(b"quoted"));
        assert_eq!(out[4].2, xxh3_64(b"2026"));
    }

    #[test]
    fn sentences_split_on_stops_but_not_abbreviations() {
        let text =
            "Mr. Smith went to Washington. He said \"Hello there.\" Then he left!\n\nNew para.";
        let t = tokenize(text);
        let got: Vec<&str> = t
            .sentences
            .iter()
            .map(|s| &text[s.start as usize..s.end as usize])
            .collect();
        assert_eq!(
            got,
            [
                "Mr. Smith went to Washington.",
                "He said \"Hello there.\"",
                "Then he left!",
                "New para."
            ]
        );
        assert_eq!(t.sentences[3].paragraph, 1);
    }

    #[test]
    fn quoted_words_are_marked() {
        let t = tokenize("He said “we will win” today.");
        let quoted: Vec<bool> = t.words.iter().map(|w| w.quoted).collect();
        assert_eq!(quoted, [false, false, true, true, true, false]);
    }
}
