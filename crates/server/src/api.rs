//! The JSON API: health, stories (list and search), one story, one article, ingest, OpenAPI.
use crate::body::{self, ArticleInput};
use crate::cache::Rendered;
use crate::{AppState, Failure};
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::{Mutex, OnceLock};
use storyfold::model::{
    ArticleId, Doc, DocumentArticle, EntityMention, Quote, RawArticle, StoryId, TimeExpression,
};
use storyfold::{Outcome, Pipeline, Store, StorySummary};

/// Stories per page when `limit` is not given.
pub(crate) const DEFAULT_LIMIT: usize = 50;
/// Most stories one request returns.
pub(crate) const MAX_LIMIT: usize = 500;

/// A failure answered as `{"error": "..."}`.
pub(crate) struct JsonFailure(pub Failure);

impl From<Failure> for JsonFailure {
    fn from(failure: Failure) -> Self {
        Self(failure)
    }
}

impl IntoResponse for JsonFailure {
    fn into_response(self) -> Response {
        let mut response = (
            self.0.status,
            axum::Json(json!({ "error": self.0.message })),
        )
            .into_response();
        if self.0.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

type JsonResult = Result<Rendered, JsonFailure>;

/// `limit`, `offset` and `q` of the story list.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListParams {
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    pub q: Option<String>,
}

impl ListParams {
    pub fn from_query(query: Result<Query<Self>, QueryRejection>) -> Result<Self, Failure> {
        query
            .map(|Query(params)| params)
            .map_err(|e| Failure::bad_request(e.body_text()))
    }

    pub fn limit(&self) -> usize {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }

    pub fn offset(&self) -> usize {
        self.offset.unwrap_or(0)
    }

    /// The search words, when there are any.
    pub fn query(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }
}

/// One page of stories: newest first, or best match first for a search; the flag says whether
/// more follow.
pub(crate) fn list_stories(
    store: &Store,
    params: &ListParams,
) -> Result<(Vec<StorySummary>, bool), Failure> {
    let (limit, offset) = (params.limit(), params.offset());
    let mut page = match params.query() {
        Some(query) => {
            let mut hits = store.search(query, offset.saturating_add(limit + 1))?;
            hits.drain(..offset.min(hits.len()));
            hits
        }
        None => store.stories(limit + 1, offset)?,
    };
    let more = page.len() > limit;
    page.truncate(limit);
    Ok((page, more))
}

/// `GET /api/health`.
pub(crate) async fn health(State(state): State<AppState>) -> JsonResult {
    let writes = state.token.is_some();
    Ok(state
        .cached("api:health".into(), move |store| {
            Rendered::json(&json!({
                "status": "ok",
                "version": env!("CARGO_PKG_VERSION"),
                "articles": store.article_count()?,
                "stories": store.story_count()?,
                "writes": writes,
            }))
        })
        .await?)
}

/// `GET /api/stories?limit&offset&q`.
pub(crate) async fn stories(
    State(state): State<AppState>,
    query: Result<Query<ListParams>, QueryRejection>,
) -> JsonResult {
    let params = ListParams::from_query(query)?;
    let key = format!(
        "api:stories:{}:{}:{}",
        params.limit(),
        params.offset(),
        params.query().unwrap_or("")
    );
    Ok(state
        .cached(key, move |store| {
            let (stories, more) = list_stories(store, &params)?;
            Rendered::json(&json!({
                "stories": stories,
                "limit": params.limit(),
                "offset": params.offset(),
                "q": params.query(),
                "next_offset": more.then(|| params.offset() + params.limit()),
            }))
        })
        .await?)
}

/// `GET /api/stories/{id}`: the story document `{"stories": [story]}` (an alias resolves to the
/// story it was merged into).
pub(crate) async fn story(State(state): State<AppState>, Path(id): Path<String>) -> JsonResult {
    Ok(state
        .cached(format!("api:story:{id}"), move |store| {
            let document = storyfold::story_document(store, &[StoryId(id)])?;
            Rendered::json(&document)
        })
        .await?)
}

/// One article as `GET /api/articles/{id}` shows it: the story document's article fields, the
/// story it belongs to and its analysis (byte spans into `text`).
#[derive(Serialize)]
pub(crate) struct ArticleView {
    #[serde(flatten)]
    pub article: DocumentArticle,
    pub story: Option<StoryId>,
    pub entities: Vec<EntityMention>,
    pub times: Vec<TimeExpression>,
    pub quotes: Vec<Quote>,
}

/// One stored article with its copy link, story and analysis (404 when unknown).
pub(crate) fn article_view(store: &Store, id: String) -> Result<ArticleView, Failure> {
    let id = ArticleId(id);
    let doc = store
        .doc(&id)?
        .ok_or_else(|| Failure::not_found(format!("no article {id}")))?;
    let link = store.link_of(&id)?;
    let story = store.story_of(&id)?;
    let Doc {
        article,
        text,
        language,
        published,
        entities,
        times,
        quotes,
        ..
    } = doc;
    Ok(ArticleView {
        article: DocumentArticle {
            id: article.id,
            title: article.title,
            outlet: article.outlet,
            byline: article.byline,
            published: published.as_ref().map(|p| p.iso_date()),
            published_inferred: published.as_ref().is_some_and(|p| p.is_inferred()),
            url: article.url,
            language,
            text,
            copy_of: link.as_ref().map(|l| l.original.clone()),
            copy_kind: link.as_ref().map(|l| l.kind.as_str().to_string()),
            copy_similarity: link.as_ref().map(|l| l.similarity),
            copy_evidence: link.map(|l| l.evidence).unwrap_or_default(),
        },
        story,
        entities,
        times,
        quotes,
    })
}

/// `GET /api/articles/{id}`.
pub(crate) async fn article(State(state): State<AppState>, Path(id): Path<String>) -> JsonResult {
    Ok(state
        .cached(format!("api:article:{id}"), move |store| {
            Rendered::json(&article_view(store, id)?)
        })
        .await?)
}

/// What happened to one posted article.
#[derive(Debug, Serialize)]
pub(crate) struct IngestResult {
    /// Where it came from (the request, or a feed item / file).
    pub source: String,
    /// Its id in the store (absent when it failed).
    pub id: Option<ArticleId>,
    /// `added`, `already_stored` or `failed`.
    pub status: &'static str,
    /// The story it belongs to.
    pub story: Option<StoryId>,
    /// Why it failed.
    pub error: Option<String>,
}

/// Runs raw articles through the pipeline and commits them before returning.
pub(crate) fn ingest_all(
    pipeline: &Mutex<Pipeline>,
    raws: Vec<RawArticle>,
) -> Result<Vec<IngestResult>, storyfold::Error> {
    // A panic while holding the lock can only come from a bug in a stage; the pipeline's state
    // is still the last committed one plus a partial batch, which the next commit writes.
    let mut pipeline = pipeline.lock().unwrap_or_else(|e| e.into_inner());
    let mut results = Vec::with_capacity(raws.len());
    for raw in raws {
        let source = raw.source.clone();
        match pipeline.ingest(raw) {
            Ok(Outcome::Added { id, story }) => results.push(IngestResult {
                source,
                id: Some(id),
                status: "added",
                story: Some(story),
                error: None,
            }),
            Ok(Outcome::AlreadyStored { id }) => results.push(IngestResult {
                source,
                id: Some(id),
                status: "already_stored",
                story: None,
                error: None,
            }),
            Err(storyfold::Error::Extract { input, source }) => {
                pipeline.record_failure(&input, &source.to_string());
                results.push(IngestResult {
                    source: input,
                    id: None,
                    status: "failed",
                    story: None,
                    error: Some(source.to_string()),
                });
            }
            Err(other) => return Err(other),
        }
        if pipeline.batch_full() {
            pipeline.commit()?;
        }
    }
    pipeline.commit()?;
    // Stories may have merged during the batch: report the surviving ids.
    let store = pipeline.store();
    for result in &mut results {
        result.story = match (&result.story, &result.id) {
            (Some(story), _) => store.resolve_story(story)?,
            (None, Some(id)) => store.story_of(id)?,
            (None, None) => None,
        };
    }
    Ok(results)
}

/// Compares secrets in time independent of where they differ.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), Failure> {
    let Some(token) = &state.token else {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "this server takes no writes: start it with `storyfold serve --token TOKEN` (or set \
             STORYFOLD_TOKEN) and send `Authorization: Bearer TOKEN`",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, value)| value.trim());
    match given {
        Some(given) if same_secret(given.as_bytes(), token.as_bytes()) => Ok(()),
        Some(_) => Err(Failure::new(StatusCode::UNAUTHORIZED, "wrong bearer token")),
        None => Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "writes need `Authorization: Bearer TOKEN`",
        )),
    }
}

