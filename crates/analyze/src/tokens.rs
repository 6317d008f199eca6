//! Tokens and sentences: the units every rule below walks over.
use compact_str::CompactString;
use storyfold_model::{Sentence, Span};

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters and digits (and the dots of an acronym such as `U.S.`).
    Word,
    /// A possessive or contraction ending: `'s`, `’s`.
    Possessive,
    /// One punctuation or symbol character.
    Punct,
}

/// A token with its byte span in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Lower-cased text (apostrophes folded to `'`). Kept inline (no allocation) up to 24
    /// bytes, which is nearly every word: one `String` per token was a tenth of the analyzer's
    /// instructions (allocation and freeing, callgrind). Reads like a `&str`.
    pub lower: CompactString,
    /// What the token is.
    pub kind: TokenKind,
    /// First character is upper case.
    pub cap: bool,
    /// Index of the sentence the token belongs to.
    pub sentence: usize,
    /// A line break lies between this token and the previous one.
    pub newline_before: bool,
    /// A blank line (paragraph break) lies between this token and the previous one.
    pub paragraph_before: bool,
    /// Some whitespace lies between this token and the previous one.
    pub space_before: bool,
}

impl Token {
    /// The token as written.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
    /// Whether the token is a word.
    pub fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }
    /// Whether the token is all ASCII digits.
    pub fn is_number(&self) -> bool {
        !self.lower.is_empty() && self.lower.bytes().all(|b| b.is_ascii_digit())
    }
}

/// Orders words as `str::cmp` does, byte by byte inline: table words are short and most probes
/// differ in the first bytes, so a call to `memcmp` per probe cost more than the comparison
/// (a fifth of the analyzer's time, perf; the inline loop is ~40% fewer instructions in
/// `listed`, callgrind).
#[inline]
pub(crate) fn cmp_words(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    for (p, q) in x.iter().zip(y) {
        if p != q {
            return p.cmp(q);
        }
    }
    x.len().cmp(&y.len())
}

