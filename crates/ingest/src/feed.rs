//! RSS, Atom and JSON Feed: one article per entry, parsed with `feed-rs`.
use crate::read::{reason, safe_id};
use crate::{Error, Result, Source};
use feed_rs::model::{Entry, Text};
use storyfold_model::{ArticleId, RawArticle, RawBody};

/// Articles from a feed document, one per entry, in feed order. Errors name `path#n`, the n-th
/// entry (from 1).
///
/// Each entry gives: id = the entry's id (or link) when it is short and filesystem-safe, else
/// `feed-` and a stable hash of it; url = its `alternate` link; title; published (or updated) as
/// RFC 3339; outlet = the feed's title; body = the content, else the summary (HTML unless the
/// feed says `text/plain`).
pub struct FeedSource {
    name: String,
    entries: std::vec::IntoIter<Result<RawArticle>>,
}

impl FeedSource {
    /// Parses a whole feed document named `name`.
    ///
    /// # Errors
    /// [`Error::Feed`] when `feed-rs` cannot read it as a feed.
    pub fn parse(name: &str, bytes: &[u8]) -> Result<Self> {
        // feed-rs falls back to a random UUID for entries with no id, link or title; an empty id
        // instead lets `entry_id` derive a stable one from the content.
        let parser = feed_rs::parser::Builder::new()
            .id_generator(|_, _, _| String::new())
            .build();
        let feed = parser.parse(bytes).map_err(|e| Error::Feed {
            input: name.to_owned(),
            reason: reason(e),
        })?;
        let outlet = feed
            .title
            .as_ref()
            .map(|t| t.content.trim().to_owned())
            .filter(|t| !t.is_empty());
        let entries: Vec<_> = feed
            .entries
            .into_iter()
            .enumerate()
            .map(|(i, entry)| convert(format!("{name}#{}", i + 1), entry, outlet.clone()))
            .collect();
        tracing::debug!(input = %name, entries = entries.len(), "Parsed a feed.");
        Ok(Self {
            name: name.to_owned(),
            entries: entries.into_iter(),
        })
    }
}

fn body_of(text: &Text) -> Option<RawBody> {
    if text.content.trim().is_empty() {
        return None;
    }
    Some(if text.content_type.to_string().starts_with("text/plain") {
        RawBody::Text(text.content.clone())
    } else {
        RawBody::Html(text.content.clone().into_bytes())
    })
}

fn convert(input: String, entry: Entry, outlet: Option<String>) -> Result<RawArticle> {
    let url = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(entry.links.first())
        .map(|l| l.href.clone());
    let content = entry.content.as_ref().and_then(|c| {
        let body = c.body.as_deref()?;
        body_of(&Text {
            content_type: c.content_type.clone(),
            src: None,
            content: body.to_owned(),
        })
    });
    let Some(body) = content.or_else(|| entry.summary.as_ref().and_then(body_of)) else {
        return Err(Error::MissingBody {
            input,
            expected: "an entry content or summary",
        });
    };
    let title = entry
        .title
        .as_ref()
        .map(|t| t.content.trim().to_owned())
        .filter(|t| !t.is_empty());
    let key = if !entry.id.trim().is_empty() {
        entry.id.clone()
    } else if let Some(url) = &url {
        url.clone()
    } else {
        let bytes = match &body {
            RawBody::Text(t) => t.as_bytes(),
            RawBody::Html(b) => b,
        };
        format!(
            "{}\n{}",
            title.as_deref().unwrap_or(""),
            String::from_utf8_lossy(bytes)
        )
    };
    Ok(RawArticle {
        id: ArticleId(safe_id("feed", &key)),
        source: input,
        body,
        url,
        outlet,
        title,
        published: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
        fetched_at: None,
    })
}

impl Source for FeedSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_article(&mut self) -> Option<Result<RawArticle>> {
        self.entries.next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{collect, write};
    use proptest::prelude::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Kelmouth Courier</title>
  <link>https://kelmouth-courier.example/</link>
  <description>News</description>
  <item>
    <title>Ferry runs aground</title>
    <link>https://kelmouth-courier.example/news/ferry</link>
    <guid>https://kelmouth-courier.example/news/ferry</guid>
    <pubDate>Tue, 17 Nov 2026 08:15:00 GMT</pubDate>
    <description>Short summary.</description>
    <content:encoded><![CDATA[<p>A ferry ran aground on <b>Monday</b>.</p>]]></content:encoded>
  </item>
  <item>
    <title>Crossings resume</title>
    <guid isPermaLink="false">item-2</guid>
    <description>&lt;p&gt;Crossings resume on Friday.&lt;/p&gt;</description>
  </item>
  <item>
    <title>No body at all</title>
    <guid isPermaLink="false">item-3</guid>
  </item>
</channel>
</rss>"#;

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Northshore Observer</title>
  <id>urn:example:observer</id>
  <updated>2026-11-17T12:30:00Z</updated>
  <entry>
    <title>Fifteen hurt</title>
    <id>tag:northshore-observer.example,2026:ferry-15</id>
    <link rel="alternate" href="https://northshore-observer.example/ferry"/>
    <published>2026-11-17T12:30:00Z</published>
    <updated>2026-11-17T13:00:00Z</updated>
    <content type="text">Fifteen people were taken to hospital.</content>
  </entry>
</feed>"#;

