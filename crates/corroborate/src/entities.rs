//! Entities across a story: per-article canonical names merged into story-level ones.
use crate::terms::FxHashMap;
use std::collections::BTreeMap;
use storyfold_model::{Doc, EntityKind, StoryEntity};

/// Story entities and, for every mention of every doc, the entity it belongs to.
#[derive(Clone, Debug, Default)]
pub struct StoryEntities {
    /// The entities, ordered by mentions (most first), then name.
    pub entities: Vec<StoryEntity>,
    /// `mention_entity[doc][mention]` = index into `entities`.
    pub mention_entity: Vec<Vec<usize>>,
    /// Folded name (any article's canonical form) -> index into `entities`.
    by_key: BTreeMap<String, usize>,
}

impl StoryEntities {
    /// The entity index of mention `mention` of doc `doc`.
    pub fn of(&self, doc: usize, mention: usize) -> usize {
        self.mention_entity[doc][mention]
    }

    /// The story entity a name (a speaker, say) refers to, when the story knows it.
    pub fn resolve(&self, name: &str) -> Option<usize> {
        let k = key(name);
        self.by_key.get(&k).copied().or_else(|| {
            // A short form no article used as a canonical name ("Putin" for "Vladimir Putin").
            let words: Vec<&str> = k.split(' ').collect();
            let mut hits = self
                .by_key
                .iter()
                .filter(|(o, _)| words.iter().all(|w| o.split(' ').any(|x| x == *w)));
            let first = hits.next().map(|(_, i)| *i);
            if hits.all(|(_, i)| Some(*i) == first) {
                first
            } else {
                None
            }
        })
    }
}

/// Votes for an entity's kind, by kind.
type KindVotes = BTreeMap<EntityKind, usize>;

