//! Tokens and sentences: the units every rule below walks over.
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
    /// Lower-cased text (apostrophes folded to `'`).
    pub lower: String,
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

/// Orders words as `str::cmp` does, comparing the first bytes inline: most probes of a word table
/// differ there, and a call to `memcmp` per probe was a fifth of the analyzer's time (perf).
pub(crate) fn cmp_words(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    match x.first().cmp(&y.first()) {
        std::cmp::Ordering::Equal => x.cmp(y),
        other => other,
    }
}

/// Whether `word` is in `list` (sorted).
pub(crate) fn listed(list: &[&str], word: &str) -> bool {
    list.binary_search_by(|k| cmp_words(k, word)).is_ok()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// Splits `text` into tokens. Sentence indices are filled in by [`sentences`].
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map(|c| c.0).unwrap_or(text.len());
    let mut i = 0;
    let mut newlines = 0usize;
    let mut space = false;
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
            // Dotted acronyms and abbreviations: U.S., U.N., a.m., p.m.
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
            // Apostrophes inside a word (O'Brien, don't) join it, except a possessive 's.
            while j + 1 < chars.len() && is_apostrophe(chars[j].1) && chars[j + 1].1.is_alphabetic()
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
        // Most words are ASCII: lower-casing them bytewise is several times faster (perf).
        let lower: String = if word.is_ascii() {
            word.to_ascii_lowercase()
        } else {
            word.chars()
                .map(|c| if is_apostrophe(c) { '\'' } else { c })
                .flat_map(char::to_lowercase)
                .collect()
        };
        tokens.push(Token {
            start,
            end,
            lower,
            kind,
            cap: word.chars().next().is_some_and(char::is_uppercase),
            sentence: 0,
            newline_before: newlines > 0,
            paragraph_before: newlines > 1,
            space_before: space,
        });
        newlines = 0;
        space = false;
        i = end_index;
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

fn is_closer(token: &Token) -> bool {
    matches!(
        token.lower.as_str(),
        "\"" | "'" | "\u{201d}" | "\u{2019}" | ")" | "]" | "\u{bb}"
    )
}

/// Whether a sentence ends after token `i`.
fn ends_sentence(tokens: &[Token], i: usize) -> bool {
    let token = &tokens[i];
    let mark = matches!(token.lower.as_str(), "." | "!" | "?" | "\u{2026}");
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
    matches!(token.lower.as_str(), "." | "!" | "?" | "\u{2026}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
