//! Claims: claim units (sentences, long ones split into clauses), aligned across a story's
//! articles by weighted overlap of stemmed content words, entities, numbers and dates; then
//! independence, status and contradictions.
use crate::dates::{time_interval, Interval};
use crate::entities::StoryEntities;
use crate::sources::Sources;
use crate::terms::{fold, DocWords, FxHashMap, FxHasher, Interner, Lexicon, TermKind, WordCache};
use crate::CorroborateConfig;
use std::collections::HashSet;
use storyfold_model::text::words;
use storyfold_model::{
    Claim, ClaimSpan, ClaimStatus, Contradiction, ContradictionKind, Doc, EntityKind, Grain, Span,
};

/// A number and the word it counts ("12 people": value 12, unit `peopl`).
#[derive(Clone, Debug)]
struct NumberFact {
    value: String,
    /// `value` and `unit` as ids of the story's labels, for cheap comparison.
    value_id: u32,
    unit_id: Option<u32>,
    term: u32,
    text: String,
}

/// A dated mention.
#[derive(Clone, Debug)]
pub(crate) struct DateFact {
    pub term: u32,
    pub interval: Interval,
    pub grain: Grain,
    pub is_range: bool,
    pub text: String,
    /// `text` folded word by word, as an id of the story's labels, for comparing wordings.
    folded: u32,
}

/// A place or person mention and the words around it (its role in the clause).
#[derive(Clone, Debug)]
struct EntityFact {
    entity: usize,
    kind: EntityKind,
    term: u32,
    text: String,
    /// The folded words just before and after the mention, as ids of the story's labels.
    before: Option<u32>,
    after: Option<u32>,
}

/// One claim unit: a sentence or a clause of one article.
#[derive(Clone, Debug)]
pub(crate) struct Unit {
    pub doc: usize,
    pub span: Span,
    /// Sorted, unique term ids.
    pub terms: Vec<u32>,
    pub weight: f32,
    /// Half the weight of the unit's dates: the most [`compatible_dates`] can add.
    half_date_weight: f32,
    /// The largest weight of a number, date or named place or person of the unit: what a
    /// conflict takes out of the unit at most.
    max_fact_weight: f32,
    numbers: Vec<NumberFact>,
    pub dates: Vec<DateFact>,
    entities: Vec<EntityFact>,
    future: bool,
}

/// The aligned claims of a story, with the units behind them.
pub(crate) struct Aligned {
    pub units: Vec<Unit>,
    /// Cluster (claim index) of each unit; `None` for units too thin to be claims.
    pub claim_of: Vec<Option<usize>>,
    pub claims: Vec<Claim>,
    /// Term weights, by term id.
    pub weights: Vec<f32>,
    /// The story's written words, folded and classified.
    pub words: WordCache,
    /// Each article's words, segmented once.
    pub doc_words: Vec<DocWords>,
    /// Per doc, the interval of each time expression ([`time_interval`]), read once.
    pub intervals: Vec<Vec<Option<Interval>>>,
}

const CLAUSE_BREAKS: &[&str] = &["; ", " – ", " — ", ", while ", ", but ", ", and ", ", as "];
const FUTURE_WORDS: &[&str] = &[
    "expected",
    "going",
    "plan",
    "planned",
    "planning",
    "plans",
    "scheduled",
    "set",
    "will",
];

/// Whether a folded word marks a future or planned event.
pub(crate) fn is_future_word(folded: &str) -> bool {
    FUTURE_WORDS.binary_search(&folded).is_ok() || folded.ends_with("'ll")
}

/// Splits a sentence into claim units: on line breaks always, and, for sentences longer than
/// `max_words`, at clause boundaries that leave at least 8 words on each side.
fn split_units(text: &str, doc_words: &DocWords, span: Span, max_words: usize) -> Vec<Span> {
    let mut lines = Vec::new();
    let mut start = span.start;
    for (i, _) in span.slice(text).match_indices('\n') {
        lines.push(Span::new(start, span.start + i));
        start = span.start + i + 1;
    }
    lines.push(Span::new(start, span.end));
    let mut out = Vec::new();
    for line in lines {
        let piece = line.slice(text);
        let total = doc_words.count(text, line.start, line.end);
        let mut cuts = vec![line.start];
        if total > max_words {
            let mut breaks: Vec<usize> = CLAUSE_BREAKS
                .iter()
                .flat_map(|b| piece.match_indices(b).map(|(i, _)| line.start + i))
                .collect();
            breaks.sort_unstable();
            let mut last = line.start;
            for b in breaks {
                let before = doc_words.count(text, last, b);
                let after = doc_words.count(text, b, line.end);
                if before >= 8 && after >= 8 {
                    cuts.push(b);
                    last = b;
                }
            }
        }
        cuts.push(line.end);
        for w in cuts.windows(2) {
            let raw = &text[w[0]..w[1]];
            let trimmed_start = raw.trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '-' | '•' | '*' | ';' | ',' | '–' | '—')
            });
            let s = w[0] + (raw.len() - trimmed_start.len());
            let e = s + trimmed_start.trim_end().len();
            if e > s {
                out.push(Span::new(s, e));
            }
        }
    }
    out
}

