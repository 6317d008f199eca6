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
    let mut target: BTreeMap<&str, &str> = BTreeMap::new();
    for k in &keys {
        let kind = kind_of(&names[*k].0);
        if !matches!(kind, EntityKind::Person | EntityKind::Other) {
            continue;
        }
        let words: Vec<&str> = k.split(' ').collect();
        let longer: Vec<&&String> = keys
            .iter()
            .filter(|o| {
                o.len() > k.len()
                    && kind_of(&names[**o].0) == kind
                    && words.iter().all(|w| o.split(' ').any(|x| x == *w))
            })
            .collect();
        // Only names that are not themselves parts of a longer one can be targets.
        let maximal: Vec<&&String> = longer
            .iter()
            .filter(|o| {
                !longer.iter().any(|p| {
                    p.len() > o.len() && o.split(' ').all(|w| p.split(' ').any(|x| x == w))
                })
            })
            .copied()
            .collect();
        if maximal.len() == 1 {
            target.insert(k.as_str(), maximal[0].as_str());
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
}
