//! Named entities from capitalised sequences, titles, organisation keywords and the gazetteer,
//! with one canonical name per entity in the article.
use crate::gazetteer::{Gazetteer, PlaceKind};
use crate::tokens::{Token, TokenKind};
use storyfold_model::{EntityKind, EntityMention, Span};

/// Words that, before a name, make it a person's and are not part of the name.
const TITLES: &[&str] = &[
    "adm",
    "admiral",
    "ambassador",
    "archbishop",
    "attorney",
    "bishop",
    "brig",
    "capt",
    "captain",
    "cardinal",
    "chairman",
    "chairwoman",
    "chancellor",
    "chief",
    "col",
    "colonel",
    "commander",
    "commissioner",
    "congressman",
    "congresswoman",
    "councillor",
    "counterpart",
    "crown",
    "dame",
    "defence",
    "defense",
    "deputy",
    "diplomat",
    "director",
    "dr",
    "economy",
    "emir",
    "envoy",
    "executive",
    "finance",
    "first",
    "foreign",
    "gen",
    "general",
    "gov",
    "governor",
    "health",
    "interior",
    "judge",
    "justice",
    "king",
    "lady",
    "leader",
    "lieutenant",
    "lord",
    "lt",
    "madam",
    "maj",
    "major",
    "mayor",
    "minister",
    "miss",
    "mr",
    "mrs",
    "ms",
    "mx",
    "pope",
    "premier",
    "president",
    "press",
    "prime",
    "prince",
    "princess",
    "prof",
    "professor",
    "queen",
    "rabbi",
    "rep",
    "representative",
    "secretary",
    "sen",
    "senator",
    "sergeant",
    "sgt",
    "sheikh",
    "sir",
    "speaker",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "state",
    "sultan",
    "trade",
    "vice",
];

/// Lower-case words that, right before a capitalised name, mark it as a person's.
const PERSON_CUES: &[&str] = &[
    "adviser",
    "advisor",
    "aide",
    "ambassador",
    "analyst",
    "author",
    "ceo",
    "chairman",
    "chancellor",
    "chief",
    "coach",
    "commander",
    "correspondent",
    "counterpart",
    "diplomat",
    "director",
    "economist",
    "editor",
    "envoy",
    "founder",
    "governor",
    "journalist",
    "judge",
    "lawyer",
    "leader",
    "mayor",
    "minister",
    "official",
    "premier",
    "president",
    "professor",
    "reporter",
    "researcher",
    "secretary",
    "senator",
    "spokesman",
    "spokesperson",
    "spokeswoman",
];

/// Last words that make a name an organisation's.
const ORG_WORDS: &[&str] = &[
    "administration",
    "agency",
    "airlines",
    "airways",
    "alliance",
    "army",
    "assembly",
    "association",
    "authority",
    "bank",
    "board",
    "bulletin",
    "bureau",
    "cabinet",
    "center",
    "centre",
    "chronicle",
    "church",
    "club",
    "co",
    "coalition",
    "coastguard",
    "college",
    "commission",
    "committee",
    "company",
    "congress",
    "corp",
    "corporation",
    "council",
    "courier",
    "court",
    "department",
    "federation",
    "ferries",
    "force",
    "forces",
    "foundation",
    "front",
    "fund",
    "gazette",
    "group",
    "guard",
    "herald",
    "holdings",
    "hospital",
    "inc",
    "institute",
    "journal",
    "league",
    "ledger",
    "ltd",
    "media",
    "ministry",
    "movement",
    "navy",
    "network",
    "news",
    "observer",
    "office",
    "organisation",
    "organization",
    "parliament",
    "party",
    "police",
    "post",
    "press",
    "railways",
    "school",
    "senate",
    "service",
    "services",
    "society",
    "times",
    "transit",
    "tribunal",
    "tribune",
    "trust",
    "union",
    "university",
];