struct Builder<'a> {
    docs: &'a [Doc],
    entities: &'a StoryEntities,
    interner: Interner,
    words: WordCache,
    doc_words: Vec<DocWords>,
    tokens: Vec<(usize, usize, u32)>,
    labels: FxHashMap<String, u32>,
    /// Written word (index into `words`) -> label id of its folded form.
    folded_labels: FxHashMap<u32, u32>,
    /// Per doc, the interval of each time expression ([`time_interval`]), read once.
    intervals: Vec<Vec<Option<Interval>>>,
    /// Term ids of dates and entities already interned (formatting the key is the cost).
    date_terms: FxHashMap<Interval, u32>,
    entity_terms: Vec<Option<u32>>,
    /// Term id of each (value label, unit label) number already interned.
    number_terms: FxHashMap<(u32, Option<u32>), u32>,
    /// Written word -> label of its stem, as the word a number counts.
    unit_labels: FxHashMap<u32, u32>,
    /// Time expression wording -> label of its folded words.
    date_wordings: FxHashMap<String, u32>,
    /// Buffers reused from unit to unit.
    free: Vec<bool>,
    covered_entities: Vec<usize>,
    covered_times: Vec<usize>,
}

impl Builder<'_> {
    /// A dense id for a number's value or unit word.
    fn label(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.labels.get(text) {
            return id;
        }
        let id = self.labels.len() as u32;
        self.labels.insert(text.to_string(), id);
        id
    }

    /// The label id of a written word's folded form.
    fn folded_label(&mut self, word: u32) -> u32 {
        if let Some(id) = self.folded_labels.get(&word) {
            return *id;
        }
        let folded = std::mem::take(&mut self.words.infos[word as usize].folded);
        let id = self.label(&folded);
        self.words.infos[word as usize].folded = folded;
        self.folded_labels.insert(word, id);
        id
    }

    fn unit(&mut self, d: usize, span: Span) -> Unit {
        let doc = &self.docs[d];
        let text = &doc.text;
        let first_entity = doc.entities.partition_point(|e| e.span.start < span.start);
        let mut covered_entities = std::mem::take(&mut self.covered_entities);
        covered_entities.clear();
        covered_entities.extend(
            (first_entity..doc.entities.len())
                .take_while(|&m| doc.entities[m].span.start < span.end)
                .filter(|&m| doc.entities[m].span.end <= span.end),
        );
        let mut covered_times = std::mem::take(&mut self.covered_times);
        covered_times.clear();
        covered_times.extend((0..doc.times.len()).filter(|&t| span.contains(&doc.times[t].span)));
        let intervals = &self.intervals[d];
        let mut tokens = std::mem::take(&mut self.tokens);
        self.doc_words[d].within(text, span.start, span.end, &mut self.words, &mut tokens);
        // A person's or place's words stand for the entity alone ("Xi" = "Xi Jinping"); an
        // organisation's name also says what the sentence is about ("General Hospital",
        // "Harbour Authority"), so its words count as words too.
        let inside = |s: &Span| {
            covered_entities.iter().any(|&m| {
                matches!(doc.entities[m].kind, EntityKind::Person | EntityKind::Place)
                    && doc.entities[m].span.contains(s)
            }) || covered_times
                .iter()
                .any(|&t| doc.times[t].span.contains(s) && intervals[t].is_some())
        };
        let mut free = std::mem::take(&mut self.free);
        free.clear();
        free.extend(tokens.iter().map(|&(s, e, _)| !inside(&Span::new(s, e))));
        let mut terms = Vec::with_capacity(tokens.len() + covered_entities.len());
        let mut numbers = Vec::new();
        let mut future = false;
        for (i, &(s, e, w)) in tokens.iter().enumerate() {
            let info = &self.words.infos[w as usize];
            future |= info.future;
            if !free[i] {
                continue;
            }
            if let Some(value) = &info.number {
                let infos = &self.words.infos;
                let unit_word = tokens[i + 1..]
                    .iter()
                    .zip(&free[i + 1..])
                    .take(2)
                    .find(|(&(_, _, x), f)| {
                        let x = &infos[x as usize];
                        **f && !x.function && x.number.is_none()
                    })
                    .map(|(&(_, _, x), _)| x);
                let value = value.clone();
                let value_id = self.label(&value);
                // The unit word's stem, as a label; the stem of a written word never changes.
                let unit_id = unit_word.map(|x| match self.unit_labels.get(&x) {
                    Some(&id) => id,
                    None => {
                        let stem = self.words.stem(x).to_string();
                        let id = self.label(&stem);
                        self.unit_labels.insert(x, id);
                        id
                    }
                });
                // Same key, same term: the interner is asked only the first time, in the order
                // it always was, so term ids do not change.
                let term = match self.number_terms.get(&(value_id, unit_id)) {
                    Some(&term) => term,
                    None => {
                        let unit = unit_word.map(|x| self.words.stem(x).to_string());
                        let key = format!("{value} {}", unit.as_deref().unwrap_or(""));
                        let term = self.interner.id(TermKind::Number, &key);
                        self.number_terms.insert((value_id, unit_id), term);
                        term
                    }
                };
                terms.push(term);
                numbers.push(NumberFact {
                    value,
                    value_id,
                    unit_id,
                    term,
                    text: text[s..e].to_string(),
                });
                continue;
            }
            if info.short || info.function {
                continue;
            }
            let term = match info.term {
                Some(term) => term,
                None => {
                    let term = self.interner.id(TermKind::Word, self.words.stem(w));
                    self.words.infos[w as usize].term = Some(term);
                    term
                }
            };
            terms.push(term);
        }
        let mut entities = Vec::new();
        for &m in &covered_entities {
            let mention = &doc.entities[m];
            let entity = self.entities.of(d, m);
            if self.entity_terms.len() <= entity {
                self.entity_terms.resize(entity + 1, None);
            }
            let term = match self.entity_terms[entity] {
                Some(term) => term,
                None => {
                    let term = self.interner.id(TermKind::Entity, &entity.to_string());
                    self.entity_terms[entity] = Some(term);
                    term
                }
            };
            terms.push(term);
            if matches!(mention.kind, EntityKind::Place | EntityKind::Person) {
                let before = tokens
                    .iter()
                    .rev()
                    .find(|&&(_, e, _)| e <= mention.span.start)
                    .map(|&(_, _, w)| w);
                let after = tokens
                    .iter()
                    .find(|&&(s, _, _)| s >= mention.span.end)
                    .map(|&(_, _, w)| w);
                // Folded words are never empty (a word holds a letter or digit), so `None`
                // stands for the empty string of "no word there".
                let before = before.map(|w| self.folded_label(w));
                let after = after.map(|w| self.folded_label(w));
                entities.push(EntityFact {
                    entity,
                    kind: mention.kind,
                    term,
                    text: mention.text.clone(),
                    before,
                    after,
                });
            }
        }
        let mut dates = Vec::new();
        for &t in &covered_times {
            let time = &doc.times[t];
            let Some(interval) = self.intervals[d][t] else {
                continue;
            };
            let term = match self.date_terms.get(&interval) {
                Some(&term) => term,
                None => {
                    let term = self.interner.id(
                        TermKind::Date,
                        &format!("{}..{}", interval.start, interval.end),
                    );
                    self.date_terms.insert(interval, term);
                    term
                }
            };
            terms.push(term);
            dates.push(DateFact {
                term,
                interval,
                grain: time.grain,
                is_range: time.end_value.is_some(),
                text: time.text.clone(),
                folded: match self.date_wordings.get(time.text.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = self.label(&fold_phrase(&time.text));
                        self.date_wordings.insert(time.text.clone(), id);
                        id
                    }
                },
            });
        }
        self.tokens = tokens;
        self.free = free;
        self.covered_entities = covered_entities;
        self.covered_times = covered_times;
        terms.sort_unstable();
        terms.dedup();
        Unit {
            doc: d,
            span,
            terms,
            weight: 0.0,
            half_date_weight: 0.0,
            max_fact_weight: 0.0,
            numbers,
            dates,
            entities,
            future,
        }
    }
}

