//! The support check: a brief sentence may only say what the passages it cites say.
use std::collections::BTreeSet;
use storyfold_corroborate::terms::{fold, is_function_word, number_value, StemCache};
use storyfold_model::text::words;
use storyfold_model::SupportSpan;

/// What a sentence asserts, as comparable tokens.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Number values (`12`, `1200`, `twelve` read as `12`).
    pub numbers: BTreeSet<String>,
    /// Stems of capitalised words that do not open the sentence: names, places, months, days.
    pub names: BTreeSet<String>,
    /// Stems of the other content words.
    pub words: BTreeSet<String>,
}

impl Facts {
    /// Reads the facts of `text`.
    pub fn of(text: &str, stems: &mut StemCache) -> Self {
        let mut facts = Self::default();
        for (i, word) in words(text).enumerate() {
            let folded = fold(word.text);
            if let Some(value) = number_value(&folded) {
                facts.numbers.insert(value);
                continue;
            }
            if folded.chars().count() < 2 || is_function_word(&folded) {
                continue;
            }
            let stem = stems.stem(&folded).to_string();
            let capitalised = word.text.chars().next().is_some_and(char::is_uppercase);
            if capitalised && i > 0 {
                facts.names.insert(stem);
            } else {
                facts.words.insert(stem);
            }
        }
        facts
    }

    /// Every token, whatever its class (for containment in a passage).
    fn all(&self) -> BTreeSet<&str> {
        self.numbers
            .iter()
            .chain(&self.names)
            .chain(&self.words)
            .map(String::as_str)
            .collect()
    }
}

/// Why a sentence is not supported by its passages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unsupported {
    /// The sentence cites nothing.
    NoSupport,
    /// A number of the sentence is in none of the passages.
    Number(String),
    /// A name (or date word) of the sentence is in none of the passages.
    Name(String),
    /// A content word of the sentence is in none of the passages.
    Word(String),
}

/// Checks `text` against `support`: every number, name, date word and content word of the
/// sentence (numbers by value, words by stem, case folded) must occur in at least one of the
/// passages. Function words and punctuation are free.
///
/// # Errors
/// The first [`Unsupported`] token found (numbers, then names, then words).
pub fn check(text: &str, support: &[SupportSpan]) -> Result<(), Unsupported> {
    if support.is_empty() {
        return Err(Unsupported::NoSupport);
    }
    let mut stems = StemCache::default();
    let sentence = Facts::of(text, &mut stems);
    let mut available: BTreeSet<String> = BTreeSet::new();
    for span in support {
        let facts = Facts::of(&span.text, &mut stems);
        available.extend(facts.all().into_iter().map(str::to_string));
    }
    if let Some(n) = sentence.numbers.iter().find(|n| !available.contains(*n)) {
        return Err(Unsupported::Number(n.clone()));
    }
    if let Some(n) = sentence.names.iter().find(|n| !available.contains(*n)) {
        return Err(Unsupported::Name(n.clone()));
    }
    if let Some(w) = sentence.words.iter().find(|w| !available.contains(*w)) {
        return Err(Unsupported::Word(w.clone()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyfold_model::Span;

    fn span(text: &str) -> SupportSpan {
        SupportSpan {
            article: "a".into(),
            span: Span::new(0, text.len()),
            text: text.into(),
        }
    }

    #[test]
    fn sentence_inside_its_passage_passes() {
        let passage = "Twelve people were taken to Kelmouth General Hospital on Monday.";
        assert_eq!(
            check(
                "12 people were taken to hospital on Monday.",
                &[span(passage)]
            ),
            Ok(())
        );
    }

    #[test]
    fn changed_number_name_or_word_fails() {
        let passage = span("Twelve people were taken to Kelmouth General Hospital on Monday.");
        assert_eq!(
            check(
                "15 people were taken to hospital.",
                std::slice::from_ref(&passage)
            ),
            Err(Unsupported::Number("15".into()))
        );
        assert_eq!(
            check(
                "Twelve people were taken to Dunmere hospital.",
                std::slice::from_ref(&passage)
            ),
            Err(Unsupported::Name("dunmer".into()))
        );
        assert_eq!(
            check(
                "Twelve people were flown to hospital.",
                std::slice::from_ref(&passage)
            ),
            Err(Unsupported::Word("flown".into()))
        );
        assert_eq!(check("Anything.", &[]), Err(Unsupported::NoSupport));
    }

    #[test]
    fn facts_spread_over_several_passages_pass() {
        let support = [
            span("The ferry struck the Gannet Bank on Monday."),
            span("All 231 people on board were rescued by lifeboats."),
        ];
        assert_eq!(
            check(
                "The ferry struck the Gannet Bank; 231 were rescued.",
                &support
            ),
            Ok(())
        );
    }
}