fn key(name: &str) -> String {
    storyfold_model::text::words(name)
        .map(|w| crate::terms::fold(w.text))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Merges canonical names across articles: equal names (case and punctuation folded) are one
/// entity; a person (or other) name whose words all belong to exactly one longer name of the
/// story ("Xi" and "Xi Jinping") joins that name. Ambiguous short names ("Wang" with "Wang Yi"
/// and "Wang Wenbin") stay apart rather than guess.
pub fn merge(docs: &[Doc]) -> StoryEntities {
    // Folded name -> (kind votes, written forms with counts).
    let mut names: BTreeMap<String, (KindVotes, BTreeMap<String, usize>)> = BTreeMap::new();
    // Stories repeat their names: fold each canonical spelling once.
    let mut folded_names: FxHashMap<&str, String> = FxHashMap::default();
    for doc in docs {
        for mention in &doc.entities {
            let k = folded_names
                .entry(mention.canonical.as_str())
                .or_insert_with(|| key(&mention.canonical));
            if k.is_empty() {
                continue;
            }
            let entry = match names.get_mut(k.as_str()) {
                Some(entry) => entry,
                None => names.entry(k.clone()).or_default(),
            };
            *entry.0.entry(mention.kind).or_default() += 1;
            match entry.1.get_mut(mention.canonical.as_str()) {
                Some(count) => *count += 1,
                None => {
                    entry.1.insert(mention.canonical.clone(), 1);
                }
            }
        }
    }
    let kind_of = |votes: &BTreeMap<EntityKind, usize>| {
        // Majority kind; ties go to the first kind in enum order (deterministic).
        votes
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(k, _)| *k)
            .unwrap_or(EntityKind::Other)
    };
    let keys: Vec<&String> = names.keys().collect();
    let kinds: Vec<EntityKind> = keys.iter().map(|k| kind_of(&names[*k].0)).collect();
    // Each key's words as a sorted set of ids, and per word the keys that hold it (in key
    // order): a longer name must hold every word of `k`, so it is among the keys of any one of
    // them, and the scan over all keys per key (quadratic in the story's names) is not needed.
    let mut word_ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut holders: Vec<Vec<usize>> = Vec::new();
    let key_words: Vec<Vec<u32>> = keys
        .iter()
        .enumerate()
        .map(|(ki, k)| {
            let mut ids: Vec<u32> = k
                .split(' ')
                .map(|w| {
                    let next = word_ids.len() as u32;
                    *word_ids.entry(w).or_insert(next)
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            for &w in &ids {
                if holders.len() <= w as usize {
                    holders.resize(w as usize + 1, Vec::new());
                }
                holders[w as usize].push(ki);
            }
            ids
        })
        .collect();
    // Whether every word of `small` is a word of `large` (both sorted sets).
    let subset = |small: &[u32], large: &[u32]| {
        let mut rest = large.iter();
        small.iter().all(|w| rest.any(|x| x == w))
    };
    let mut target: BTreeMap<&str, &str> = BTreeMap::new();
    for (ki, k) in keys.iter().enumerate() {
        let kind = kinds[ki];
        if !matches!(kind, EntityKind::Person | EntityKind::Other) {
            continue;
        }
        let words = &key_words[ki];
        // A key has a word (keys are never empty), so `probe` exists; its holders include
        // `k` itself.
        let Some(probe) = words.iter().min_by_key(|&&w| holders[w as usize].len()) else {
            continue;
        };
        let longer: Vec<usize> = holders[*probe as usize]
            .iter()
            .copied()
            .filter(|&o| {
                keys[o].len() > k.len() && kinds[o] == kind && subset(words, &key_words[o])
            })
            .collect();
        // Only names that are not themselves parts of a longer one can be targets.
        let maximal: Vec<usize> = longer
            .iter()
            .copied()
            .filter(|&o| {
                !longer
                    .iter()
                    .any(|&p| keys[p].len() > keys[o].len() && subset(&key_words[o], &key_words[p]))
            })
            .collect();
        if maximal.len() == 1 {
            target.insert(k.as_str(), keys[maximal[0]].as_str());
        }
    }
    let resolve = |k: &str| -> String { target.get(k).copied().unwrap_or(k).to_string() };

    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    // (root name, kind votes, mentions, doc indexes).
    let mut merged: Vec<(String, KindVotes, usize, Vec<usize>)> = Vec::new();
    let mut mention_entity = Vec::with_capacity(docs.len());
    for (d, doc) in docs.iter().enumerate() {
        let mut ids = Vec::with_capacity(doc.entities.len());
        for mention in &doc.entities {
            let k = folded_names
                .entry(mention.canonical.as_str())
                .or_insert_with(|| key(&mention.canonical));
            let root = target.get(k.as_str()).copied().unwrap_or(k.as_str());
            let id = match index.get(root) {
                Some(&id) => id,
                None => {
                    merged.push((root.to_string(), BTreeMap::new(), 0, Vec::new()));
                    index.insert(root.to_string(), merged.len() - 1);
                    merged.len() - 1
                }
            };
            let entry = &mut merged[id];
            *entry.1.entry(mention.kind).or_default() += 1;
            entry.2 += 1;
            if entry.3.last() != Some(&d) {
                entry.3.push(d);
            }
            ids.push(id);
        }
        mention_entity.push(ids);
    }
    let mut entities: Vec<(usize, StoryEntity)> = merged
        .into_iter()
        .enumerate()
        .map(|(i, (root, kinds, mentions, articles))| {
            // Display name: the most frequent written form of the root name.
            let forms = names.get(&root).map(|n| &n.1);
            let name = forms
                .and_then(|f| {
                    f.iter()
                        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                        .map(|(n, _)| n.clone())
                })
                .unwrap_or(root);
            (
                i,
                StoryEntity {
                    name,
                    kind: kind_of(&kinds),
                    mentions,
                    articles: articles
                        .iter()
                        .map(|&d| docs[d].article.id.clone())
                        .collect(),
                },
            )
        })
        .collect();
    entities.sort_by(|a, b| {
        b.1.mentions
            .cmp(&a.1.mentions)
            .then(b.1.articles.len().cmp(&a.1.articles.len()))
            .then(a.1.name.cmp(&b.1.name))
    });
    let mut new_index = vec![0; entities.len()];
    for (new, (old, _)) in entities.iter().enumerate() {
        new_index[*old] = new;
    }
    for ids in &mut mention_entity {
        for id in ids.iter_mut() {
            *id = new_index[*id];
        }
    }
    let by_key = names
        .keys()
        .filter_map(|k| index.get(&resolve(k)).map(|&i| (k.clone(), new_index[i])))
        .collect();
    StoryEntities {
        entities: entities.into_iter().map(|(_, e)| e).collect(),
        mention_entity,
        by_key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::doc;

    #[test]
    fn short_names_join_their_full_name_across_articles() {
        let docs = vec![
            doc("a", "[Xi Jinping|P] met [Putin|P]."),
            doc("b", "[Xi|P] met [Vladimir Putin|P] in [Moscow|L]."),
            doc("c", "[Wang|P] met [Wang Yi|P] and [Wang Wenbin|P]."),
        ];
        let merged = merge(&docs);
        let names: Vec<&str> = merged.entities.iter().map(|e| e.name.as_str()).collect();
        assert!(names.contains(&"Xi Jinping") && !names.contains(&"Xi"));
        assert!(names.contains(&"Vladimir Putin") && !names.contains(&"Putin"));
        // Ambiguous: stays apart.
        assert!(names.contains(&"Wang"));
        let xi = merged
            .entities
            .iter()
            .find(|e| e.name == "Xi Jinping")
            .unwrap();
        assert_eq!(xi.mentions, 2);
        assert_eq!(xi.articles, vec!["a".into(), "b".into()]);
        assert_eq!(xi.kind, EntityKind::Person);
        assert_eq!(merged.of(1, 0), merged.of(0, 0));
    }

    #[test]
    fn a_name_joins_the_longest_name_holding_its_words_of_the_same_kind() {
        let docs = vec![
            doc("a", "[Ana|P] and [Ana Lund|P] met [Ana Maria Lund|P]."),
            doc(
                "b",
                "[Lund|L] is a town; [Maria|P] met [Bo|P] and [Bo Berg|P].",
            ),
            doc("c", "[Bo Berg Sund|P] and [Bo Sund|P] came."),
        ];
        let merged = merge(&docs);
        let name = |d: usize, m: usize| merged.entities[merged.of(d, m)].name.as_str();
        // Every part of the one maximal name holding it joins it.
        assert_eq!(name(0, 0), "Ana Maria Lund");
        assert_eq!(name(0, 1), "Ana Maria Lund");
        assert_eq!(name(1, 1), "Ana Maria Lund");
        // A place named like a person's word stays a place.
        assert_eq!(name(1, 0), "Lund");
        // "Bo Berg" and "Bo Sund" are both inside "Bo Berg Sund", the one maximal name.
        assert_eq!(name(1, 2), "Bo Berg Sund");
        assert_eq!(name(1, 3), "Bo Berg Sund");
        assert_eq!(name(2, 1), "Bo Berg Sund");
    }
}