/// Why two units cannot be the same claim.
#[derive(Clone, Debug)]
struct Conflict<'a> {
    kind: ContradictionKind,
    a_value: &'a str,
    b_value: &'a str,
    /// Weight of the conflicting terms, taken out when comparing the rest of the claims.
    excluded: f32,
}

fn conflict<'a>(a: &'a Unit, b: &'a Unit, weights: &[f32]) -> Option<Conflict<'a>> {
    let w = |t: u32| weights[t as usize];
    for na in &a.numbers {
        for nb in &b.numbers {
            let same_unit = match (na.unit_id, nb.unit_id) {
                (Some(x), Some(y)) => x == y,
                (None, None) => a.numbers.len() == 1 && b.numbers.len() == 1,
                _ => false,
            };
            if same_unit
                && na.value_id != nb.value_id
                && !b.numbers.iter().any(|n| n.term == na.term)
                && !a.numbers.iter().any(|n| n.term == nb.term)
            {
                return Some(Conflict {
                    kind: ContradictionKind::Number,
                    a_value: &na.text,
                    b_value: &nb.text,
                    excluded: w(na.term) + w(nb.term),
                });
            }
        }
    }
    if a.future == b.future {
        for da in &a.dates {
            for db in &b.dates {
                let same_grain = da.grain == db.grain && da.is_range == db.is_range;
                // The same words resolved against different publication days ("Tuesday" in a
                // copy printed a day later) are one date written twice, not a disagreement.
                let same_words = da.folded == db.folded;
                if same_grain
                    && !same_words
                    && !da.interval.overlaps(&db.interval)
                    && !b.dates.iter().any(|x| x.interval.overlaps(&da.interval))
                    && !a.dates.iter().any(|x| x.interval.overlaps(&db.interval))
                {
                    return Some(Conflict {
                        kind: ContradictionKind::Date,
                        a_value: &da.text,
                        b_value: &db.text,
                        excluded: w(da.term) + w(db.term),
                    });
                }
            }
        }
    }
    for ea in &a.entities {
        if b.entities.iter().any(|x| x.entity == ea.entity) {
            continue;
        }
        for eb in &b.entities {
            if eb.kind != ea.kind || a.entities.iter().any(|x| x.entity == eb.entity) {
                continue;
            }
            let same_role = (ea.before.is_some() && ea.before == eb.before)
                || (ea.kind == EntityKind::Person && ea.after.is_some() && ea.after == eb.after);
            if same_role {
                return Some(Conflict {
                    kind: if ea.kind == EntityKind::Place {
                        ContradictionKind::Place
                    } else {
                        ContradictionKind::Person
                    },
                    a_value: &ea.text,
                    b_value: &eb.text,
                    excluded: w(ea.term) + w(eb.term),
                });
            }
        }
    }
    None
}

