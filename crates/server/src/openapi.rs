//! The OpenAPI 3.1 document of every route (a unit test checks it against the router).
use serde_json::{json, Value};

fn id_parameter(what: &str) -> Value {
    json!({
        "name": "id", "in": "path", "required": true,
        "description": format!("The {what} id (percent-encoded)."),
        "schema": {"type": "string"}
    })
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

fn json_response(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}
    })
}

fn html_response(description: &str) -> Value {
    json!({"description": description, "content": {"text/html": {"schema": {"type": "string"}}}})
}

fn list_parameters() -> Value {
    json!([
        {"name": "limit", "in": "query", "required": false,
         "description": "Stories per page (1 to 500, default 50; larger values are capped).",
         "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
        {"name": "offset", "in": "query", "required": false,
         "description": "Stories to skip.",
         "schema": {"type": "integer", "minimum": 0, "default": 0}},
        {"name": "q", "in": "query", "required": false,
         "description": "Full-text search over article titles and texts (all words required); \
                         results best match first.",
         "schema": {"type": "string"}}
    ])
}

fn nullable(kind: &str) -> Value {
    json!({"type": [kind, "null"]})
}

fn id_list() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

/// The document.
pub(crate) fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "storyfold",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Stories folded from many outlets' reports: cited briefs, claims \
                cross-checked across independent sources, altered quotes, timelines and who \
                copied whom. Reads are open; writes need `Authorization: Bearer TOKEN`."
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object", "required": ["error"],
                    "properties": {"error": {"type": "string"}}
                },
                "Health": {
                    "type": "object", "required": ["status", "version", "articles", "stories", "writes"],
                    "properties": {
                        "status": {"const": "ok"}, "version": {"type": "string"},
                        "articles": {"type": "integer"}, "stories": {"type": "integer"},
                        "writes": {"type": "boolean", "description": "Whether a write token is set."}
                    }
                },
                "StorySummary": {
                    "type": "object",
                    "required": ["id", "title", "articles", "outlets", "independent_sources"],
                    "properties": {
                        "id": {"type": "string"}, "title": {"type": "string"},
                        "first_seen": nullable("string"), "last_seen": nullable("string"),
                        "articles": {"type": "integer"}, "outlets": {"type": "integer"},
                        "independent_sources": {"type": "integer"}
                    }
                },
                "StoryList": {
                    "type": "object", "required": ["stories", "limit", "offset"],
                    "properties": {
                        "stories": {"type": "array", "items": {"$ref": "#/components/schemas/StorySummary"}},
                        "limit": {"type": "integer"}, "offset": {"type": "integer"},
                        "q": nullable("string"),
                        "next_offset": {"type": ["integer", "null"], "description": "Offset of the next page, null on the last."}
                    }
                },
                "DocumentArticle": {
                    "type": "object", "required": ["id", "text"],
                    "properties": {
                        "id": {"type": "string"}, "title": nullable("string"),
                        "outlet": nullable("string"), "byline": nullable("string"),
                        "published": nullable("string"), "published_inferred": {"type": "boolean"},
                        "url": nullable("string"), "language": nullable("string"),
                        "text": {"type": "string"}, "copy_of": nullable("string"),
                        "copy_kind": {"enum": ["verbatim", "rewrite", "spun", null]},
                        "copy_similarity": nullable("number"),
                        "copy_evidence": {"type": "array", "items": {"type": "object"}}
                    }
                },
                "Story": {
                    "type": "object",
                    "description": "One story of DESIGN.md's story document. More fields may be added.",
                    "required": ["id", "title", "articles", "entities", "quotes", "claims", "timeline", "brief"],
                    "properties": {
                        "id": {"type": "string"}, "aliases": id_list(), "title": {"type": "string"},
                        "first_seen": nullable("string"), "last_seen": nullable("string"),
                        "outlets": {"type": "integer"}, "independent_sources": {"type": "integer"},
                        "articles": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentArticle"}},
                        "entities": {"type": "array", "items": {"type": "object", "properties": {
                            "name": {"type": "string"}, "kind": {"type": "string"},
                            "mentions": {"type": "integer"}, "articles": id_list()}}},
                        "quotes": {"type": "array", "items": {"type": "object", "properties": {
                            "text": {"type": "string"}, "speaker": nullable("string"), "articles": id_list(),
                            "variants": {"type": "array", "items": {"type": "object", "properties": {
                                "text": {"type": "string"}, "articles": id_list(), "altered": {"type": "boolean"},
                                "removed_words": id_list(), "added_words": id_list()}}}}}},
                        "claims": {"type": "array", "items": {"type": "object", "properties": {
                            "text": {"type": "string"}, "articles": id_list(),
                            "independent_sources": {"type": "integer"},
                            "status": {"enum": ["corroborated", "single-source", "contradicted"]},
                            "contradicts": {"type": "array", "items": {"type": "integer"}}}}},
                        "timeline": {"type": "array", "items": {"type": "object", "properties": {
                            "date": {"type": "string"}, "grain": {"type": "string"},
                            "end_date": nullable("string"), "text": {"type": "string"},
                            "articles": id_list(), "reported": id_list()}}},
                        "brief": {"type": "array", "items": {"type": "object", "properties": {
                            "text": {"type": "string"}, "articles": id_list(),
                            "support": {"type": "array", "items": {"type": "object", "properties": {
                                "article": {"type": "string"}, "text": {"type": "string"}}}}}}},
                        "why": {"type": "array", "items": {"type": "object"}}
                    }
                },
                "StoryDocument": {
                    "type": "object", "required": ["stories"],
                    "description": "DESIGN.md's story document, as printed by `storyfold run --json`.",
                    "properties": {"stories": {"type": "array", "items": {"$ref": "#/components/schemas/Story"}}}
                },
                "Article": {
                    "description": "An article with the story it belongs to and its analysis \
                        (spans are byte offsets into `text`).",
                    "allOf": [
                        {"$ref": "#/components/schemas/DocumentArticle"},
                        {"type": "object", "properties": {
                            "story": nullable("string"),
                            "entities": {"type": "array", "items": {"type": "object"}},
                            "times": {"type": "array", "items": {"type": "object"}},
                            "quotes": {"type": "array", "items": {"type": "object"}}}}
                    ]
                },
                "ArticleInput": {
                    "type": "object",
                    "description": "One article; exactly one of `text` and `html`. Without `id`, \
                        one is derived from the content.",
                    "properties": {
                        "id": {"type": "string"}, "url": {"type": "string"},
                        "outlet": {"type": "string"}, "title": {"type": "string"},
                        "published": {"type": "string", "description": "ISO 8601 date or date-time."},
                        "text": {"type": "string"}, "html": {"type": "string"}
                    }
                },
                "IngestReply": {
                    "type": "object", "required": ["added", "failed", "results"],
                    "properties": {
                        "added": {"type": "integer"}, "failed": {"type": "integer"},
                        "results": {"type": "array", "items": {"type": "object", "properties": {
                            "source": {"type": "string"}, "id": nullable("string"),
                            "status": {"enum": ["added", "already_stored", "failed"]},
                            "story": nullable("string"), "error": nullable("string")}}}
                    }
                }
            }
        },
        "paths": {
            "/": {"get": {
                "summary": "Web page: the story list (newest first) or search results.",
                "parameters": list_parameters(),
                "responses": {"200": html_response("The page.")}
            }},
            "/stories/{id}": {"get": {
                "summary": "Web page: one story with its brief, claims, quotes, timeline, copies and articles.",
                "parameters": [id_parameter("story")],
                "responses": {"200": html_response("The page."), "404": html_response("No such story.")}
            }},
            "/articles/{id}": {"get": {
                "summary": "Web page: one article's clean text, source, copy link and story. The story \
                    page inlines the texts of its first articles and links to this page for the rest.",
                "parameters": [id_parameter("article")],
                "responses": {"200": html_response("The page."), "404": html_response("No such article.")}
            }},
            "/assets/style.css": {"get": {
                "summary": "The page's stylesheet.",
                "responses": {"200": {"description": "CSS.", "content": {"text/css": {"schema": {"type": "string"}}}}}
            }},
            "/api/health": {"get": {
                "summary": "Liveness and store counts.",
                "responses": {"200": json_response("OK.", "Health")}
            }},
            "/api/stories": {"get": {
                "summary": "List stories newest first, or search them (full text).",
                "parameters": list_parameters(),
                "responses": {
                    "200": json_response("One page of stories.", "StoryList"),
                    "400": error_response("Invalid parameters.")
                }
            }},
            "/api/stories/{id}": {"get": {
                "summary": "One story as DESIGN.md's story document: `{\"stories\": [story]}`. \
                    A merged story's old id resolves to the story it joined.",
                "parameters": [id_parameter("story")],
                "responses": {
                    "200": json_response("The story document.", "StoryDocument"),
                    "404": error_response("No such story.")
                }
            }},
            "/api/articles/{id}": {"get": {
                "summary": "One article with its story and analysis.",
                "parameters": [id_parameter("article")],
                "responses": {
                    "200": json_response("The article.", "Article"),
                    "404": error_response("No such article.")
                }
            }},
            "/api/articles": {"post": {
                "summary": "Ingest articles; committed before the reply.",
                "description": "JSON: one article object, an array of them, or JSON Lines. Raw \
                    `text/html` or `text/plain`: one article whose metadata come from the query \
                    string. The whole body is checked first: a malformed body ingests nothing.",
                "security": [{"bearer": []}],
                "parameters": [
                    {"name": "id", "in": "query", "required": false, "description": "Raw bodies: the article id.", "schema": {"type": "string"}},
                    {"name": "url", "in": "query", "required": false, "description": "Raw bodies: the URL.", "schema": {"type": "string"}},
                    {"name": "outlet", "in": "query", "required": false, "description": "Raw bodies: the outlet.", "schema": {"type": "string"}},
                    {"name": "title", "in": "query", "required": false, "description": "Raw bodies: the headline.", "schema": {"type": "string"}},
                    {"name": "published", "in": "query", "required": false, "description": "Raw bodies: ISO 8601 publication date.", "schema": {"type": "string"}}
                ],
                "requestBody": {"required": true, "content": {
                    "application/json": {"schema": {"oneOf": [
                        {"$ref": "#/components/schemas/ArticleInput"},
                        {"type": "array", "items": {"$ref": "#/components/schemas/ArticleInput"}}
                    ]}},
                    "application/x-ndjson": {"schema": {"type": "string", "description": "One ArticleInput per line."}},
                    "text/html": {"schema": {"type": "string"}},
                    "text/plain": {"schema": {"type": "string"}}
                }},
                "responses": {
                    "200": json_response("Ingested (per-article results).", "IngestReply"),
                    "400": error_response("Malformed body; nothing was ingested."),
                    "401": error_response("Missing or wrong bearer token; nothing was ingested."),
                    "403": error_response("This server was started without a token and takes no writes."),
                    "413": {"description": "Body larger than 32 MiB."},
                    "415": error_response("Unsupported Content-Type."),
                    "422": json_response("No article had usable text.", "IngestReply")
                }
            }},
            "/openapi.json": {"get": {
                "summary": "This document.",
                "responses": {"200": {"description": "OpenAPI 3.1.", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }}
        }
    })
}
