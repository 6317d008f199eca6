//! Independence: copies (and, optionally, articles of one outlet) collapse into one source.
use std::collections::BTreeMap;
use storyfold_model::{CopyLink, Doc};

/// Union-find over a story's articles (indexes into its docs).
#[derive(Clone, Debug)]
pub struct Sources {
    parent: Vec<usize>,
    is_copy: Vec<bool>,
}

impl Sources {
    /// Groups `docs` into sources: every copy link (any kind, chains followed) joins a copy to
    /// its original; with `same_outlet`, articles of one named outlet are one source too. Links
    /// naming articles outside `docs` are ignored.
    pub fn new(docs: &[Doc], links: &[CopyLink], same_outlet: bool) -> Self {
        let mut sources = Self {
            parent: (0..docs.len()).collect(),
            is_copy: vec![false; docs.len()],
        };
        let index: BTreeMap<&str, usize> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.article.id.as_str(), i))
            .collect();
        for link in links {
            let (Some(&copy), Some(&original)) = (
                index.get(link.copy.as_str()),
                index.get(link.original.as_str()),
            ) else {
                continue;
            };
            sources.is_copy[copy] = copy != original;
            sources.union(copy, original);
        }
        if same_outlet {
            let mut first: BTreeMap<String, usize> = BTreeMap::new();
            for (i, doc) in docs.iter().enumerate() {
                let Some(outlet) = doc.article.outlet.as_deref() else {
                    continue;
                };
                let key = outlet.trim().to_lowercase();
                if key.is_empty() {
                    continue;
                }
                match first.get(&key) {
                    Some(&j) => sources.union(i, j),
                    None => {
                        first.insert(key, i);
                    }
                }
            }
        }
        sources
    }

    fn find(&self, mut i: usize) -> usize {
        while self.parent[i] != i {
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        // The smaller index (earlier in story order) stays the root, so roots are deterministic.
        let (root, child) = if ra <= rb { (ra, rb) } else { (rb, ra) };
        self.parent[child] = root;
    }

    /// The source (a representative article index) of article `i`.
    pub fn source(&self, i: usize) -> usize {
        self.find(i)
    }

    /// Whether article `i` is a copy of another article of the story.
    pub fn is_copy(&self, i: usize) -> bool {
        self.is_copy[i]
    }

    /// Number of distinct sources among `articles`.
    pub fn count(&self, articles: impl IntoIterator<Item = usize>) -> usize {
        let mut roots: Vec<usize> = articles.into_iter().map(|i| self.find(i)).collect();
        roots.sort_unstable();
        roots.dedup();
        roots.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{doc, link};
    use storyfold_model::CopyKind;

    #[test]
    fn copy_chains_collapse_into_one_source() {
        let docs = vec![
            doc("a", "One."),
            doc("b", "One."),
            doc("c", "One."),
            doc("d", "Two."),
        ];
        let links = vec![
            link("b", "a", CopyKind::Verbatim),
            link("c", "b", CopyKind::Spun),
        ];
        let sources = Sources::new(&docs, &links, true);
        assert_eq!(sources.count(0..4), 2);
        assert_eq!(sources.source(2), 0);
        assert!(sources.is_copy(2) && !sources.is_copy(0));
    }

    #[test]
    fn same_outlet_is_one_source() {
        let mut docs = vec![doc("a", "One."), doc("b", "Two.")];
        docs[0].article.outlet = Some("Wire".into());
        docs[1].article.outlet = Some("wire".into());
        assert_eq!(Sources::new(&docs, &[], true).count(0..2), 1);
        assert_eq!(Sources::new(&docs, &[], false).count(0..2), 2);
    }
}