/// Names that are organisations on their own.
const KNOWN_ORGS: &[&str] = &[
    "afp",
    "al jazeera",
    "amazon",
    "apple",
    "asean",
    "bbc",
    "brics",
    "cia",
    "cnn",
    "congress",
    "downing street",
    "eu",
    "facebook",
    "fbi",
    "google",
    "hamas",
    "hezbollah",
    "imf",
    "interpol",
    "kremlin",
    "meta",
    "microsoft",
    "nasa",
    "nato",
    "opec",
    "parliament",
    "pentagon",
    "reuters",
    "sputnik",
    "taliban",
    "tass",
    "twitter",
    "un",
    "unesco",
    "unicef",
    "white house",
    "who",
    "xinhua",
];

/// Last words that make a name a place.
const PLACE_WORDS: &[&str] = &[
    "avenue",
    "bay",
    "coast",
    "county",
    "desert",
    "gulf",
    "island",
    "islands",
    "lake",
    "mountains",
    "ocean",
    "peninsula",
    "province",
    "region",
    "river",
    "sea",
    "square",
    "strait",
    "street",
    "valley",
];

/// Capitalised words that start sentences or headlines without naming anything.
const NOT_NAMES: &[&str] = &[
    "according",
    "additionally",
    "after",
    "also",
    "although",
    "amid",
    "another",
    "as",
    "at",
    "before",
    "both",
    "by",
    "despite",
    "during",
    "earlier",
    "even",
    "every",
    "following",
    "former",
    "from",
    "however",
    "if",
    "image",
    "in",
    "instead",
    "last",
    "later",
    "many",
    "meanwhile",
    "more",
    "most",
    "much",
    "next",
    "no",
    "not",
    "observers",
    "officials",
    "on",
    "once",
    "one",
    "other",
    "our",
    "over",
    "photo",
    "read",
    "several",
    "since",
    "some",
    "still",
    "than",
    "though",
    "today",
    "tomorrow",
    "two",
    "under",
    "unlike",
    "until",
    "update",
    "updated",
    "when",
    "whether",
    "while",
    "with",
    "within",
    "without",
    "yesterday",
    "yet",
];

/// Speech verbs: a name right before or after one is a person's (or an organisation's).
pub const SPEECH_VERBS: &[&str] = &[
    "acknowledged",
    "added",
    "adds",
    "admitted",
    "announced",
    "argued",
    "asked",
    "asserted",
    "believes",
    "claimed",
    "commented",
    "concluded",
    "confirmed",
    "continued",
    "declared",
    "denied",
    "described",
    "emphasised",
    "emphasized",
    "explained",
    "insisted",
    "noted",
    "promised",
    "remarked",
    "replied",
    "reported",
    "said",
    "say",
    "saying",
    "says",
    "stated",
    "states",
    "stressed",
    "suggested",
    "tells",
    "thinks",
    "told",
    "tweeted",
    "urged",
    "vowed",
    "warned",
    "wrote",
];

fn contains(list: &[&str], word: &str) -> bool {
    crate::tokens::listed(list, word)
}

fn is_month_or_weekday(word: &str) -> bool {
    matches!(
        word,
        "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
    )
}

/// A token that can be part of a name: a capitalised word that is not a month or weekday.
fn is_name_token(token: &Token) -> bool {
    token.kind == TokenKind::Word
        && token.cap
        && !is_month_or_weekday(&token.lower)
        && !token
            .lower
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
}

/// A name-like sequence with what the rules made of it.
#[derive(Clone, Debug)]
struct Candidate {
    first: usize,
    end: usize,
    kind: Option<EntityKind>,
    canonical: String,
}

