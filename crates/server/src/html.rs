//! The web page: story list and search, and the story page. Server-rendered with `maud`, which
//! escapes every spliced value; no script, no inline style, no external resources.
use crate::api::{article_view, list_stories, ArticleView, ListParams};
use crate::cache::Rendered;
use crate::diff::{word_diff, Change};
use crate::graph::{copy_graph, truncate};
use crate::{path_segment, AppState, Failure};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use std::collections::BTreeMap;
use storyfold::model::{ArticleId, DocumentArticle, DocumentStory, StoryId};
use storyfold::StorySummary;

const STYLE: &str = include_str!("../assets/style.css");

/// A failure answered as a page.
pub(crate) struct PageFailure(pub Failure);

impl From<Failure> for PageFailure {
    fn from(failure: Failure) -> Self {
        Self(failure)
    }
}

impl IntoResponse for PageFailure {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

/// An error page with the failure's status.
pub(crate) fn error_page(failure: &Failure) -> Response {
    let title = failure
        .status
        .canonical_reason()
        .unwrap_or("Error")
        .to_string();
    let mut rendered = Rendered::html(layout(
        &title,
        "",
        html! {
            h1 { (title) }
            p { (failure.message) }
            p { a href="/" { "All stories" } }
        },
    ));
    rendered.status = failure.status;
    rendered.into_response()
}

/// `GET /assets/style.css`.
pub(crate) async fn style() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        STYLE,
    )
        .into_response()
}

fn layout(title: &str, query: &str, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · storyfold" }
                link rel="stylesheet" href="/assets/style.css";
                link rel="icon" href="data:,";
            }
            body {
                header.site {
                    a.brand href="/" { "storyfold" }
                    form.search method="get" action="/" role="search" {
                        input type="search" name="q" value=(query) placeholder="Search stories"
                            aria-label="Search stories";
                        button type="submit" { "Search" }
                    }
                }
                main { (main) }
                footer.site {
                    "storyfold · stories folded from many outlets · "
                    a href="/openapi.json" { "API" }
                }
            }
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn dates(first: Option<&str>, last: Option<&str>) -> Option<String> {
    match (first, last) {
        (Some(a), Some(b)) if a != b => Some(format!("{a} – {b}")),
        (Some(a), _) | (None, Some(a)) => Some(a.to_string()),
        (None, None) => None,
    }
}

/// `GET /?q=&offset=`: the story list, newest first, or search results.
pub(crate) async fn list(
    State(state): State<AppState>,
    query: Result<Query<ListParams>, QueryRejection>,
) -> Result<Rendered, PageFailure> {
    let params = ListParams::from_query(query)?;
    let key = format!(
        "page:list:{}:{}:{}",
        params.limit(),
        params.offset(),
        params.query().unwrap_or("")
    );
    Ok(state
        .cached(key, move |store| {
            let (stories, more) = list_stories(store, &params)?;
            Ok(Rendered::html(list_page(&stories, &params, more)))
        })
        .await?)
}

fn page_link(params: &ListParams, offset: usize) -> String {
    let mut link = format!("/?offset={offset}");
    if let Some(q) = params.query() {
        link.push_str("&q=");
        link.push_str(&path_segment(q));
    }
    if params.limit.is_some() {
        link.push_str(&format!("&limit={}", params.limit()));
    }
    link
}