/// Whether `word` is in `list` (sorted).
pub(crate) fn listed(list: &[&str], word: &str) -> bool {
    list.binary_search_by(|k| cmp_words(k, word)).is_ok()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// The character starting at byte `at` of `text` and its length in bytes; `at` is on a char
/// boundary. ASCII is decoded inline: most news text is ASCII, and decoding every character into
/// a `Vec` first was a fifth of the tokenizer's time (callgrind).
#[inline]
fn char_at(text: &str, at: usize) -> Option<(char, usize)> {
    let b = *text.as_bytes().get(at)?;
    if b < 0x80 {
        return Some((char::from(b), 1));
    }
    let c = text.get(at..)?.chars().next()?;
    Some((c, c.len_utf8()))
}

fn is_alphanumeric_at(text: &str, at: usize) -> bool {
    char_at(text, at).is_some_and(|(c, _)| c.is_alphanumeric())
}

fn is_alphabetic_at(text: &str, at: usize) -> bool {
    char_at(text, at).is_some_and(|(c, _)| c.is_alphabetic())
}

/// Whether an `s` or `S` (one byte) lies at `at`.
fn is_s_at(text: &str, at: usize) -> bool {
    matches!(text.as_bytes().get(at), Some(b's' | b'S'))
}

/// Byte after the run of alphanumeric characters starting at `at`.
#[inline]
fn alphanumeric_run(text: &str, mut at: usize) -> usize {
    loop {
        at += text.as_bytes().get(at..).map_or(0, |rest| {
            rest.iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count()
        });
        match char_at(text, at) {
            Some((c, n)) if !c.is_ascii() && c.is_alphanumeric() => at += n,
            _ => return at,
        }
    }
}

/// `word` lower-cased, apostrophes folded to `'`.
#[inline]
fn lower_case(word: &str) -> CompactString {
    // Most words are ASCII and most of those are lower case already: copying them as they are
    // and lower-casing bytewise only when needed is several times faster (perf, callgrind).
    if word.is_ascii() {
        let mut lower = CompactString::from(word);
        if word.bytes().any(|b| b.is_ascii_uppercase()) {
            lower.make_ascii_lowercase();
        }
        lower
    } else {
        word.chars()
            .map(|c| if is_apostrophe(c) { '\'' } else { c })
            .flat_map(char::to_lowercase)
            .collect()
    }
}

/// Splits `text` into tokens. Sentence indices are filled in by [`sentences`].
pub fn tokenize(text: &str) -> Vec<Token> {
    // News text has about one token per 5 bytes; a little more room avoids a reallocation.
    let mut tokens = Vec::with_capacity(text.len() / 4);
    let mut i = 0;
    let mut newlines = 0usize;
    let mut space = false;
    while let Some(&byte) = text.as_bytes().get(i) {
        // ASCII white space (`char::is_whitespace`: tab to carriage return, and space) first:
        // it is every other character of the text.
        if byte == b' ' || (b'\t'..=b'\r').contains(&byte) {
            if byte == b'\n' {
                newlines += 1;
            }
            space = true;
            i += 1;
            continue;
        }
        let Some((c, width)) = char_at(text, i) else {
            break;
        };
        if width > 1 && c.is_whitespace() {
            space = true;
            i += width;
            continue;
        }
        let start = i;
        let (end, kind) = if c.is_alphanumeric() {
            let mut j = alphanumeric_run(text, i + width);
            // Dotted acronyms and abbreviations: U.S., U.N., a.m., p.m.
            if j == i + width && c.is_alphabetic() {
                let mut k = j;
                let mut dotted = 0;
                while text.as_bytes().get(k) == Some(&b'.') && is_alphabetic_at(text, k + 1) {
                    let letter = char_at(text, k + 1).map_or(1, |(_, n)| n);
                    if is_alphanumeric_at(text, k + 1 + letter) {
                        break;
                    }
                    k += 1 + letter;
                    dotted += 1;
                }
                if dotted > 0 {
                    if text.as_bytes().get(k) == Some(&b'.') {
                        k += 1;
                    }
                    j = k;
                }
            }
            // Apostrophes inside a word (O'Brien, don't) join it, except a possessive 's.
            while let Some((_, n)) = char_at(text, j).filter(|(a, _)| is_apostrophe(*a)) {
                if !is_alphabetic_at(text, j + n) {
                    break;
                }
                let possessive = is_s_at(text, j + n) && !is_alphanumeric_at(text, j + n + 1);
                if possessive {
                    break;
                }
                j = alphanumeric_run(text, j + n);
            }
            (j, TokenKind::Word)
        } else if is_apostrophe(c)
            && is_s_at(text, i + width)
            && !is_alphanumeric_at(text, i + width + 1)
            && text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        {
            (i + width + 1, TokenKind::Possessive)
        } else {
            (i + width, TokenKind::Punct)
        };
        let lower = lower_case(&text[start..end]);
        tokens.push(Token {
            start,
            end,
            lower,
            kind,
            cap: c.is_uppercase(),
            sentence: 0,
            newline_before: newlines > 0,
            paragraph_before: newlines > 1,
            space_before: space,
        });
        newlines = 0;
        space = false;
        i = end;
    }
    tokens
}

/// Words after whose full stop a sentence does not end.
const ABBREVIATIONS: &[&str] = &[
    "adm", "apr", "aug", "capt", "cmdr", "co", "col", "corp", "dec", "dept", "dr", "e.g", "etc",
    "feb", "fig", "gen", "gov", "i.e", "inc", "jan", "jr", "jul", "jun", "lt", "ltd", "maj", "mar",
    "mr", "mrs", "ms", "mt", "no", "nov", "oct", "pp", "prof", "rep", "rev", "sen", "sep", "sept",
    "sgt", "sr", "st", "vs",
];

/// Sentence openers that end an abbreviation's sentence (`... the U.S. The next ...`).
const OPENERS: &[&str] = &[
    "a", "but", "he", "her", "his", "however", "i", "in", "it", "its", "she", "the", "their",
    "there", "they", "this", "we",
];

/// Splits the tokens into sentences and numbers each token with its sentence; `text` is the text
/// the tokens index into, `paragraph_of` maps a byte offset to its paragraph.
pub fn sentences(text: &str, tokens: &mut [Token]) -> Vec<Sentence> {
    let mut out = Vec::new();
    if tokens.is_empty() {
        return out;
    }
    let mut first = 0;
    let mut paragraph = 0;
    let mut sentence_paragraph = 0;
    for i in 0..tokens.len() {
        if i > first && tokens[i].newline_before {
            push(&mut out, tokens, first, i, sentence_paragraph);
            first = i;
        }
        if tokens[i].paragraph_before {
            let from = if i == 0 { 0 } else { tokens[i - 1].end };
            paragraph += text
                .get(from..tokens[i].start)
                .map_or(0, |gap| gap.matches("\n\n").count());
        }
        if i == first {
            sentence_paragraph = paragraph;
        }
        if ends_sentence(tokens, i) {
            push(&mut out, tokens, first, i + 1, sentence_paragraph);
            first = i + 1;
        }
    }
    if first < tokens.len() {
        push(&mut out, tokens, first, tokens.len(), sentence_paragraph);
    }
    out
}

fn push(out: &mut Vec<Sentence>, tokens: &mut [Token], first: usize, end: usize, paragraph: usize) {
    if first >= end {
        return;
    }
    let index = out.len();
    for token in &mut tokens[first..end] {
        token.sentence = index;
    }
    out.push(Sentence {
        span: Span::new(tokens[first].start, tokens[end - 1].end),
        paragraph,
    });
}

// Marks and closers are one punctuation character each, so the kind is tested first: it is
// cheaper than comparing the text, and this runs for every token.
fn is_closer(token: &Token) -> bool {
    token.kind == TokenKind::Punct
        && matches!(
            token.lower.as_str(),
            "\"" | "'" | "\u{201d}" | "\u{2019}" | ")" | "]" | "\u{bb}"
        )
}

/// Whether a sentence ends after token `i`.
fn ends_sentence(tokens: &[Token], i: usize) -> bool {
    let token = &tokens[i];
    let mark = ends_with_mark(token);
    let acronym = token.is_word() && token.lower.len() > 2 && token.lower.ends_with('.');
    let closes_a_mark = is_closer(token) && i > 0 && ends_with_mark(&tokens[i - 1]);
    if !(mark || acronym || closes_a_mark) {
        return false;
    }
    let Some(next) = tokens.get(i + 1) else {
        return true;
    };
    if mark && next.kind == TokenKind::Punct && (is_closer(next) || next.lower == ".") {
        return false;
    }
    if !next.space_before && !next.newline_before {
        return false;
    }
    let next_starts = next.cap
        || next
            .lower
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
        || matches!(
            next.lower.as_str(),
            "\"" | "'" | "\u{201c}" | "\u{2018}" | "(" | "\u{ab}" | "-" | "\u{2013}" | "\u{2014}"
        );
    if !next_starts {
        return false;
    }
    if acronym {
        return listed(OPENERS, &next.lower);
    }
    if token.lower == "." && i > 0 {
        let before = &tokens[i - 1];
        if before.is_word() && before.end == token.start {
            if listed(ABBREVIATIONS, &before.lower) {
                return false;
            }
            // An initial: "John F. Kennedy".
            if before.cap && before.lower.chars().count() == 1 {
                return false;
            }
        }
    }
    true
}

fn ends_with_mark(token: &Token) -> bool {
    token.kind == TokenKind::Punct && matches!(token.lower.as_str(), "." | "!" | "?" | "\u{2026}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A token's fields, comparable: start, end, lower, kind, cap, line break, paragraph, space.
    type Fields = (usize, usize, String, TokenKind, bool, bool, bool, bool);

    /// The tokenizer as it was before the byte-wise rewrite (one `Vec` of decoded characters,
    /// a `String` per token): the rewrite must give the same tokens on any text.
    fn reference_tokenize(text: &str) -> Vec<Fields> {
        let mut tokens = Vec::new();
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let byte_at = |i: usize| chars.get(i).map(|c| c.0).unwrap_or(text.len());
        let (mut i, mut newlines, mut space) = (0, 0usize, false);
        while i < chars.len() {
            let c = chars[i].1;
            if c.is_whitespace() {
                if c == '\n' {
                    newlines += 1;
                }
                space = true;
                i += 1;
                continue;
            }
            let start = chars[i].0;
            let (end_index, kind) = if c.is_alphanumeric() {
                let mut j = i;
                while j < chars.len() && chars[j].1.is_alphanumeric() {
                    j += 1;
                }
                if j == i + 1 && c.is_alphabetic() {
                    let mut k = j;
                    let mut dotted = 0;
                    while k + 1 < chars.len()
                        && chars[k].1 == '.'
                        && chars[k + 1].1.is_alphabetic()
                        && chars.get(k + 2).is_none_or(|n| !n.1.is_alphanumeric())
                    {
                        k += 2;
                        dotted += 1;
                    }
                    if dotted > 0 {
                        if k < chars.len() && chars[k].1 == '.' {
                            k += 1;
                        }
                        j = k;
                    }
                }
                while j + 1 < chars.len()
                    && is_apostrophe(chars[j].1)
                    && chars[j + 1].1.is_alphabetic()
                {
                    let possessive = matches!(chars[j + 1].1, 's' | 'S')
                        && chars.get(j + 2).is_none_or(|n| !n.1.is_alphanumeric());
                    if possessive {
                        break;
                    }
                    let mut k = j + 1;
                    while k < chars.len() && chars[k].1.is_alphanumeric() {
                        k += 1;
                    }
                    j = k;
                }
                (j, TokenKind::Word)
            } else if is_apostrophe(c)
                && i + 1 < chars.len()
                && matches!(chars[i + 1].1, 's' | 'S')
                && chars.get(i + 2).is_none_or(|n| !n.1.is_alphanumeric())
                && i > 0
                && chars[i - 1].1.is_alphanumeric()
            {
                (i + 2, TokenKind::Possessive)
            } else {
                (i + 1, TokenKind::Punct)
            };
            let end = byte_at(end_index);
            let word = &text[start..end];
            let lower: String = word
                .chars()
                .map(|c| if is_apostrophe(c) { '\'' } else { c })
                .flat_map(char::to_lowercase)
                .collect();
            let cap = word.chars().next().is_some_and(char::is_uppercase);
            tokens.push((
                start,
                end,
                lower,
                kind,
                cap,
                newlines > 0,
                newlines > 1,
                space,
            ));
            newlines = 0;
            space = false;
            i = end_index;
        }
        tokens
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn tokenize_matches_the_reference_tokenizer(
            text in "([a-zA-Z0-9]|[.'\u{2018}\u{2019}\u{2bc}sS\n \t\u{b}\u{85}\u{a0}\u{3000}]|[\u{e9}\u{df}\u{130}\u{391}\u{4e2d}\u{201c}\u{201d}\u{2026}]|U\\.S\\.|p\\.m\\.|O'Brien|don\u{2019}t|Kenya's|\\PC){0,80}"
        ) {
            let got: Vec<Fields> = tokenize(&text)
                .into_iter()
                .map(|t| (
                    t.start,
                    t.end,
                    t.lower.to_string(),
                    t.kind,
                    t.cap,
                    t.newline_before,
                    t.paragraph_before,
                    t.space_before,
                ))
                .collect();
            prop_assert_eq!(got, reference_tokenize(&text));
        }
    }

    fn split(text: &str) -> Vec<String> {
        let mut tokens = tokenize(text);
        sentences(text, &mut tokens)
            .iter()
            .map(|s| s.span.slice(text).to_string())
            .collect()
    }

    #[test]
    fn word_lists_are_sorted_for_binary_search() {
        assert!(ABBREVIATIONS.windows(2).all(|w| w[0] < w[1]));
        assert!(OPENERS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn abbreviations_do_not_split_sentences() {
        let text = "Mr. Okafor flew to the U.S. Senate on Feb. 3 with Dr. Lind. The talks ended.";
        assert_eq!(
            split(text),
            vec![
                "Mr. Okafor flew to the U.S. Senate on Feb. 3 with Dr. Lind.",
                "The talks ended."
            ]
        );
    }

    #[test]
    fn quotes_and_questions_end_sentences() {
        let text = "\u{201c}We are ready.\u{201d} She left. Why now? Nobody knows!";
        assert_eq!(
            split(text),
            vec![
                "\u{201c}We are ready.\u{201d}",
                "She left.",
                "Why now?",
                "Nobody knows!"
            ]
        );
    }

    #[test]
    fn line_breaks_end_sentences_and_count_paragraphs() {
        let text = "Headline here\nFirst line.\n\nSecond paragraph.";
        let mut tokens = tokenize(text);
        let s = sentences(text, &mut tokens);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].paragraph, 0);
        assert_eq!(s[2].paragraph, 1);
    }

    #[test]
    fn possessives_and_acronyms_are_tokens() {
        let text = "Norway\u{2019}s envoy met U.S. officials at 3 p.m. in O'Hare.";
        let words: Vec<&str> = tokenize(text).iter().map(|t| t.text(text)).collect();
        assert_eq!(
            words,
            vec![
                "Norway",
                "\u{2019}s",
                "envoy",
                "met",
                "U.S.",
                "officials",
                "at",
                "3",
                "p.m.",
                "in",
                "O'Hare",
                "."
            ]
        );
    }
}
