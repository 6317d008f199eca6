//! The copy graph (who copied whom) as an inline SVG drawn on the server: originals in the first
//! column, each copy one column right of what it copied, an arrow from copy to original.
use maud::{html, Markup};
use std::collections::BTreeMap;
use storyfold::model::{ArticleId, DocumentStory};

const NODE_WIDTH: usize = 230;
const NODE_HEIGHT: usize = 42;
const COLUMN_GAP: usize = 110;
const ROW_GAP: usize = 14;
const PAD: usize = 8;
/// Longest chain drawn; deeper copies of copies share the last column.
const MAX_DEPTH: usize = 6;

/// Cuts `text` to `max` characters, with an ellipsis when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

struct Node {
    number: usize,
    column: usize,
    row: usize,
}

/// The graph of the copy links among the story's articles, or `None` when there are none.
pub(crate) fn copy_graph(story: &DocumentStory) -> Option<Markup> {
    let index: BTreeMap<&ArticleId, usize> = story
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (&a.id, i))
        .collect();
    // Copy -> original, both in this story.
    let parent: BTreeMap<usize, usize> = story
        .articles
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let original = index.get(a.copy_of.as_ref()?)?;
            (*original != i).then_some((i, *original))
        })
        .collect();
    if parent.is_empty() {
        return None;
    }
    let depth = |mut i: usize| {
        let mut d = 0;
        while let Some(&p) = parent.get(&i) {
            d += 1;
            i = p;
            if d >= MAX_DEPTH {
                break;
            }
        }
        d
    };
    let mut involved: Vec<usize> = parent.iter().flat_map(|(&c, &o)| [c, o]).collect();
    involved.sort_unstable();
    involved.dedup();
    let mut rows_per_column: BTreeMap<usize, usize> = BTreeMap::new();
    let mut nodes: BTreeMap<usize, Node> = BTreeMap::new();
    for &i in &involved {
        let column = depth(i);
        let row = rows_per_column.entry(column).or_insert(0);
        nodes.insert(
            i,
            Node {
                number: i + 1,
                column,
                row: *row,
            },
        );
        *row += 1;
    }
    let columns = rows_per_column.keys().max().map_or(1, |c| c + 1);
    let rows = rows_per_column.values().copied().max().unwrap_or(1);
    let width = 2 * PAD + columns * NODE_WIDTH + (columns - 1) * COLUMN_GAP;
    let height = 2 * PAD + rows * NODE_HEIGHT + (rows - 1) * ROW_GAP;
    let x = |n: &Node| PAD + n.column * (NODE_WIDTH + COLUMN_GAP);
    let y = |n: &Node| PAD + n.row * (NODE_HEIGHT + ROW_GAP);
    let view_box = format!("0 0 {width} {height}");
    Some(html! {
        svg class="copy-graph" xmlns="http://www.w3.org/2000/svg" viewBox=(view_box)
            width=(width) height=(height) role="img"
            aria-label="Copy graph: arrows point from each copy to the article it copied" {
            defs {
                marker id="arrow" class="arrow" viewBox="0 0 10 10" refX="10" refY="5"
                    markerWidth="7" markerHeight="7" orient="auto-start-reverse" {
                    path d="M 0 0 L 10 5 L 0 10 z" {}
                }
            }
            @for (copy, original) in &parent {
                @let from = &nodes[copy];
                @let to = &nodes[original];
                @let article = &story.articles[*copy];
                @let kind = article.copy_kind.as_deref().unwrap_or("copy");
                @let (x1, y1) = (x(from), y(from) + NODE_HEIGHT / 2);
                @let (x2, y2) = (x(to) + NODE_WIDTH, y(to) + NODE_HEIGHT / 2);
                g class={ "edge kind-" (kind) } {
                    line x1=(x1) y1=(y1) x2=(x2) y2=(y2) marker-end="url(#arrow)" {}
                    text x=((x1 + x2) / 2) y=((y1 + y2) / 2 - 5) text-anchor="middle" {
                        (kind)
                        @if let Some(similarity) = article.copy_similarity {
                            " " (format!("{similarity:.2}"))
                        }
                    }
                }
            }
            @for (i, node) in &nodes {
                @let article = &story.articles[*i];
                @let outlet = article.outlet.as_deref().unwrap_or(article.id.as_str());
                @let title = article.title.as_deref().unwrap_or("");
                g class={ "node" @if node.column == 0 { " original" } } {
                    title { "[" (node.number) "] " (outlet) ": " (title) }
                    rect x=(x(node)) y=(y(node)) width=(NODE_WIDTH) height=(NODE_HEIGHT) rx="6" {}
                    text class="outlet" x=(x(node) + 10) y=(y(node) + 17) {
                        "[" (node.number) "] " (truncate(outlet, 26))
                    }
                    text class="headline" x=(x(node) + 10) y=(y(node) + 33) {
                        (truncate(title, 34))
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyfold::model::{DocumentArticle, StoryId};

    fn article(id: &str, copy_of: Option<&str>, outlet: &str) -> DocumentArticle {
        DocumentArticle {
            id: ArticleId::from(id),
            title: Some(format!("<b>{id}</b>")),
            outlet: Some(outlet.into()),
            byline: None,
            published: None,
            published_inferred: false,
            url: None,
            language: None,
            text: String::new(),
            copy_of: copy_of.map(ArticleId::from),
            copy_kind: copy_of.map(|_| "spun".into()),
            copy_similarity: copy_of.map(|_| 0.8),
            copy_evidence: Vec::new(),
        }
    }

    fn story(articles: Vec<DocumentArticle>) -> DocumentStory {
        DocumentStory {
            id: StoryId::from("s-1"),
            aliases: Vec::new(),
            title: String::new(),
            first_seen: None,
            last_seen: None,
            outlets: 0,
            independent_sources: 0,
            articles,
            entities: Vec::new(),
            quotes: Vec::new(),
            claims: Vec::new(),
            timeline: Vec::new(),
            brief: Vec::new(),
            why: Vec::new(),
        }
    }

    #[test]
    fn no_links_no_graph() {
        assert!(copy_graph(&story(vec![article("a", None, "A")])).is_none());
    }

    #[test]
    fn copies_sit_right_of_originals_and_text_is_escaped() {
        let svg = copy_graph(&story(vec![
            article("a", None, "Wire & Co"),
            article("b", Some("a"), "Echo"),
            article("c", Some("b"), "Echo of echo"),
            article("d", None, "Alone"),
        ]))
        .unwrap()
        .into_string();
        assert!(svg.contains("Wire &amp; Co"));
        assert!(svg.contains("&lt;b&gt;a&lt;/b&gt;"));
        assert!(
            !svg.contains("Alone"),
            "articles without links stay out of the graph"
        );
        assert_eq!(svg.matches("<line").count(), 2);
        // Three columns: 2 * 8 + 3 * 230 + 2 * 110.
        assert!(svg.contains("viewBox=\"0 0 926 58\""));
    }
}