/// Finds entity mentions in `text` (tokens already numbered by sentence).
pub fn find(text: &str, tokens: &[Token], gazetteer: &Gazetteer) -> Vec<EntityMention> {
    let mut candidates = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !is_name_token(&tokens[i]) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while let Some(next) = tokens.get(end) {
            if next.sentence != tokens[i].sentence || next.newline_before {
                break;
            }
            if is_name_token(next) {
                end += 1;
                continue;
            }
            // "Bank of England", "Ministry of Foreign Affairs", "Secretary of State".
            let joins = matches!(next.lower.as_str(), "of" | "for")
                && tokens.get(end + 1).is_some_and(|t| {
                    is_name_token(t) && t.sentence == next.sentence && !t.newline_before
                })
                && tokens[i..end].iter().any(|t| {
                    contains(ORG_WORDS, &t.lower)
                        || matches!(
                            t.lower.as_str(),
                            "secretary" | "republic" | "kingdom" | "minister" | "bank" | "gulf"
                        )
                });
            if joins {
                end += 2;
                continue;
            }
            break;
        }
        classify(text, tokens, gazetteer, i, end, &mut candidates);
        i = end;
    }
    resolve_people(&mut candidates, tokens);
    canonical_orgs(&mut candidates);
    candidates
        .into_iter()
        .filter_map(|c| {
            let kind = c.kind?;
            let start = tokens[c.first].start;
            let stop = tokens[c.end - 1].end;
            Some(EntityMention {
                span: Span::new(start, stop),
                text: text[start..stop].to_string(),
                kind,
                canonical: c.canonical,
            })
        })
        .collect()
}

fn join_words(text: &str, tokens: &[Token], first: usize, end: usize) -> String {
    let mut out = String::new();
    for t in &tokens[first..end] {
        if !out.is_empty() && t.space_before {
            out.push(' ');
        }
        out.push_str(t.text(text));
    }
    out
}

fn key(tokens: &[Token], first: usize, end: usize) -> String {
    let mut out = String::new();
    for t in &tokens[first..end] {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t.lower);
    }
    out
}

fn sentence_start(tokens: &[Token], i: usize) -> bool {
    if i == 0 || tokens[i - 1].sentence != tokens[i].sentence || tokens[i].newline_before {
        return true;
    }
    // After an opening quote or dash at the start of a sentence.
    tokens[i - 1].kind == TokenKind::Punct
        && (i < 2 || tokens[i - 2].sentence != tokens[i].sentence)
}