/// `POST /api/articles`: checks the token, parses the whole body, then ingests and commits.
pub(crate) async fn post_articles(
    State(state): State<AppState>,
    query: Result<Query<ArticleInput>, QueryRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, JsonFailure> {
    authorize(&state, &headers)?;
    let meta = query
        .map(|Query(meta)| meta)
        .map_err(|e| Failure::bad_request(e.body_text()))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let kind = body::kind_of(content_type, &body)?;
    let fetched_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let raws = body::parse(kind, &body, meta, &fetched_at)?;
    let writer = state
        .writer
        .clone()
        .ok_or_else(|| Failure::internal(&"a server with a token has a write pipeline"))?;
    let results = tokio::task::spawn_blocking(move || ingest_all(&writer, raws))
        .await
        .map_err(|e| Failure::internal(&e))?
        .map_err(Failure::from);
    state.bump();
    let results = results?;
    let added = results.iter().filter(|r| r.status == "added").count();
    let failed = results.iter().filter(|r| r.status == "failed").count();
    tracing::info!(added, failed, "Ingested posted articles.");
    // Nothing usable at all: the request was well-formed but its content was not.
    let status = if failed == results.len() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        axum::Json(json!({ "added": added, "failed": failed, "results": results })),
    )
        .into_response())
}

/// `GET /openapi.json`.
pub(crate) async fn openapi() -> Rendered {
    static DOCUMENT: OnceLock<Rendered> = OnceLock::new();
    DOCUMENT
        .get_or_init(|| {
            Rendered {
                status: StatusCode::OK,
                content_type: crate::cache::JSON,
                body: Bytes::from(crate::openapi::document().to_string()),
                gzip: None,
            }
            .compressed()
        })
        .clone()
}

/// Anything else: JSON for API paths, a page for the rest.
pub(crate) async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") || path == "/api" || path.ends_with(".json") {
        JsonFailure(Failure::not_found(format!("no route {path}"))).into_response()
    } else {
        crate::html::error_page(&Failure::not_found(format!("No page at {path}.")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
        assert!(!same_secret(b"", b"abc"));
    }

    #[test]
    fn limits_are_clamped() {
        let params = ListParams {
            limit: Some(10_000),
            offset: None,
            q: Some("  ".into()),
        };
        assert_eq!(params.limit(), MAX_LIMIT);
        assert_eq!(params.offset(), 0);
        assert_eq!(params.query(), None);
        assert_eq!(ListParams::default().limit(), DEFAULT_LIMIT);
    }
}
