//! Identifier newtypes.
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_string())
            }
        }
        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

string_id!(
    /// An article's id: the caller's id, else the file stem.
    ArticleId
);
string_id!(
    /// A story's stable id. Derived from the id of the article that started the story, so the
    /// same input in the same order always gives the same ids.
    StoryId
);

/// A 128-bit xxh3 hash of an article's normalised clean text, as 32 hex digits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct ContentHash(pub String);

impl ContentHash {
    /// Hashes text after whitespace and Unicode (NFC) normalisation, so re-wrapped copies of the
    /// same text hash alike.
    pub fn of_text(text: &str) -> Self {
        let normalized = crate::text::normalize_whitespace(text);
        let hash = xxhash_rust::xxh3::xxh3_128(normalized.as_bytes());
        Self(format!("{hash:032x}"))
    }

    /// The hash as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl StoryId {
    /// The story id for a story first seen with `article`: `s-` and 12 hex digits of its hash.
    pub fn for_first_article(article: &ArticleId) -> Self {
        let hash = xxhash_rust::xxh3::xxh3_64(article.0.as_bytes());
        Self(format!("s-{hash:012x}").chars().take(14).collect())
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_ignores_rewrapping() {
        assert_eq!(
            ContentHash::of_text("a  b\nc"),
            ContentHash::of_text("a b c")
        );
        assert_ne!(ContentHash::of_text("a b c"), ContentHash::of_text("a b d"));
    }

    #[test]
    fn story_id_is_stable() {
        let a = StoryId::for_first_article(&ArticleId::from("x"));
        assert_eq!(a, StoryId::for_first_article(&ArticleId::from("x")));
        assert!(a.as_str().starts_with("s-"));
        assert_eq!(a.as_str().len(), 14);
    }
}