    #[test]
    fn rss_items_become_articles_with_metadata() {
        let source = FeedSource::parse("c.rss", RSS.as_bytes()).unwrap();
        let got: Vec<_> = source.entries.collect();
        assert_eq!(got.len(), 3);
        let a = got[0].as_ref().unwrap();
        assert!(a.id.as_str().starts_with("feed-"), "{}", a.id.as_str());
        assert_eq!(a.source, "c.rss#1");
        assert_eq!(
            a.url.as_deref(),
            Some("https://kelmouth-courier.example/news/ferry")
        );
        assert_eq!(a.outlet.as_deref(), Some("Kelmouth Courier"));
        assert_eq!(a.title.as_deref(), Some("Ferry runs aground"));
        assert_eq!(a.published.as_deref(), Some("2026-11-17T08:15:00+00:00"));
        assert_eq!(
            a.body,
            RawBody::Html(b"<p>A ferry ran aground on <b>Monday</b>.</p>".to_vec())
        );
        let b = got[1].as_ref().unwrap();
        assert_eq!(b.id.as_str(), "item-2");
        assert_eq!(
            b.body,
            RawBody::Html(b"<p>Crossings resume on Friday.</p>".to_vec())
        );
        assert_eq!(
            got[2].as_ref().unwrap_err().to_string(),
            "c.rss#3: no body: expected an entry content or summary"
        );
    }

    #[test]
    fn atom_entries_keep_plain_text_and_hash_long_ids() {
        let source = FeedSource::parse("o.atom", ATOM.as_bytes()).unwrap();
        let got: Vec<_> = source.entries.collect();
        let a = got[0].as_ref().unwrap();
        assert_eq!(
            a.id.0,
            safe_id("feed", "tag:northshore-observer.example,2026:ferry-15")
        );
        assert_eq!(
            a.body,
            RawBody::Text("Fifteen people were taken to hospital.".into())
        );
        assert_eq!(a.published.as_deref(), Some("2026-11-17T12:30:00+00:00"));
        assert_eq!(
            a.url.as_deref(),
            Some("https://northshore-observer.example/ferry")
        );
    }

    #[test]
    fn feed_ids_are_the_same_on_every_parse() {
        let no_ids = RSS.replace("<guid isPermaLink=\"false\">item-2</guid>", "");
        let first: Vec<String> = FeedSource::parse("f", no_ids.as_bytes())
            .unwrap()
            .entries
            .filter_map(|r| r.ok())
            .map(|a| a.id.0)
            .collect();
        let second: Vec<String> = FeedSource::parse("f", no_ids.as_bytes())
            .unwrap()
            .entries
            .filter_map(|r| r.ok())
            .map(|a| a.id.0)
            .collect();
        assert_eq!(first, second);
        assert_eq!(first.len(), 2);
    }

    #[test]
    fn feed_files_are_read_by_extension_or_sniffed() {
        let dir = tempfile::tempdir().unwrap();
        let rss = write(dir.path(), "courier.xml", RSS.as_bytes());
        let atom = write(dir.path(), "observer", ATOM.as_bytes());
        let got = collect(&[rss, atom]);
        assert_eq!(got.len(), 4);
        assert_eq!(
            got[3].as_ref().unwrap().outlet.as_deref(),
            Some("Northshore Observer")
        );
    }

    #[test]
    fn a_broken_feed_is_one_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "broken.rss",
            b"<rss><channel><item><title>x</ti",
        );
        let got = collect(std::slice::from_ref(&path));
        assert_eq!(got.len(), 1);
        let e = got[0].as_ref().unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{}: not a valid feed: ", path.display())),
            "{e}"
        );
        assert!(!e.contains('\n'));
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            if let Ok(source) = FeedSource::parse("f", &bytes) {
                let _ = source.entries.count();
            }
        }

        #[test]
        fn never_panics_on_mangled_feeds(cut in 0usize..RSS.len(), byte in any::<u8>(), at in 0usize..RSS.len()) {
            let mut bytes = RSS.as_bytes()[..cut].to_vec();
            if at < bytes.len() {
                bytes[at] = byte;
            }
            if let Ok(source) = FeedSource::parse("f", &bytes) {
                let _ = source.entries.count();
            }
        }
    }
}