/// Classifies tokens `first..end` (a capitalised run), pushing what it finds.
fn classify(
    text: &str,
    tokens: &[Token],
    gazetteer: &Gazetteer,
    mut first: usize,
    end: usize,
    out: &mut Vec<Candidate>,
) {
    // Drop sentence openers and function words at the front: "The", "However", "In".
    while first < end {
        let w = tokens[first].lower.as_str();
        let opener = contains(NOT_NAMES, w)
            // The model's stop-word list, searched with the inline comparison (`listed`).
            || contains(storyfold_model::text::STOP_WORDS, w)
            || (sentence_start(tokens, first) && end - first > 1 && contains(NOT_NAMES, w));
        if opener {
            first += 1;
        } else {
            break;
        }
    }
    if first >= end {
        return;
    }
    let preceded_by_the = first > 0 && tokens[first - 1].lower == "the";
    let whole = key(tokens, first, end);
    // Known organisation or one ending in an organisation word.
    let last = tokens[end - 1].lower.as_str();
    // "WHO" is the organisation, "who" the pronoun.
    if contains(KNOWN_ORGS, &whole) && (whole != "who" || is_all_caps(text, &tokens[first])) {
        push(text, tokens, first, end, EntityKind::Org, out);
        return;
    }
    // A title inside the run splits it: "Foreign Ministry Spokesperson Wang Wenbin",
    // "Chinese President Xi Jinping", "Kremlin spokesman Dmitry Peskov" (cue outside the run).
    if let Some(k) = (first..end.saturating_sub(1))
        .rev()
        .find(|&k| contains(TITLES, &tokens[k].lower) && !contains(TITLES, &tokens[k + 1].lower))
    {
        let mut title_start = k;
        while title_start > first
            && (contains(TITLES, &tokens[title_start - 1].lower)
                || gazetteer
                    .get_key(&tokens[title_start - 1].lower)
                    .is_some_and(|p| p.kind == PlaceKind::Demonym)
                || tokens[title_start - 1].lower == "of")
        {
            title_start -= 1;
        }
        let person_words = end - (k + 1);
        if person_words <= 4 && !contains(ORG_WORDS, last) {
            if title_start > first {
                classify(text, tokens, gazetteer, first, title_start, out);
            }
            push(text, tokens, k + 1, end, EntityKind::Person, out);
            return;
        }
    }
    if contains(ORG_WORDS, last)
        || contains(ORG_WORDS, &tokens[first].lower) && end - first > 2
        || (end - first > 1 && contains(KNOWN_ORGS, &tokens[first].lower))
    {
        if end - first == 1 && sentence_start(tokens, first) && !preceded_by_the {
            return;
        }
        push(text, tokens, first, end, EntityKind::Org, out);
        return;
    }
    if end - first <= gazetteer.max_words {
        if let Some(place) = gazetteer.get_key(&whole) {
            if place.kind == PlaceKind::Demonym {
                return;
            }
            out.push(Candidate {
                first,
                end,
                kind: Some(EntityKind::Place),
                canonical: place.canonical.to_string(),
            });
            return;
        }
    }
    if contains(PLACE_WORDS, last) && end - first > 1 {
        push(text, tokens, first, end, EntityKind::Place, out);
        return;
    }
    // A run that starts with a place or demonym and goes on: "Russian Olympic Committee" was
    // caught above; "Beijing Daily" is unknown. Split off leading demonyms ("Ukrainian Kuleba").
    if end - first > 1 {
        if let Some(place) = gazetteer.get_key(&tokens[first].lower) {
            if place.kind == PlaceKind::Demonym {
                classify(text, tokens, gazetteer, first + 1, end, out);
                return;
            }
        }
    }
    // All-caps acronyms are organisations more often than not (NATO, OPEC).
    if end - first == 1 && is_all_caps(text, &tokens[first]) && tokens[first].lower.len() >= 2 {
        if !tokens[first].lower.contains('.') {
            push(text, tokens, first, end, EntityKind::Org, out);
        }
        return;
    }
    let cue_before = first > 0
        && (contains(PERSON_CUES, &tokens[first - 1].lower)
            || matches!(tokens[first - 1].lower.as_str(), "said" | "says" | "told")
            // "stated Jane Doe": a full name right after a speech verb.
            || (end - first >= 2 && contains(SPEECH_VERBS, &tokens[first - 1].lower))
            || (first > 1
                && tokens[first - 2].lower == "according"
                && tokens[first - 1].lower == "to"));
    let cue_after = tokens.get(end).is_some_and(|t| {
        contains(SPEECH_VERBS, &t.lower)
            || (t.lower == "," && tokens.get(end + 1).is_some_and(|u| u.lower == "who"))
            || (t.lower == "," && end - first >= 2 && role_follows(tokens, end + 1))
    });
    let kind = if (cue_before || cue_after) && end - first <= 4 {
        Some(EntityKind::Person)
    } else if end - first == 1 && sentence_start(tokens, first) {
        None
    } else {
        Some(EntityKind::Other)
    };
    out.push(Candidate {
        first,
        end,
        kind,
        canonical: join_words(text, tokens, first, end),
    });
}

/// An appositive role starts at token `k`: "secretary of ...", "a spokesman for ...".
fn role_follows(tokens: &[Token], k: usize) -> bool {
    let k = match tokens.get(k).map(|t| t.lower.as_str()) {
        Some("a" | "an" | "the") => k + 1,
        _ => k,
    };
    tokens
        .get(k)
        .is_some_and(|t| contains(PERSON_CUES, &t.lower) || contains(TITLES, &t.lower))
}