fn list_page(stories: &[StorySummary], params: &ListParams, more: bool) -> Markup {
    let query = params.query().unwrap_or("");
    let heading = match params.query() {
        Some(q) => format!("Stories matching “{q}”"),
        None => "Latest stories".to_string(),
    };
    layout(
        &heading,
        query,
        html! {
            h1 { (heading) }
            @if stories.is_empty() {
                p.empty {
                    @if params.query().is_some() {
                        "No story matches. Try fewer or other words."
                    } @else {
                        "No stories yet. Add articles with "
                        code { "storyfold run FILES" } " or " code { "POST /api/articles" } "."
                    }
                }
            }
            ol.stories {
                @for story in stories {
                    li.story {
                        a.title href={ "/stories/" (path_segment(story.id.as_str())) } {
                            (story.title)
                        }
                        div.meta {
                            @if let Some(d) = dates(story.first_seen.as_deref(), story.last_seen.as_deref()) {
                                span.dates { (d) }
                            }
                            span.count { (plural(story.articles, "article", "articles")) }
                            span.count { (plural(story.outlets, "outlet", "outlets")) }
                            span.count.independent {
                                (plural(story.independent_sources, "independent source",
                                    "independent sources"))
                            }
                        }
                    }
                }
            }
            @if params.offset() > 0 || more {
                nav.pager {
                    @if params.offset() > 0 {
                        a href=(page_link(params, params.offset().saturating_sub(params.limit()))) {
                            "← Newer"
                        }
                    }
                    @if more {
                        a href=(page_link(params, params.offset() + params.limit())) { "Older →" }
                    }
                }
            }
        },
    )
}

/// `GET /stories/{id}`.
pub(crate) async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Rendered, PageFailure> {
    Ok(state
        .cached(format!("page:story:{id}"), move |store| {
            let document = storyfold::story_document(store, &[StoryId(id)])?;
            let story = document
                .stories
                .first()
                .ok_or_else(|| Failure::not_found("no such story"))?;
            Ok(Rendered::html(story_page(story)))
        })
        .await?)
}

/// Article numbers (1-based, in story order) used by every citation marker of a page.
struct Numbers<'a> {
    by_id: BTreeMap<&'a ArticleId, usize>,
    articles: &'a [DocumentArticle],
}

impl<'a> Numbers<'a> {
    fn new(story: &'a DocumentStory) -> Self {
        Self {
            by_id: story
                .articles
                .iter()
                .enumerate()
                .map(|(i, a)| (&a.id, i + 1))
                .collect(),
            articles: &story.articles,
        }
    }

    fn number(&self, id: &ArticleId) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Where article `n` (1-based) reads: its block on this page when its text is inlined, its
    /// own page otherwise.
    fn href(&self, n: usize) -> String {
        article_href(n, &self.articles[n - 1].id)
    }

    fn outlet(&self, id: &ArticleId) -> String {
        self.number(id)
            .and_then(|n| self.articles[n - 1].outlet.clone())
            .unwrap_or_else(|| id.to_string())
    }

    fn title(&self, id: &ArticleId) -> Option<&'a str> {
        self.number(id)
            .and_then(|n| self.articles[n - 1].title.as_deref())
    }

    /// A citation marker `[n]` that opens, without script, onto the passages it stands for.
    fn cite<'p>(&self, id: &ArticleId, passages: impl IntoIterator<Item = &'p str>) -> Markup {
        let number = self.number(id);
        let label = number.map_or_else(|| "[?]".to_string(), |n| format!("[{n}]"));
        let passages: Vec<&str> = passages
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .collect();
        html! {
            details.cite {
                summary title=(self.outlet(id)) { (label) }
                div.support {
                    p.source {
                        strong { (self.outlet(id)) }
                        @if let Some(title) = self.title(id) { " — " (title) }
                    }
                    @for passage in &passages {
                        blockquote { (passage) }
                    }
                    @if passages.is_empty() {
                        p.note { "Cited for this sentence; no passage recorded." }
                    }
                    @if let Some(n) = number {
                        a href=(self.href(n)) { "Read the article" }
                    }
                }
            }
        }
    }

    /// Citation markers for `ids`: the first [`CITES_WITH_PASSAGES`] open onto their passages,
    /// the rest are plain links (a claim of a 300-article story would otherwise carry
    /// hundreds of quoted passages).
    fn cites<'p>(
        &self,
        ids: &[&ArticleId],
        passages: impl Fn(&ArticleId) -> Vec<&'p str>,
    ) -> Markup {
        html! {
            @for id in ids.iter().take(CITES_WITH_PASSAGES) {
                (self.cite(id, passages(id)))
            }
            @if ids.len() > CITES_WITH_PASSAGES {
                span.more { "+" (ids.len() - CITES_WITH_PASSAGES) " more:" }
                @for id in &ids[CITES_WITH_PASSAGES..] {
                    @if let Some(n) = self.number(id) {
                        " " a.ref href=(self.href(n)) title=(self.outlet(id)) { "[" (n) "]" }
                    }
                }
            }
        }
    }

    /// Plain markers linking to the articles.
    fn links(&self, ids: &[ArticleId]) -> Markup {
        html! {
            span.cites {
                @for id in ids {
                    @if let Some(n) = self.number(id) {
                        a.ref href=(self.href(n)) title=(self.outlet(id)) { "[" (n) "]" }
                    }
                }
            }
        }
    }
}

