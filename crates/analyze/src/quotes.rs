//! Direct quotes in any quote style, and their speakers from the attribution around them.
use crate::entities::SPEECH_VERBS;
use crate::tokens::Token;
use storyfold_model::{EntityKind, EntityMention, Quote, Span};

fn is_boundary_before(c: Option<char>) -> bool {
    c.is_none_or(|c| {
        c.is_whitespace() || matches!(c, '(' | '[' | '\u{2014}' | '\u{2013}' | '-' | ':' | '/')
    })
}

/// Open quotes and the spans closed so far, fed one character at a time.
#[derive(Default)]
struct Marks {
    doubles: Vec<Span>,
    singles: Vec<Span>,
    open_double: Option<usize>,
    open_single: Option<usize>,
    open_guillemet: Option<usize>,
}

impl Marks {
    /// Takes character `c` at byte `i`, with its neighbours; characters other than line breaks
    /// and quote marks change nothing.
    fn see(&mut self, i: usize, c: char, previous: Option<char>, next: Option<char>) {
        let after = i + c.len_utf8();
        match c {
            '\n' => {
                self.open_double = None;
                self.open_single = None;
                self.open_guillemet = None;
            }
            '\u{201c}' | '\u{201e}' => self.open_double = Some(after),
            '\u{201d}' => {
                if let Some(start) = self.open_double.take() {
                    self.doubles.push(Span::new(start, i));
                }
            }
            '"' => {
                let opener =
                    is_boundary_before(previous) && next.is_some_and(|n| !n.is_whitespace());
                match self.open_double {
                    Some(start) if !opener => {
                        self.doubles.push(Span::new(start, i));
                        self.open_double = None;
                    }
                    _ if opener => self.open_double = Some(after),
                    _ => {}
                }
            }
            '\u{ab}' => self.open_guillemet = Some(after),
            '\u{bb}' => {
                if let Some(start) = self.open_guillemet.take() {
                    self.doubles.push(Span::new(start, i));
                }
            }
            '\u{2018}' | '\'' | '\u{2019}' => {
                let opener = c != '\u{2019}'
                    && is_boundary_before(previous)
                    && next.is_some_and(|n| n.is_alphanumeric() || n == '\u{2026}');
                let closer = previous.is_some_and(|p| !p.is_whitespace())
                    && next.is_none_or(|n| !n.is_alphanumeric());
                if opener {
                    self.open_single = Some(after);
                } else if closer {
                    if let Some(start) = self.open_single.take() {
                        self.singles.push(Span::new(start, i));
                    }
                }
            }
            _ => {}
        }
    }

    /// The quoted spans, trimmed, in text order.
    fn finish(self, text: &str) -> Vec<Span> {
        let Marks {
            doubles,
            mut singles,
            ..
        } = self;
        // Single quotes nested in double ones are the speaker quoting someone else.
        singles.retain(|s| !doubles.iter().any(|d| d.start <= s.start && s.end <= d.end));
        let mut all: Vec<Span> = doubles.into_iter().chain(singles).collect();
        all.sort();
        all.into_iter().filter_map(|s| trim(text, s)).collect()
    }
}

/// Finds quoted spans (byte ranges of the words inside the marks).
pub fn spans(text: &str) -> Vec<Span> {
    let mut marks = Marks::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    // Only line breaks and quote marks matter: jump from one to the next by their bytes (ASCII
    // or the lead byte of `“ ” „ ‘ ’` (0xE2) and `« »` (0xC2)) instead of decoding every
    // character (was 4/5 of quote finding, callgrind).
    while let Some(skip) = bytes.get(i..).and_then(|rest| {
        rest.iter()
            .position(|b| matches!(b, b'\n' | b'"' | b'\'' | 0xC2 | 0xE2))
    }) {
        i += skip;
        // `i` is on a char boundary: ASCII bytes and lead bytes start characters.
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            i += 1;
            continue;
        };
        let previous = text.get(..i).and_then(|before| before.chars().next_back());
        let next = text
            .get(i + c.len_utf8()..)
            .and_then(|rest| rest.chars().next());
        marks.see(i, c, previous, next);
        i += c.len_utf8();
    }
    marks.finish(text)
}