fn is_all_caps(text: &str, token: &Token) -> bool {
    let t = token.text(text);
    t.chars().filter(|c| c.is_alphabetic()).count() >= 2 && t.chars().all(|c| !c.is_lowercase())
}

fn push(
    text: &str,
    tokens: &[Token],
    first: usize,
    end: usize,
    kind: EntityKind,
    out: &mut Vec<Candidate>,
) {
    out.push(Candidate {
        first,
        end,
        kind: Some(kind),
        canonical: join_words(text, tokens, first, end),
    });
}

/// People: unknown names made of a known person's words become that person; every person
/// mention takes the fullest name it is part of, the nearest preceding one on ties.
fn resolve_people(candidates: &mut [Candidate], tokens: &[Token]) {
    let words_of = |c: &Candidate| -> Vec<&str> {
        tokens[c.first..c.end]
            .iter()
            .map(|t| t.lower.as_str())
            .collect()
    };
    let people: Vec<usize> = (0..candidates.len())
        .filter(|&k| candidates[k].kind == Some(EntityKind::Person))
        .collect();
    let person_words: std::collections::BTreeSet<&str> = people
        .iter()
        .flat_map(|&k| words_of(&candidates[k]))
        .collect();
    for c in candidates.iter_mut() {
        if matches!(c.kind, None | Some(EntityKind::Other)) && c.end - c.first <= 3 {
            let last = tokens[c.end - 1].lower.as_str();
            if person_words.contains(last)
                || (c.end - c.first == 1 && person_words.contains(tokens[c.first].lower.as_str()))
            {
                c.kind = Some(EntityKind::Person);
            }
        }
    }
    let people: Vec<(usize, Vec<&str>, String)> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == Some(EntityKind::Person))
        .map(|(k, c)| (k, words_of(c), c.canonical.clone()))
        .collect();
    for (k, words, _) in &people {
        // Names that contain this mention's words in order, longest first, then nearest before.
        let mut best: Option<(usize, usize, &String)> = None;
        for (other, other_words, name) in &people {
            if other_words.len() < words.len() || !is_subsequence(words, other_words) {
                continue;
            }
            let distance = if other <= k {
                k - other
            } else {
                candidates.len() + other - k
            };
            let better = match best {
                None => true,
                Some((len, d, _)) => {
                    other_words.len() > len || (other_words.len() == len && distance < d)
                }
            };
            if better {
                best = Some((other_words.len(), distance, name));
            }
        }
        if let Some((_, _, name)) = best {
            candidates[*k].canonical = name.clone();
        }
    }
}