fn fold_phrase(text: &str) -> String {
    words(text)
        .map(|w| fold(w.text))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two units share a counted number ("12 people"), other than a one or a two.
fn shares_count(a: &Unit, b: &Unit) -> bool {
    a.numbers.iter().any(|na| {
        na.unit_id.is_some()
            && na.value.parse::<f64>().is_ok_and(|v| v > 2.0)
            && b.numbers.iter().any(|nb| nb.term == na.term)
    })
}

/// Extra shared weight for dates that are not equal but one contains the other ("December" and
/// "December 30"): half of the smaller weight.
fn compatible_dates(a: &Unit, b: &Unit, weights: &[f32]) -> f32 {
    let mut extra = 0.0;
    for da in &a.dates {
        if b.dates.iter().any(|x| x.term == da.term) {
            continue;
        }
        if let Some(db) = b
            .dates
            .iter()
            .find(|x| x.interval.contains(&da.interval) || da.interval.contains(&x.interval))
        {
            extra += 0.5 * weights[da.term as usize].min(weights[db.term as usize]);
        }
    }
    extra
}

/// The sum of the weights of the terms two units share, added in term order (as the candidate
/// pass adds them, so the float is the same).
fn shared_weight(a: &Unit, b: &Unit, weights: &[f32]) -> f32 {
    let (mut i, mut j, mut shared) = (0, 0, 0.0f32);
    while i < a.terms.len() && j < b.terms.len() {
        match a.terms[i].cmp(&b.terms[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += weights[a.terms[i] as usize];
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// Whether two units (`a` before `b` in unit order) disagree on a value while being about the
/// same thing, so that they never share a claim: units of different articles sharing at least
/// 0.1 of their weight, with a conflict, and (for dates) a rest similarity of 0.3 or more.
/// Asked only when two clusters are about to merge, not for every pair of units.
fn keeps_apart(a: &Unit, b: &Unit, weights: &[f32]) -> bool {
    if a.doc == b.doc {
        return false;
    }
    let mut common = shared_weight(a, b, weights);
    let total = a.weight + b.weight;
    if common == 0.0 || 2.0 * common / total < 0.1 {
        return false;
    }
    common += compatible_dates(a, b, weights);
    let Some(c) = conflict(a, b, weights) else {
        return false;
    };
    let rest = 2.0 * common / (total - c.excluded).max(f32::EPSILON);
    // A disagreement keeps two units apart only where they are about the same thing; a date
    // in another role of an unrelated sentence does not.
    c.kind != ContradictionKind::Date || rest >= 0.3
}

/// The fields of a [`Unit`] the candidate pass reads for every pair.
#[derive(Clone, Copy)]
struct Hot {
    weight: f32,
    half_date_weight: f32,
    max_fact_weight: f32,
    doc: usize,
    has_dates: bool,
    /// Whether the unit has a date range (what anchors a pair from a similarity of 0.1).
    has_range: bool,
    /// Whether the unit has a number (what a number conflict or a shared count needs).
    has_numbers: bool,
    /// Whether every date of the unit is a single day.
    single_days: bool,
}

/// Similarity at which two units sharing a date range are one claim.
const RANGE_ANCHOR_SIMILARITY: f32 = 0.1;
/// Similarity at which a shared specific day, or one unit contained in the other, makes one claim.
const CLOSE_SIMILARITY: f32 = 0.3;
/// Similarity (of the whole, or of the rest for an anchored number conflict) at which a shared
/// count or a different count of the same thing is read.
const COUNT_SIMILARITY: f32 = 0.2;
/// Common weight a contradiction needs besides the rest's similarity.
const CONFLICT_COMMON_WEIGHT: f32 = 4.0;

struct UnionFind {
    parent: Vec<usize>,
    members: Vec<Vec<usize>>,
}

impl UnionFind {
    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }
}

/// Builds claim units for every doc, aligns them and returns the claims.
pub(crate) fn align(
    config: &CorroborateConfig,
    docs: &[Doc],
    entities: &StoryEntities,
    sources: &Sources,
    lexicon: Lexicon,
) -> Aligned {
    let mut words = WordCache::new(lexicon);
    let doc_words: Vec<DocWords> = docs
        .iter()
        .map(|d| DocWords::new(&d.text, &mut words))
        .collect();
    let mut builder = Builder {
        docs,
        entities,
        interner: Interner::default(),
        words,
        doc_words,
        tokens: Vec::new(),
        labels: FxHashMap::default(),
        folded_labels: FxHashMap::default(),
        intervals: docs
            .iter()
            .map(|d| d.times.iter().map(time_interval).collect())
            .collect(),
        date_terms: FxHashMap::default(),
        entity_terms: Vec::new(),
        number_terms: FxHashMap::default(),
        unit_labels: FxHashMap::default(),
        date_wordings: FxHashMap::default(),
        free: Vec::new(),
        covered_entities: Vec::new(),
        covered_times: Vec::new(),
    };
    let mut units = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        for sentence in &doc.sentences {
            let spans = split_units(
                &doc.text,
                &builder.doc_words[d],
                sentence.span,
                config.max_clause_words,
            );
            for span in spans {
                units.push(builder.unit(d, span));
            }
        }
    }
    let interner = builder.interner;
    let builder_words = builder.words;
    let doc_words = builder.doc_words;
    let intervals = builder.intervals;

    // Inverse document frequency over the story's articles: words every outlet uses for this
    // story ("Putin", "visit") weigh less than the detail only some carry.
    let mut df = vec![0u32; interner.len()];
    let mut last_doc = vec![usize::MAX; interner.len()];
    for unit in &units {
        for &t in &unit.terms {
            if last_doc[t as usize] != unit.doc {
                last_doc[t as usize] = unit.doc;
                df[t as usize] += 1;
            }
        }
    }
    let n = docs.len().max(1) as f32;
    let weights: Vec<f32> = (0..interner.len())
        .map(|t| {
            let idf = 1.0 + (n / df[t].max(1) as f32).ln();
            let base = match interner.kind(t as u32) {
                TermKind::Word => 1.0,
                TermKind::Entity => 1.5,
                TermKind::Number => 2.0,
                TermKind::Date => 2.0,
            };
            base * idf
        })
        .collect();
    for unit in &mut units {
        unit.weight = unit.terms.iter().map(|&t| weights[t as usize]).sum();
        unit.half_date_weight = unit
            .dates
            .iter()
            .map(|d| 0.5 * weights[d.term as usize])
            .sum();
        let facts = (unit.numbers.iter().map(|n| n.term))
            .chain(unit.dates.iter().map(|d| d.term))
            .chain(unit.entities.iter().map(|e| e.term));
        unit.max_fact_weight = facts.map(|t| weights[t as usize]).fold(0.0, f32::max);
    }
    let eligible: Vec<bool> = units
        .iter()
        .map(|u| u.terms.len() >= config.min_unit_terms)
        .collect();

    // Candidate pairs through an inverted index, accumulating shared weight. One flat array, each term's postings (eligible units in unit order) a slice of it:
    // counted first, so nothing grows while filling.
    let mut offsets = vec![0usize; interner.len() + 1];
    for (i, unit) in units.iter().enumerate() {
        if eligible[i] {
            for &t in &unit.terms {
                offsets[t as usize + 1] += 1;
            }
        }
    }
    for t in 0..interner.len() {
        offsets[t + 1] += offsets[t];
    }
    let mut flat = vec![0u32; offsets[interner.len()]];
    let mut next_in_postings = offsets.clone();
    for (i, unit) in units.iter().enumerate() {
        if eligible[i] {
            for &t in &unit.terms {
                flat[next_in_postings[t as usize]] = i as u32;
                next_in_postings[t as usize] += 1;
            }
        }
    }
    let postings = |t: u32| &flat[offsets[t as usize]..offsets[t as usize + 1]];
    let published: Vec<Option<chrono::NaiveDate>> = docs
        .iter()
        .map(|d| d.published.as_ref().map(|p| p.date))
        .collect();
    // Per candidate, the shared weight and a bit per term kind the pair has in common, side
    // by side so that one add touches one place; per term, its weight and kind bit likewise.
    let mut shared: Vec<(f32, u8)> = vec![(0.0, 0); units.len()];
    let term_add: Vec<(f32, u8)> = (0..interner.len())
        .map(|t| (weights[t], 1u8 << (interner.kind(t as u32) as u8)))
        .collect();
    let entity_bit = 1u8 << (TermKind::Entity as u8);
    let word_bit = 1u8 << (TermKind::Word as u8);
    let mut touched: Vec<usize> = Vec::new();
    let mut next_in_postings = vec![0usize; interner.len()];
    let mut edges: Vec<(f32, usize, usize)> = Vec::new();
    // Unit pairs found to contradict, in pair order; what they disagree on is asked again
    // (the same call gives the same answer) only for the first pair of each two claims.
    let mut conflicts: Vec<(u32, u32)> = Vec::new();
    let date_bit = 1u8 << (TermKind::Date as u8);
    // The least similarity (of the whole, or of the rest for a contradiction) each rule
    // below asks of a pair of different articles: see the conditions there. The margins keep
    // float rounding on the side of looking.
    let sim_floor = config.align_similarity.min(CLOSE_SIMILARITY) * 0.999;
    let count_floor = COUNT_SIMILARITY * 0.999;
    let conflict_floor = config.contradiction_similarity * 0.999;
    let common_floor = CONFLICT_COMMON_WEIGHT * 0.999;
    let number_bit = 1u8 << (TermKind::Number as u8);
    let repeat_floor = config.repeat_similarity * 0.999;
    let mut pair_sim: FxHashMap<(u32, u32), f32> = FxHashMap::default();
    // What the first checks of a pair read, packed apart from the units (which are large) so
    // that the pass over candidates stays in cache.
    let hot: Vec<Hot> = units
        .iter()
        .map(|u| Hot {
            weight: u.weight,
            half_date_weight: u.half_date_weight,
            max_fact_weight: u.max_fact_weight,
            doc: u.doc,
            has_dates: !u.dates.is_empty(),
            has_range: u.dates.iter().any(|d| d.is_range),
            has_numbers: !u.numbers.is_empty(),
            single_days: u.dates.iter().all(|d| d.interval.start == d.interval.end),
        })
        .collect();
    for i in 0..units.len() {
        if !eligible[i] {
            continue;
        }
        // Candidates in unit order: read off in order when the postings reach many later
        // units (the common case: frequent words), else listed as met, then sorted. Either way
        // the same units in the same order.
        let reach: usize = units[i]
            .terms
            .iter()
            .map(|&t| postings(t).len() - next_in_postings[t as usize] - 1)
            .sum();
        let dense = reach * 8 > units.len();
        for &t in &units[i].terms {
            // Postings are in unit order and hold `i` once: the later units start right after.
            let at = next_in_postings[t as usize];
            next_in_postings[t as usize] += 1;
            let (weight, bit) = term_add[t as usize];
            for &j in &postings(t)[at + 1..] {
                let acc = &mut shared[j as usize];
                if !dense && acc.0 == 0.0 {
                    touched.push(j as usize);
                }
                acc.0 += weight;
                acc.1 |= bit;
            }
        }
        if dense {
            touched.extend((i + 1..units.len()).filter(|&j| shared[j].0 != 0.0));
        } else {
            touched.sort_unstable();
        }
        let hot_i = hot[i];
        for &j in &touched {
            let (mut common, kinds) = std::mem::take(&mut shared[j]);
            let shares_entity = kinds & entity_bit != 0;
            let hot_j = &hot[j];
            let total = hot_i.weight + hot_j.weight;
            if 2.0 * common / total < 0.1 {
                continue;
            }
            // Skip, without the date and conflict checks, a pair that cannot reach any of the
            // thresholds below even with every date of `a` compatible and the heaviest facts
            // of both taken out as conflicting. Exact: the bound is never below the value.
            // Single days nest only when equal, and equal days are one term: such pairs add
            // nothing in `compatible_dates`.
            let single_days = hot_i.single_days && hot_j.single_days;
            let most_common = if !hot_j.has_dates || single_days {
                common
            } else {
                common + hot_i.half_date_weight
            };
            if hot_i.doc == hot_j.doc {
                if 2.0 * most_common / total < repeat_floor {
                    continue;
                }
            } else {
                let sim_bound = 2.0 * most_common / total;
                let least_rest = total - (hot_i.max_fact_weight + hot_j.max_fact_weight);
                let rest_bound = if least_rest > 0.0 {
                    2.0 * most_common / least_rest
                } else {
                    f32::INFINITY
                };
                // What each rule below asks at the least, read off what the pair shares: a
                // range anchor needs a common date and a range on both sides; a count told
                // twice a common entity and number; a number conflict anchored at a common
                // entity and word needs numbers on both sides; every other rule asks
                // `sim_floor` of the similarity or `conflict_floor` of the rest.
                let range_anchor = kinds & date_bit != 0 && hot_i.has_range && hot_j.has_range;
                let may_count =
                    shares_entity && kinds & number_bit != 0 && sim_bound >= count_floor;
                let may_conflict = rest_bound >= conflict_floor && most_common >= common_floor;
                let may_anchor_number = shares_entity
                    && kinds & word_bit != 0
                    && hot_i.has_numbers
                    && hot_j.has_numbers
                    && rest_bound >= count_floor;
                if !(range_anchor
                    || sim_bound >= sim_floor
                    || may_count
                    || may_conflict
                    || may_anchor_number)
                {
                    continue;
                }
            }
            let (a, b) = (&units[i], &units[j]);
            if !single_days {
                common += compatible_dates(a, b, &weights);
            }
            let sim = 2.0 * common / total;
            if a.doc == b.doc {
                if sim >= config.repeat_similarity {
                    edges.push((sim, i, j));
                    pair_sim.insert((i as u32, j as u32), sim);
                }
                continue;
            }
            if let Some(c) = conflict(a, b, &weights) {
                let rest = 2.0 * common / (total - c.excluded).max(f32::EPSILON);
                let needed = match c.kind {
                    ContradictionKind::Number | ContradictionKind::Date => {
                        config.contradiction_similarity
                    }
                    // Names are often varied on purpose; ask for more of the rest to agree.
                    _ => config.contradiction_similarity + 0.1,
                };
                // A different count of the same thing, done to it in the same words, at the
                // same named place or body ("15 people had been treated" and "12 people it
                // treated", both at one hospital) disagrees even when the sentences around
                // the numbers are worded apart.
                let anchored = c.kind == ContradictionKind::Number
                    && shares_entity
                    && kinds & word_bit != 0
                    && rest >= COUNT_SIMILARITY;
                if (rest >= needed && common >= CONFLICT_COMMON_WEIGHT) || anchored {
                    conflicts.push((i as u32, j as u32));
                }
                continue;
            }
            let min_weight = a.weight.min(b.weight);
            let containment = common / min_weight.max(f32::EPSILON);
            let anchored = a.dates.iter().any(|da| {
                b.dates.iter().any(|db| {
                    db.term == da.term
                        && ((da.is_range && db.is_range && sim >= RANGE_ANCHOR_SIMILARITY)
                            || (da.grain == Grain::Day
                                && Some(da.interval.start) != published[a.doc]
                                && Some(db.interval.start) != published[b.doc]
                                && sim >= CLOSE_SIMILARITY))
                })
            });
            // The same count of the same thing with a common entity: one fact told twice.
            let counted = shares_entity && sim >= COUNT_SIMILARITY && shares_count(a, b);
            if sim >= config.align_similarity
                || (containment >= 0.8 && min_weight >= 6.0 && sim >= CLOSE_SIMILARITY)
                || anchored
                || counted
            {
                edges.push((sim, i, j));
                pair_sim.insert((i as u32, j as u32), sim);
            }
        }
        touched.clear();
    }

    // Single-linkage clustering, strongest edges first, never joining two different passages of
    // one article or two units that conflict.
    edges.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    // Root pairs found to conflict.
    let mut apart: HashSet<(usize, usize), std::hash::BuildHasherDefault<FxHasher>> =
        HashSet::default();
    let mut docs_of: Vec<Vec<usize>> = units.iter().map(|u| vec![u.doc]).collect();
    let mut uf = UnionFind {
        parent: (0..units.len()).collect(),
        members: (0..units.len()).map(|i| vec![i]).collect(),
    };
    for &(_, i, j) in &edges {
        let (ri, rj) = (uf.find(i), uf.find(j));
        if ri == rj {
            continue;
        }
        let (a_members, b_members) = (&uf.members[ri], &uf.members[rj]);
        // Two passages of one article may share a claim only as a close repetition; most
        // merges join clusters of different articles and skip the pairwise check.
        let (a_docs, b_docs) = (&docs_of[ri], &docs_of[rj]);
        let share_doc = a_docs.iter().any(|d| b_docs.binary_search(d).is_ok());
        let repeats = !share_doc
            || a_members.iter().all(|&u| {
                b_members.iter().all(|&v| {
                    units[u].doc != units[v].doc
                        || pair_sim
                            .get(&(u.min(v) as u32, u.max(v) as u32))
                            .is_some_and(|&sim| sim >= config.repeat_similarity)
                })
            });
        if !repeats {
            continue;
        }
        // Clusters only grow, so two that conflict once always do.
        let key = (ri.min(rj), ri.max(rj));
        if apart.contains(&key) {
            continue;
        }
        let conflicting = a_members.iter().any(|&u| {
            b_members
                .iter()
                .any(|&v| keeps_apart(&units[u.min(v)], &units[u.max(v)], &weights))
        });
        if conflicting {
            apart.insert(key);
            continue;
        }
        let (root, child) = if ri < rj { (ri, rj) } else { (rj, ri) };
        uf.parent[child] = root;
        let moved = std::mem::take(&mut uf.members[child]);
        let moved_docs = std::mem::take(&mut docs_of[child]);
        docs_of[root].extend(moved_docs);
        docs_of[root].sort_unstable();
        docs_of[root].dedup();
        uf.members[root].extend(moved);
    }

    // Claims in story order: by the first unit (article order, then position) of each cluster.
    let mut roots: Vec<usize> = Vec::new();
    let mut claim_of = vec![None; units.len()];
    for (i, &ok) in eligible.iter().enumerate() {
        if ok && uf.find(i) == i {
            roots.push(i);
        }
    }
    roots.sort_by_key(|&r| uf.members[r].iter().copied().min());
    let mut claims = Vec::with_capacity(roots.len());
    for (c, &root) in roots.iter().enumerate() {
        let mut members = uf.members[root].clone();
        members.sort_by_key(|&u| (units[u].doc, units[u].span.start));
        for &u in &members {
            claim_of[u] = Some(c);
        }
        let doc_indexes: Vec<usize> = {
            let mut v: Vec<usize> = members.iter().map(|&u| units[u].doc).collect();
            v.dedup();
            v
        };
        // Representative: the earliest-published original that carries the claim.
        let representative = *members
            .iter()
            .min_by_key(|&&u| {
                let d = units[u].doc;
                (
                    sources.is_copy(d),
                    published[d].is_none(),
                    published[d],
                    d,
                    units[u].span.start,
                )
            })
            .unwrap_or(&members[0]);
        let independent = sources.count(doc_indexes.iter().copied());
        claims.push(Claim {
            text: crate::terms::clean_text(
                units[representative]
                    .span
                    .slice(&docs[units[representative].doc].text),
            ),
            spans: members
                .iter()
                .map(|&u| ClaimSpan {
                    article: docs[units[u].doc].article.id.clone(),
                    span: units[u].span,
                    text: units[u].span.slice(&docs[units[u].doc].text).to_string(),
                })
                .collect(),
            articles: doc_indexes
                .iter()
                .map(|&d| docs[d].article.id.clone())
                .collect(),
            independent_sources: independent,
            status: if independent >= config.min_independent_sources {
                ClaimStatus::Corroborated
            } else {
                ClaimStatus::SingleSource
            },
            contradictions: Vec::new(),
        });
    }

    // Claim pairs already given their contradiction, one bit each.
    let mut seen = vec![0u64; (claims.len() * claims.len()).div_ceil(64)];
    for (i, j) in conflicts {
        let (i, j) = (i as usize, j as usize);
        let (Some(ci), Some(cj)) = (claim_of[i], claim_of[j]) else {
            continue;
        };
        if ci == cj {
            continue;
        }
        let bit = ci.min(cj) * claims.len() + ci.max(cj);
        if seen[bit / 64] & (1 << (bit % 64)) != 0 {
            continue;
        }
        seen[bit / 64] |= 1 << (bit % 64);
        // Found when the pair was met, so always there.
        let Some(c) = conflict(&units[i], &units[j], &weights) else {
            continue;
        };
        let (kind, a_value, b_value) = (c.kind, c.a_value, c.b_value);
        let span_of = |u: usize, span: Span| ClaimSpan {
            article: docs[units[u].doc].article.id.clone(),
            span,
            text: span.slice(&docs[units[u].doc].text).to_string(),
        };
        let (a_unit, b_unit) = (span_of(i, units[i].span), span_of(j, units[j].span));
        claims[ci].contradictions.push(Contradiction {
            other: cj,
            kind,
            this_value: a_value.to_string(),
            other_value: b_value.to_string(),
            this_span: a_unit.clone(),
            other_span: b_unit.clone(),
        });
        claims[cj].contradictions.push(Contradiction {
            other: ci,
            kind,
            this_value: b_value.to_string(),
            other_value: a_value.to_string(),
            this_span: b_unit,
            other_span: a_unit,
        });
    }
    for claim in &mut claims {
        claim.contradictions.sort_by_key(|x| x.other);
        if !claim.contradictions.is_empty() {
            claim.status = ClaimStatus::Contradicted;
        }
    }
    Aligned {
        units,
        claim_of,
        claims,
        weights,
        words: builder_words,
        doc_words,
        intervals,
    }
}