fn trim(text: &str, span: Span) -> Option<Span> {
    let inner = text.get(span.start..span.end)?;
    let start = span.start + (inner.len() - inner.trim_start().len());
    let end = span.start + inner.trim_end().len();
    (start < end).then(|| Span::new(start, end))
}

/// Tokens and entities of one document, for attribution.
pub struct Context<'a> {
    /// The text.
    pub text: &'a str,
    /// Its tokens.
    pub tokens: &'a [Token],
    /// Its entity mentions.
    pub entities: &'a [EntityMention],
}

impl Context<'_> {
    fn token_at(&self, byte: usize) -> usize {
        self.tokens.partition_point(|t| t.end <= byte)
    }

    /// The entity whose mention ends at token `end` (exclusive), if any.
    fn entity_ending(&self, end: usize) -> Option<&EntityMention> {
        let stop = self.tokens.get(end.checked_sub(1)?)?.end;
        self.entities.iter().find(|e| e.span.end == stop)
    }

    /// The entity whose mention starts at token `first`.
    fn entity_starting(&self, first: usize) -> Option<&EntityMention> {
        let start = self.tokens.get(first)?.start;
        self.entities.iter().find(|e| e.span.start == start)
    }

    /// The last person mentioned before byte `before` in the same paragraph: a pronoun does
    /// not carry a speaker across a paragraph break.
    fn last_person_before(&self, before: usize) -> Option<&EntityMention> {
        self.entities
            .iter()
            .rev()
            .find(|e| e.span.end <= before && e.kind == EntityKind::Person)
            .filter(|e| {
                !self
                    .text
                    .get(e.span.end..before)
                    .is_some_and(|between| between.contains("\n\n"))
            })
    }
}

fn is_speaker(e: &EntityMention) -> bool {
    matches!(
        e.kind,
        EntityKind::Person | EntityKind::Org | EntityKind::Place
    )
}

/// Finds quotes and attributes each to a speaker.
pub fn find(context: &Context<'_>) -> Vec<Quote> {
    let quoted = spans(context.text);
    let inside = |byte: usize| quoted.iter().any(|q| q.start <= byte && byte < q.end);
    let mut out = Vec::with_capacity(quoted.len());
    for span in &quoted {
        let speaker = attribute(context, span, &inside);
        out.push(Quote {
            span: *span,
            text: context.text[span.start..span.end].to_string(),
            speaker,
        });
    }
    out
}

fn attribute(context: &Context<'_>, span: &Span, inside: &dyn Fn(usize) -> bool) -> Option<String> {
    let tokens = context.tokens;
    let first = context.token_at(span.start);
    let last = context.token_at(span.end.saturating_sub(1));
    let (Some(a), Some(b)) = (tokens.get(first), tokens.get(last.min(tokens.len() - 1))) else {
        return None;
    };
    let (sentence_a, sentence_b) = (a.sentence, b.sentence);
    // The window: the sentences the quote touches.
    let mut lo = first;
    while lo > 0 && tokens[lo - 1].sentence == sentence_a {
        lo -= 1;
    }
    let mut hi = last;
    while hi + 1 < tokens.len() && tokens[hi + 1].sentence == sentence_b {
        hi += 1;
    }
    let mut best: Option<(usize, String)> = None;
    for v in lo..=hi {
        let t = &tokens[v];
        if inside(t.start) {
            continue;
        }
        let according =
            t.lower == "according" && tokens.get(v + 1).is_some_and(|n| n.lower == "to");
        if !according && !crate::tokens::listed(SPEECH_VERBS, &t.lower) {
            continue;
        }
        let distance = if v < first {
            first - v
        } else {
            v.saturating_sub(last)
        };
        if best.as_ref().is_some_and(|(d, _)| *d <= distance) {
            continue;
        }
        let found = if according {
            after_verb(context, v + 2, inside)
        } else {
            let found = before_verb(context, v, lo, span, inside);
            // "X told the Observer ...": the name after "told" is the listener.
            if matches!(t.lower.as_str(), "told" | "tells" | "tell") {
                found
            } else {
                found.or_else(|| after_verb(context, v + 1, inside))
            }
        };
        if let Some(name) = found {
            best = Some((distance, name));
        }
    }
    best.map(|(_, name)| name)
}

