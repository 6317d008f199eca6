//! The story document (DESIGN.md's JSON contract) from what the store holds.
use crate::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};
use storyfold_model::{
    ArticleId, CopyLink, Doc, DocumentArticle, DocumentBriefSentence, DocumentClaim,
    DocumentEntity, DocumentQuote, DocumentQuoteVariant, DocumentStory, DocumentTimelineEntry,
    StoryDocument, StoryId,
};
use storyfold_store::{Store, StoredStory};

/// The story document for the given stories (aliases resolve to their surviving story; each
/// story appears once, in the order first asked for).
///
/// # Errors
/// [`Error::UnknownStory`] for an id the store does not know; [`Error::Store`] when it fails.
pub fn story_document(store: &Store, ids: &[StoryId]) -> Result<StoryDocument> {
    let mut seen = BTreeSet::new();
    let mut stories = Vec::with_capacity(ids.len());
    for id in ids {
        let stored = store
            .story(id)?
            .ok_or_else(|| Error::UnknownStory(id.to_string()))?;
        if seen.insert(stored.story.id.clone()) {
            let docs = store.docs(&stored.story.articles)?;
            stories.push(story_document_for(&stored, &docs));
        }
    }
    Ok(StoryDocument { stories })
}

/// One story of the document from its stored record and its articles.
pub fn story_document_for(stored: &StoredStory, docs: &[Doc]) -> DocumentStory {
    let story = &stored.story;
    let corroboration = &stored.corroboration;
    let links: BTreeMap<&ArticleId, &CopyLink> = corroboration
        .copy_links
        .iter()
        .map(|l| (&l.copy, l))
        .collect();
    let outlets: BTreeSet<String> = docs
        .iter()
        .map(|d| {
            d.article
                .outlet
                .clone()
                .unwrap_or_else(|| d.article.id.to_string())
        })
        .collect();
    let articles = docs
        .iter()
        .map(|doc| {
            let link = links.get(&doc.article.id);
            DocumentArticle {
                id: doc.article.id.clone(),
                title: doc.article.title.clone(),
                outlet: doc.article.outlet.clone(),
                byline: doc.article.byline.clone(),
                published: doc.published.as_ref().map(|p| p.iso_date()),
                published_inferred: doc.published.as_ref().is_some_and(|p| p.is_inferred()),
                url: doc.article.url.clone(),
                language: doc.language.clone(),
                text: doc.text.clone(),
                copy_of: link.map(|l| l.original.clone()),
                copy_kind: link.map(|l| l.kind.as_str().to_string()),
                copy_similarity: link.map(|l| l.similarity),
                copy_evidence: link.map(|l| l.evidence.clone()).unwrap_or_default(),
            }
        })
        .collect();
    DocumentStory {
        id: story.id.clone(),
        aliases: story.aliases.clone(),
        title: story.title.clone(),
        first_seen: story.first_seen.clone(),
        last_seen: story.last_seen.clone(),
        outlets: outlets.len(),
        independent_sources: docs
            .iter()
            .filter(|d| !links.contains_key(&d.article.id))
            .count(),
        articles,
        entities: corroboration
            .entities
            .iter()
            .map(|e| DocumentEntity {
                name: e.name.clone(),
                kind: e.kind.as_str().to_string(),
                mentions: e.mentions,
                articles: e.articles.clone(),
            })
            .collect(),
        quotes: corroboration
            .quotes
            .iter()
            .map(|q| DocumentQuote {
                text: q.text.clone(),
                speaker: q.speaker.clone(),
                articles: q.articles.clone(),
                variants: q
                    .variants
                    .iter()
                    .map(|v| DocumentQuoteVariant {
                        text: v.text.clone(),
                        articles: v.articles.clone(),
                        altered: v.altered,
                        removed_words: v.removed_words.clone(),
                        added_words: v.added_words.clone(),
                    })
                    .collect(),
            })
            .collect(),
        claims: corroboration
            .claims
            .iter()
            .map(|c| DocumentClaim {
                text: c.text.clone(),
                articles: c.articles.clone(),
                independent_sources: c.independent_sources,
                status: c.status.as_str().to_string(),
                contradicts: {
                    let mut others: Vec<usize> = c.contradictions.iter().map(|x| x.other).collect();
                    others.sort_unstable();
                    others.dedup();
                    others
                },
                spans: c.spans.clone(),
                contradictions: c.contradictions.clone(),
            })
            .collect(),
        timeline: corroboration
            .timeline
            .iter()
            .map(|t| DocumentTimelineEntry {
                date: t.date.clone(),
                grain: t.grain.as_str().to_string(),
                end_date: t.end_date.clone(),
                text: t.text.clone(),
                articles: t.articles.clone(),
                reported: t.reported.clone(),
            })
            .collect(),
        brief: stored
            .brief
            .sentences
            .iter()
            .map(|s| DocumentBriefSentence {
                text: s.text.clone(),
                articles: s.articles.clone(),
                support: s.support.clone(),
            })
            .collect(),
        why: story.reasons.clone(),
    }
}