fn status_class(status: &str) -> &'static str {
    match status {
        "corroborated" => "badge corroborated",
        "contradicted" => "badge contradicted",
        "single-source" => "badge single",
        _ => "badge",
    }
}

/// Links only to web pages: an article's URL is untrusted and must never be `javascript:`.
fn web_url(url: &str) -> Option<&str> {
    let lower = url.trim_start().get(..8).unwrap_or("").to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(url.trim())
}

fn story_page(story: &DocumentStory) -> Markup {
    let numbers = Numbers::new(story);
    let count = |status: &str| story.claims.iter().filter(|c| c.status == status).count();
    layout(
        &story.title,
        "",
        html! {
            article.story {
                h1 { (story.title) }
                p.meta {
                    @if let Some(d) = dates(story.first_seen.as_deref(), story.last_seen.as_deref()) {
                        span.dates { (d) }
                    }
                    span.count { (plural(story.articles.len(), "article", "articles")) }
                    span.count { (plural(story.outlets, "outlet", "outlets")) }
                    span.count.independent {
                        (plural(story.independent_sources, "independent source", "independent sources"))
                    }
                }
                nav.toc {
                    a href="#brief" { "Brief" }
                    a href="#claims" { "Claims (" (story.claims.len()) ")" }
                    a href="#quotes" { "Quotes (" (story.quotes.len()) ")" }
                    a href="#timeline" { "Timeline" }
                    a href="#copies" { "Who copied whom" }
                    a href="#articles" { "Articles" }
                }

                section #brief {
                    h2 { "Brief" }
                    @if story.brief.is_empty() {
                        p.empty { "No brief yet: no sentence could be checked against the sources." }
                    }
                    div.brief {
                        @for sentence in &story.brief {
                            // A `div`: the `<details>` markers inside would close a `<p>` early.
                            div.sentence {
                                (sentence.text)
                                span.cites {
                                    (numbers.cites(
                                        &cited(&sentence.articles, sentence.support.iter().map(|s| &s.article)),
                                        |id| sentence.support.iter()
                                            .filter(|s| &s.article == id)
                                            .map(|s| s.text.as_str())
                                            .collect(),
                                    ))
                                }
                            }
                        }
                    }
                }

                section #claims {
                    h2 { "Claims" }
                    p.summary {
                        span.badge.corroborated { (count("corroborated")) " corroborated" }
                        span.badge.single { (count("single-source")) " single-source" }
                        span.badge.contradicted { (count("contradicted")) " contradicted" }
                    }
                    @if story.claims.is_empty() {
                        p.empty { "No claims extracted yet." }
                    } @else {
                        table.claims {
                            thead { tr {
                                th { "#" } th { "Claim" } th { "Status" }
                                th.num title="Sources after collapsing copies into their originals" {
                                    "Independent sources"
                                }
                                th { "Reported by" }
                            } }
                            tbody {
                                @for (i, claim) in story.claims.iter().enumerate() {
                                    tr id={ "claim-" (i + 1) } {
                                        td.num { (i + 1) }
                                        td {
                                            (claim.text)
                                            @for c in &claim.contradictions {
                                                p.contradiction {
                                                    "Disagrees with "
                                                    a href={ "#claim-" (c.other + 1) } { "claim " (c.other + 1) }
                                                    " on the " (format!("{:?}", c.kind).to_lowercase()) ": "
                                                    mark { (c.this_value) } " vs " mark { (c.other_value) }
                                                }
                                            }
                                        }
                                        td { span class=(status_class(&claim.status)) { (claim.status) } }
                                        td.num { (claim.independent_sources) }
                                        td {
                                            span.cites {
                                                (numbers.cites(
                                                    &claim.articles.iter().collect::<Vec<_>>(),
                                                    |id| claim.spans.iter()
                                                        .filter(|s| &s.article == id)
                                                        .map(|s| s.text.as_str())
                                                        .collect(),
                                                ))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }

                section #quotes {
                    h2 { "Quotes" }
                    @if story.quotes.is_empty() {
                        p.empty { "No direct quotes found." }
                    }
                    @for quote in &story.quotes {
                        div.quote {
                            blockquote.reference { "“" (quote.text) "”" }
                            @if let Some(speaker) = &quote.speaker { p.speaker { "— " (speaker) } }
                            ul.variants {
                                @for variant in &quote.variants {
                                    li {
                                        @if variant.altered {
                                            span.badge.contradicted { "altered" }
                                            " “"
                                            @for (k, change) in word_diff(&quote.text, &variant.text).iter().enumerate() {
                                                @if k > 0 { " " }
                                                @match change {
                                                    Change::Same(words) => (words),
                                                    Change::Removed(words) => del { (words) },
                                                    Change::Added(words) => ins { (words) },
                                                }
                                            }
                                            "” "
                                        } @else {
                                            span.badge.corroborated { "as said" }
                                            " “" (variant.text) "” "
                                        }
                                        (numbers.links(&variant.articles))
                                    }
                                }
                            }
                        }
                    }
                }

                section #timeline {
                    h2 { "Timeline" }
                    @if story.timeline.is_empty() {
                        p.empty { "No dated events found." }
                    } @else {
                        table.timeline {
                            thead { tr {
                                th { "Event date" } th { "What happened" } th { "Reported" } th { "Sources" }
                            } }
                            tbody {
                                @for entry in &story.timeline {
                                    tr {
                                        td.date {
                                            (entry.date)
                                            @if let Some(end) = &entry.end_date { " – " (end) }
                                            br; small { (entry.grain) }
                                        }
                                        td { (entry.text) }
                                        td.date {
                                            @for (k, day) in distinct(&entry.reported).iter().enumerate() {
                                                @if k > 0 { br; }
                                                (day)
                                            }
                                        }
                                        td { (numbers.links(&entry.articles)) }
                                    }
                                }
                            }
                        }
                    }
                }

                section #copies {
                    h2 { "Who copied whom" }
                    @match copy_graph(story) {
                        Some(graph) => {
                            figure.graph { (graph) figcaption { "Arrows point from each copy to the article it copied." } }
                            ul.copies {
                                @for (i, article) in story.articles.iter().enumerate() {
                                    @if let Some(original) = &article.copy_of {
                                        li {
                                            a.ref href=(numbers.href(i + 1)) { "[" (i + 1) "]" }
                                            " " strong { (article.outlet.as_deref().unwrap_or(article.id.as_str())) }
                                            " copied "
                                            @if let Some(n) = numbers.number(original) {
                                                a.ref href=(numbers.href(n)) { "[" (n) "]" } " "
                                            }
                                            strong { (numbers.outlet(original)) }
                                            ": "
                                            span.badge { (article.copy_kind.as_deref().unwrap_or("copy")) }
                                            @if let Some(s) = article.copy_similarity {
                                                " similarity " (format!("{s:.2}"))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        None => p.empty { "No copies found: every article is its own source." },
                    }
                }

                @if !story.entities.is_empty() {
                    section #entities {
                        h2 { "Who and where" }
                        ul.entities {
                            @for entity in story.entities.iter().take(40) {
                                li {
                                    (entity.name) " " span.kind { (entity.kind) }
                                    " " small { "×" (entity.mentions) }
                                }
                            }
                        }
                    }
                }

                section #articles {
                    h2 { "Articles" }
                    @for (i, article) in story.articles.iter().take(INLINE_ARTICLES).enumerate() {
                        (article_block(story, &numbers, i, article))
                    }
                    @if story.articles.len() > INLINE_ARTICLES {
                        p.note {
                            "The other " (story.articles.len() - INLINE_ARTICLES)
                            " articles open on their own pages."
                        }
                        ol.more-articles start=(INLINE_ARTICLES + 1) {
                            @for (i, article) in story.articles.iter().enumerate().skip(INLINE_ARTICLES) {
                                li id={ "article-" (i + 1) } {
                                    a href=(article_href(i + 1, &article.id)) {
                                        strong { (article.outlet.as_deref().unwrap_or(article.id.as_str())) }
                                        " — " (truncate(article.title.as_deref().unwrap_or("(untitled)"), 120))
                                    }
                                    (article_meta(&numbers, article))
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// Articles cited by a sentence: the cited ones first, then any other that supports it.
fn cited<'a>(
    articles: &'a [ArticleId],
    support: impl Iterator<Item = &'a ArticleId>,
) -> Vec<&'a ArticleId> {
    let mut out: Vec<&ArticleId> = Vec::new();
    for id in articles.iter().chain(support) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

fn distinct(values: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = values.iter().map(String::as_str).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Citation markers per brief sentence or claim that open onto their passages; further
/// sources are plain links.
pub(crate) const CITES_WITH_PASSAGES: usize = 6;

/// Articles whose full text the story page carries; the others link to `/articles/{id}`, so a
/// story of hundreds of articles stays a page of reasonable size.
pub(crate) const INLINE_ARTICLES: usize = 20;

/// Where article `n` (1-based) of a story page reads.
fn article_href(n: usize, id: &ArticleId) -> String {
    if n <= INLINE_ARTICLES {
        format!("#article-{n}")
    } else {
        format!("/articles/{}", path_segment(id.as_str()))
    }
}

/// Publication date and copy status, after an article's title.
fn article_meta(numbers: &Numbers<'_>, article: &DocumentArticle) -> Markup {
    html! {
        span.meta {
            @if let Some(published) = &article.published {
                " · " (published)
                @if article.published_inferred { " (inferred)" }
            }
            @if let Some(original) = &article.copy_of {
                " · " span.badge { (article.copy_kind.as_deref().unwrap_or("copy")) }
                " of "
                @match numbers.number(original) {
                    Some(n) => { "[" (n) "]" },
                    None => (original),
                }
            }
        }
    }
}

/// Byline, language and link to the original of an article.
fn article_about(article: &DocumentArticle) -> Markup {
    html! {
        p.about {
            "id " code { (article.id) }
            @if let Some(byline) = &article.byline { " · by " (byline) }
            @if let Some(language) = &article.language { " · " (language) }
            @if let Some(url) = &article.url {
                " · "
                @match web_url(url) {
                    Some(href) => a href=(href) rel="noopener noreferrer nofollow" { (truncate(url, 80)) },
                    None => code { (truncate(url, 80)) },
                }
            }
        }
    }
}

/// An article's clean text, one paragraph per blank-line-separated block.
fn paragraphs(text: &str) -> Markup {
    html! {
        @for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
            p { (paragraph) }
        }
    }
}

fn article_block(
    story: &DocumentStory,
    numbers: &Numbers<'_>,
    index: usize,
    article: &DocumentArticle,
) -> Markup {
    let number = index + 1;
    let why = story.why.iter().find(|w| w.article == article.id);
    html! {
        details.article {
            summary {
                span.num { "[" (number) "]" } " "
                strong { (article.outlet.as_deref().unwrap_or(article.id.as_str())) }
                " — " (truncate(article.title.as_deref().unwrap_or("(untitled)"), 120))
                (article_meta(numbers, article))
            }
            div.body id={ "article-" (number) } {
                (article_about(article))
                @if let Some(why) = why {
                    @if !why.summary.is_empty() { p.why { "Why here: " (why.summary) } }
                }
                (paragraphs(&article.text))
            }
        }
    }
}

/// `GET /articles/{id}`: one article's page (its clean text, where it was published, what it
/// copied and the story it belongs to).
pub(crate) async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Rendered, PageFailure> {
    Ok(state
        .cached(format!("page:article:{id}"), move |store| {
            let view = article_view(store, id)?;
            Ok(Rendered::html(article_page(&view)))
        })
        .await?)
}

fn article_page(view: &ArticleView) -> Markup {
    let article = &view.article;
    let title = article.title.as_deref().unwrap_or("(untitled)");
    html! {
        (layout(title, "", html! {
            article.single {
                @if let Some(story) = &view.story {
                    p.back { a href={ "/stories/" (path_segment(story.as_str())) } { "← The story" } }
                }
                h1 { (title) }
                p.meta {
                    strong { (article.outlet.as_deref().unwrap_or(article.id.as_str())) }
                    @if let Some(published) = &article.published {
                        " · " (published)
                        @if article.published_inferred { " (inferred)" }
                    }
                    @if let Some(original) = &article.copy_of {
                        " · " span.badge { (article.copy_kind.as_deref().unwrap_or("copy")) }
                        " of "
                        a href={ "/articles/" (path_segment(original.as_str())) } { code { (original) } }
                        @if let Some(s) = article.copy_similarity {
                            " (similarity " (format!("{s:.2}")) ")"
                        }
                    }
                }
                (article_about(article))
                div.body { (paragraphs(&article.text)) }
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyfold::model::{DocumentBriefSentence, Span, SupportSpan};

    fn hostile_story() -> DocumentStory {
        let article = DocumentArticle {
            id: ArticleId::from("evil\"><script>x</script>"),
            title: Some("<script>document.title='pwned'</script>".into()),
            outlet: Some("<img src=x onerror=alert(1)>".into()),
            byline: None,
            published: Some("2026-11-20".into()),
            published_inferred: false,
            url: Some("javascript:alert(1)".into()),
            language: None,
            text: "Para <b>one</b>.\n\nPara two onerror=boom.".into(),
            copy_of: None,
            copy_kind: None,
            copy_similarity: None,
            copy_evidence: Vec::new(),
        };
        DocumentStory {
            id: StoryId::from("s-1"),
            aliases: Vec::new(),
            title: "<script>alert(1)</script>".into(),
            first_seen: Some("2026-11-20".into()),
            last_seen: Some("2026-11-21".into()),
            outlets: 1,
            independent_sources: 1,
            brief: vec![DocumentBriefSentence {
                text: "A <i>sentence</i>.".into(),
                articles: vec![article.id.clone()],
                support: vec![SupportSpan {
                    article: article.id.clone(),
                    span: Span::new(0, 4),
                    text: "Para <b>one</b>".into(),
                }],
            }],
            articles: vec![article],
            entities: Vec::new(),
            quotes: Vec::new(),
            claims: Vec::new(),
            timeline: Vec::new(),
            why: Vec::new(),
        }
    }

    #[test]
    fn untrusted_text_is_escaped_everywhere() {
        let page = story_page(&hostile_story()).into_string();
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<img"));
        assert!(!page.contains("<b>"));
        assert!(!page.contains("href=\"javascript:"));
        assert!(page.contains("&lt;script&gt;document.title="));
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(page.contains("Para &lt;b&gt;one&lt;/b&gt;"));
    }

    #[test]
    fn brief_sentences_carry_citation_markers() {
        let page = story_page(&hostile_story()).into_string();
        assert!(page.contains("<details class=\"cite\"><summary"));
        assert!(page.contains("[1]</summary>"));
        assert!(page.contains("href=\"#article-1\""));
        assert!(page.contains("id=\"article-1\""));
    }

    #[test]
    fn big_stories_inline_only_the_first_articles_and_link_the_rest() {
        let mut story = hostile_story();
        let first = story.articles[0].clone();
        story.articles = (0..INLINE_ARTICLES + 5)
            .map(|i| DocumentArticle {
                id: ArticleId::from(format!("a {i}").as_str()),
                text: format!("Full text number {i}."),
                ..first.clone()
            })
            .collect();
        let last = story.articles.last().unwrap().id.clone();
        story.brief[0].articles = vec![last.clone()];
        story.brief[0].support[0].article = last;
        let page = story_page(&story).into_string();
        assert!(page.contains("Full text number 0."));
        assert!(page.contains(&format!("Full text number {}.", INLINE_ARTICLES - 1)));
        assert!(!page.contains(&format!("Full text number {}.", INLINE_ARTICLES)));
        assert!(page.contains(&format!("id=\"article-{}\"", INLINE_ARTICLES + 5)));
        // Later articles and the citations of them go to the article's own page.
        let link = format!("href=\"/articles/a%20{}\"", INLINE_ARTICLES + 4);
        assert!(page.matches(&link).count() >= 2, "{page}");
        assert!(page.contains("The other 5 articles open on their own pages."));
        // A sentence citing every article: passages for the first few, links for the rest.
        let all: Vec<ArticleId> = story.articles.iter().map(|a| a.id.clone()).collect();
        story.brief[0].articles = all;
        let page = story_page(&story).into_string();
        assert_eq!(
            page.matches("<details class=\"cite\">").count(),
            CITES_WITH_PASSAGES
        );
        let more = INLINE_ARTICLES + 5 - CITES_WITH_PASSAGES;
        assert!(page.contains(&format!("+{more} more:")), "{page}");
        assert!(page.contains(&format!(">[{}]</a>", INLINE_ARTICLES + 5)));
        assert!(!page.contains("<script"));
    }

    #[test]
    fn article_page_escapes_and_links_the_original_and_story() {
        let mut article = hostile_story().articles.remove(0);
        article.copy_of = Some(ArticleId::from("orig/1"));
        article.copy_kind = Some("verbatim".into());
        let view = ArticleView {
            article,
            story: Some(StoryId::from("s 1")),
            entities: Vec::new(),
            times: Vec::new(),
            quotes: Vec::new(),
        };
        let page = article_page(&view).into_string();
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<img"));
        assert!(!page.contains("<b>"));
        assert!(!page.contains("href=\"javascript:"));
        assert!(page.contains("<p>Para &lt;b&gt;one&lt;/b&gt;.</p>"));
        assert!(page.contains("href=\"/articles/orig%2F1\""));
        assert!(page.contains("href=\"/stories/s%201\""));
    }

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            web_url("https://example.org/a"),
            Some("https://example.org/a")
        );
        assert_eq!(web_url("HTTP://example.org"), Some("HTTP://example.org"));
        assert_eq!(web_url("javascript:alert(1)"), None);
        assert_eq!(web_url("data:text/html,x"), None);
    }

    #[test]
    fn list_page_shows_counts_and_pager() {
        let story = StorySummary {
            id: StoryId::from("s-1"),
            title: "Ferry <terminal> closes".into(),
            first_seen: Some("2026-11-20".into()),
            last_seen: Some("2026-11-20".into()),
            articles: 3,
            outlets: 2,
            independent_sources: 1,
        };
        let page = list_page(&[story], &ListParams::default(), true).into_string();
        assert!(page.contains("Ferry &lt;terminal&gt; closes"));
        assert!(page.contains("2 outlets"));
        assert!(page.contains("1 independent source<"));
        assert!(page.contains("href=\"/?offset=50\""));
        assert!(page.contains("href=\"/stories/s-1\""));
    }
}
