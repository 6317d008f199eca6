//! Place names built from registry data (see `crates/analyze/build-gazetteer.py`), embedded.
use std::collections::HashMap;

/// The TSV the script writes: `name<TAB>kind<TAB>canonical`.
const PLACES: &str = include_str!("../data/places.tsv");

/// What a gazetteer name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlaceKind {
    /// A country or territory.
    Country,
    /// A continent.
    Continent,
    /// A US state.
    State,
    /// A city.
    City,
    /// A national adjective ("Chinese"), mapped to its country.
    Demonym,
}

/// One gazetteer entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// What it is.
    pub kind: PlaceKind,
    /// Its canonical name.
    pub canonical: &'static str,
}

/// Place names keyed by their lower-cased surface form.
#[derive(Clone, Debug)]
pub struct Gazetteer {
    names: HashMap<String, Place>,
    /// Longest name in words, to bound look-ups.
    pub max_words: usize,
}

impl Gazetteer {
    /// Parses the embedded table. When a name has several kinds, the first in `PlaceKind` order
    /// wins (a country over a state over a city).
    pub fn embedded() -> Self {
        let mut names: HashMap<String, Place> = HashMap::new();
        let mut max_words = 1;
        for line in PLACES.lines() {
            let mut fields = line.split('\t');
            let (Some(name), Some(kind), Some(canonical)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let kind = match kind {
                "country" => PlaceKind::Country,
                "continent" => PlaceKind::Continent,
                "state" => PlaceKind::State,
                "city" => PlaceKind::City,
                "demonym" => PlaceKind::Demonym,
                _ => continue,
            };
            let key = key_of(name);
            max_words = max_words.max(key.split(' ').count());
            let place = Place { kind, canonical };
            names
                .entry(key)
                .and_modify(|p| {
                    if kind < p.kind {
                        *p = place;
                    }
                })
                .or_insert(place);
        }
        Self { names, max_words }
    }

    /// Looks up a name written as words joined by single spaces.
    pub fn get(&self, name: &str) -> Option<Place> {
        self.names.get(&key_of(name)).copied()
    }

    /// Looks up an already lower-cased key.
    pub fn get_key(&self, key: &str) -> Option<Place> {
        self.names.get(key).copied()
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Lower-cases and folds apostrophes; dots are kept ("u.s.").
pub fn key_of(name: &str) -> String {
    storyfold_model::text::fold_word(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_knows_countries_cities_and_adjectives() {
        let g = Gazetteer::embedded();
        assert!(g.len() > 1000);
        assert_eq!(g.get("U.S.").map(|p| p.canonical), Some("United States"));
        assert_eq!(g.get("Paris").map(|p| p.kind), Some(PlaceKind::City));
        assert_eq!(g.get("Georgia").map(|p| p.kind), Some(PlaceKind::Country));
        assert_eq!(g.get("Norwegian").map(|p| p.canonical), Some("Norway"));
        assert_eq!(
            g.get("Russian Federation").map(|p| p.canonical),
            Some("Russia")
        );
    }
}