fn is_subsequence(needle: &[&str], hay: &[&str]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Organisations: a name that ends another, longer one takes the longer one ("Foreign
/// Ministry" -> "Chinese Foreign Ministry").
fn canonical_orgs(candidates: &mut [Candidate]) {
    let names: Vec<String> = candidates
        .iter()
        .filter(|c| c.kind == Some(EntityKind::Org))
        .map(|c| c.canonical.clone())
        .collect();
    for c in candidates.iter_mut() {
        if c.kind != Some(EntityKind::Org) {
            continue;
        }
        // "X Y" ends with " Y": the name, preceded by a space (no string built per pair; this
        // loop is quadratic in the article's organisations).
        let name = c.canonical.as_str();
        if let Some(longer) = names
            .iter()
            .filter(|n| {
                n.len() > name.len()
                    && n.ends_with(name)
                    && n.as_bytes().get(n.len() - name.len() - 1) == Some(&b' ')
            })
            .max_by_key(|n| n.len())
        {
            c.canonical = longer.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{sentences, tokenize};

    fn entities(text: &str) -> Vec<(String, EntityKind, String)> {
        let mut tokens = tokenize(text);
        sentences(text, &mut tokens);
        find(text, &tokens, &Gazetteer::embedded())
            .into_iter()
            .map(|e| (e.text, e.kind, e.canonical))
            .collect()
    }

    fn has(list: &[(String, EntityKind, String)], text: &str, kind: EntityKind, canonical: &str) {
        assert!(
            list.iter()
                .any(|(t, k, c)| t == text && *k == kind && c == canonical),
            "missing {text:?} {kind:?} {canonical:?} in {list:?}"
        );
    }

    #[test]
    fn names_ending_in_an_organisation_word_are_one_organisation() {
        let list = entities(
            "Nine people were taken to Brackwater General Hospital on Friday. The Brackwater \
             Port Authority said the Tessel Coastguard and the Brackwater Gazette were told.",
        );
        for name in [
            "Brackwater General Hospital",
            "Brackwater Port Authority",
            "Tessel Coastguard",
            "Brackwater Gazette",
        ] {
            has(&list, name, EntityKind::Org, name);
        }
        assert!(!list.iter().any(|(t, _, _)| t == "Hospital"), "{list:?}");
    }

    #[test]
    fn an_appositive_role_or_a_speech_verb_marks_a_person() {
        let list = entities(
            "Olaf Brandt, secretary of the dockers' union, spoke first. \
             \"Calm down,\" stated Mira Toll.",
        );
        has(&list, "Olaf Brandt", EntityKind::Person, "Olaf Brandt");
        has(&list, "Mira Toll", EntityKind::Person, "Mira Toll");
    }

    #[test]
    fn word_lists_are_sorted_for_binary_search() {
        for list in [
            TITLES,
            PERSON_CUES,
            ORG_WORDS,
            KNOWN_ORGS,
            PLACE_WORDS,
            NOT_NAMES,
            SPEECH_VERBS,
        ] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }

    #[test]
    fn titles_are_stripped_and_short_forms_join_the_full_name() {
        let text = "Norwegian Prime Minister Ingrid Halvorsen arrived in Oslo. \
                    Halvorsen said the talks went well. Prime Minister Halvorsen left.";
        let e = entities(text);
        has(
            &e,
            "Ingrid Halvorsen",
            EntityKind::Person,
            "Ingrid Halvorsen",
        );
        has(&e, "Halvorsen", EntityKind::Person, "Ingrid Halvorsen");
        has(&e, "Oslo", EntityKind::Place, "Oslo");
        assert!(!e.iter().any(|(t, _, _)| t.contains("Minister")));
    }

    #[test]
    fn spokesperson_after_a_ministry_is_a_person() {
        let text = "Defence Ministry spokesperson Tomas Brandt denied the report.";
        let e = entities(text);
        has(&e, "Defence Ministry", EntityKind::Org, "Defence Ministry");
        has(&e, "Tomas Brandt", EntityKind::Person, "Tomas Brandt");
    }

    #[test]
    fn organisations_places_and_possessives() {
        let text = "The talks at the Kremlin ended. Brazil\u{2019}s envoy met the Bank of \
                    England and NATO officials in the U.S. on Tuesday.";
        let e = entities(text);
        has(&e, "Kremlin", EntityKind::Org, "Kremlin");
        has(&e, "Brazil", EntityKind::Place, "Brazil");
        has(&e, "Bank of England", EntityKind::Org, "Bank of England");
        has(&e, "NATO", EntityKind::Org, "NATO");
        has(&e, "U.S.", EntityKind::Place, "United States");
        assert!(!e.iter().any(|(t, _, _)| t == "Tuesday" || t == "The"));
    }

    #[test]
    fn family_name_first_names_join_by_words() {
        let text = "President Lu Wenhai will travel to Kenya. Lu said he was pleased.";
        let e = entities(text);
        has(&e, "Lu Wenhai", EntityKind::Person, "Lu Wenhai");
        has(&e, "Lu", EntityKind::Person, "Lu Wenhai");
        has(&e, "Kenya", EntityKind::Place, "Kenya");
    }
}