/// A speaker right before the verb: "Putin said", "the Kremlin said", "he added", "Wang has said".
fn before_verb(
    context: &Context<'_>,
    verb: usize,
    lo: usize,
    span: &Span,
    inside: &dyn Fn(usize) -> bool,
) -> Option<String> {
    let tokens = context.tokens;
    let mut k = verb;
    let mut skipped = 0;
    while k > lo && skipped <= 3 {
        if inside(tokens[k - 1].start) {
            return None;
        }
        if let Some(e) = context.entity_ending(k).filter(|e| is_speaker(e)) {
            return Some(e.canonical.clone());
        }
        let w = tokens[k - 1].lower.as_str();
        if w == "," {
            // "Valdoss, who has been harbour master since 2019, told": step over the clause.
            let clause = (lo.max(k.saturating_sub(20))..k.saturating_sub(1))
                .rev()
                .find(|&m| {
                    m > lo
                        && matches!(tokens[m].lower.as_str(), "who" | "which")
                        && tokens[m - 1].lower == ","
                });
            if let Some(m) = clause {
                k = m - 1;
                continue;
            }
        }
        if matches!(w, "he" | "she") {
            return context
                .last_person_before(span.start.min(tokens[k - 1].start))
                .map(|e| e.canonical.clone());
        }
        if !matches!(
            w,
            "also"
                | "has"
                | "had"
                | "have"
                | "later"
                | "then"
                | "further"
                | "earlier"
                | "'s"
                | "once"
                | "previously"
                | "again"
                | "reportedly"
        ) {
            return None;
        }
        k -= 1;
        skipped += 1;
    }
    None
}

/// A speaker right after the verb: "said Foreign Ministry spokesman Wang Wenbin",
/// "according to Peskov".
fn after_verb(
    context: &Context<'_>,
    from: usize,
    inside: &dyn Fn(usize) -> bool,
) -> Option<String> {
    let tokens = context.tokens;
    let mut fallback: Option<String> = None;
    for (k, token) in tokens.iter().enumerate().skip(from).take(6) {
        if inside(token.start) || matches!(token.lower.as_str(), "." | "," | ";" | "that") {
            break;
        }
        if let Some(e) = context.entity_starting(k).filter(|e| is_speaker(e)) {
            if e.kind == EntityKind::Person {
                return Some(e.canonical.clone());
            }
            // "said Kremlin spokesman Dmitry Peskov": keep looking for the person.
            fallback.get_or_insert_with(|| e.canonical.clone());
        }
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Quote spans with every character decoded and seen: skipping to the mark bytes must
    /// find the same spans on any text.
    fn reference_spans(text: &str) -> Vec<Span> {
        let mut marks = Marks::default();
        let mut previous = None;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            marks.see(i, c, previous, chars.peek().map(|(_, n)| *n));
            previous = Some(c);
        }
        marks.finish(text)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn spans_match_the_reference_scan(
            text in "([a-z ]|[\"'\u{2018}\u{2019}\u{201c}\u{201d}\u{201e}\u{ab}\u{bb}\u{2026}\u{2014}\u{a0}\u{c2}\u{e2}\n(:/-]|\\PC){0,60}"
        ) {
            prop_assert_eq!(spans(&text), reference_spans(&text));
        }
    }

    fn texts(text: &str) -> Vec<&str> {
        spans(text).iter().map(|s| s.slice(text)).collect()
    }

    #[test]
    fn every_quote_style_is_found() {
        let text = "He said \u{201c}we will win\u{201d} and \"we are ready\" and \u{ab}non\u{bb} \
                    and \u{2018}firmly\u{2019} and 'calm'.";
        assert_eq!(
            texts(text),
            vec!["we will win", "we are ready", "non", "firmly", "calm"]
        );
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        let text = "Norway\u{2019}s envoy backed the regime\u{2019}s \u{2018}steady\u{2019} \
                    plan and the farmers' union's view, Kenya\u{2018}s too.";
        assert_eq!(texts(text), vec!["steady"]);
    }

    #[test]
    fn mixed_marks_close_a_quote() {
        let text = "\u{201c}Prices will fall,\" the minister said.";
        assert_eq!(texts(text), vec!["Prices will fall,"]);
    }
}
