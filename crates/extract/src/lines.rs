//! Line-level boilerplate rules: what a reader skips without thinking (share and subscribe
//! prompts, "Read more" and "See also" inserts, comment forms, update stamps, image credits,
//! navigation rows, AMP notices) and duplicated lines. Used for plain text, where lines are
//! paragraphs, and on the paragraphs the HTML extractor returns.

/// Why a line is not article text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// Article text.
    Text,
    /// Boilerplate.
    Boilerplate,
    /// A sign-off or a "By ..." line: the byline, not text.
    Byline,
}

/// Characters that decorate link labels and navigation (`»See more«`, `[Share]`, `↯ ... ↯`).
fn is_decoration(c: char) -> bool {
    matches!(
        c,
        '»' | '«'
            | '›'
            | '‹'
            | '['
            | ']'
            | '('
            | ')'
            | '|'
            | '•'
            | '·'
            | '*'
            | '>'
            | '<'
            | '↯'
            | '→'
            | '←'
            | '↓'
            | '↑'
            | '▶'
            | '►'
            | '■'
            | '#'
            | '='
            | '_'
            | '~'
    ) || c.is_whitespace()
        || ('\u{2190}'..='\u{21ff}').contains(&c)
        || ('\u{25a0}'..='\u{25ff}').contains(&c)
}

/// Lower-cased, decoration and trailing punctuation stripped, whitespace collapsed.
pub(crate) fn normalize(line: &str) -> String {
    let trimmed = line.trim_matches(|c: char| {
        is_decoration(c) || matches!(c, ':' | '.' | '!' | '-' | '–' | '—' | ',' | ';' | '…')
    });
    let mut out = String::with_capacity(trimmed.len());
    for word in trimmed.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Key for duplicate detection: letters and digits only, lower-cased.
pub(crate) fn dedup_key(line: &str) -> String {
    line.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn word_count(line: &str) -> usize {
    line.split_whitespace().count()
}

/// Whole lines that are boilerplate wherever they appear (compared after [`normalize`]).
const EXACT: &[&str] = &[
    "about us",
    "ad",
    "add comment",
    "advertisement",
    "advertisement - scroll to continue",
    "all rights reserved",
    "also read",
    "article continues below",
    "back to top",
    "cancel reply",
    "click here",
    "close",
    "comments",
    "contact us",
    "continue reading",
    "continue reading below",
    "cookie policy",
    "copy link",
    "email",
    "exit mobile version",
    "facebook",
    "filed under",
    "first published",
    "home",
    "image",
    "last updated",
    "leave a comment",
    "leave a reply",
    "link copied",
    "linkedin",
    "listen",
    "listen to this article",
    "loading",
    "log in",
    "login",
    "menu",
    "more on this",
    "more on this story",
    "most popular",
    "most read",
    "newsletter",
    "next article",
    "next story",
    "photo",
    "pinterest",
    "play video",
    "post a comment",
    "previous article",
    "previous story",
    "print",
    "privacy policy",
    "published",
    "read full article",
    "read full story",
    "read more",
    "read original article",
    "read standard version",
    "read the full article",
    "read the full story",
    "recommended",
    "recommended for you",
    "reddit",
    "reference",
    "references",
    "register",
    "related",
    "related articles",
    "related content",
    "related news",
    "related posts",
    "related stories",
    "reply",
    "see also",
    "share",
    "share on facebook",
    "share on twitter",
    "share this",
    "share this article",
    "share this post",
    "share this story",
    "share via",
    "show comments",
    "sign in",
    "sign up",
    "skip advertisement",
    "source",
    "sources",
    "sponsored",
    "sponsored content",
    "story continues below",
    "subscribe",
    "subscribe now",
    "tags",
    "terms of service",
    "terms of use",
    "top",
    "topics",
    "trending",
    "trending now",
    "tweet",
    "twitter",
    "updated",
    "video",
    "view comments",
    "view non-amp version",
    "watch",
    "watch video",
    "whatsapp",
    "you may also like",
    "you might also like",
];

/// Line openings that mark a short line as boilerplate.
const PREFIXES: &[&str] = &[
    "see also",
    "read more",
    "read also",
    "also read",
    "read next",
    "read:",
    "related:",
    "more:",
    "recommended:",
    "watch:",
    "listen:",
    "last updated",
    "first published",
    "updated on",
    "updated:",
    "published on",
    "published:",
    "posted on",
    "follow us",
    "follow our",
    "subscribe to",
    "sign up for",
    "sign up to",
    "click here",
    "download our app",
    "download the app",
    "join our",
    "get our",
    "get the latest",
    "share this",
    "share on",
    "copyright",
    "©",
    "(c)",
    "all rights reserved",
];

/// Phrases that mark a line as comment-form or notice boilerplate wherever they occur.
const CONTAINS: &[&str] = &[
    "your email address will not be published",
    "required fields are marked",
    "save my name, email",
    "notify me of follow-up comments",
    "notify me of new posts",
    "you must be logged in to post a comment",
    "this site uses akismet",
    "all rights reserved",
    "(amp)",
    "amp version",
    "non-amp",
    "accelerated mobile page",
    "we use cookies",
    "this website uses cookies",
    "by continuing to use this site",
    "javascript is disabled",
    "enable javascript",
    "your browser does not support",
    "this material may not be published, broadcast, rewritten",
];

/// Openings of image credits (`Image: AP`, `Photo credit: Reuters`, `Getty Images`).
const CREDIT_PREFIXES: &[&str] = &[
    "image:",
    "images:",
    "image credit",
    "image source",
    "photo:",
    "photos:",
    "photo credit",
    "photograph:",
    "picture:",
    "pic:",
    "credit:",
    "credits:",
    "illustration:",
    "file photo",
    "(photo",
    "(image",
    "(credit",
];

/// Whether a line is an image credit.
pub(crate) fn is_credit(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    let words = word_count(&lower);
    if words == 0 || words > 12 {
        return false;
    }
    CREDIT_PREFIXES.iter().any(|p| lower.starts_with(p))
        || (words <= 6
            && (lower.ends_with("getty images")
                || lower.ends_with("/ap")
                || lower.ends_with("/ reuters")
                || lower.ends_with("/reuters")
                || lower.ends_with("/afp")))
}

/// A row of navigation links: several short items separated by `|`.
fn is_navigation_row(line: &str) -> bool {
    let parts: Vec<&str> = line
        .split('|')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() >= 2 && line.matches('|').count() >= 2 && parts.iter().all(|p| word_count(p) <= 4)
        || (parts.len() >= 2 && parts.iter().all(|p| is_link_label(p)))
}

/// A link label: a short text wrapped whole in `»…«`, `[…]`, `>>…<<` and the like.
fn is_link_label(line: &str) -> bool {
    let t = line.trim();
    let first = t.chars().next();
    let last = t.chars().next_back();
    let opens = matches!(
        first,
        Some('»' | '«' | '[' | '›' | '↯' | '>' | '→' | '▶' | '►')
    );
    let closes = matches!(last, Some('«' | '»' | ']' | '‹' | '↯' | '<' | '←'));
    opens && closes && word_count(t) <= 14
}

/// Whether the line reads as a sign-off or a standalone byline; returns the name part.
pub(crate) fn byline_of(line: &str) -> Option<String> {
    let t = line.trim();
    let lower = t.to_lowercase();
    let rest = ["by:", "by ", "written by ", "reporting by ", "words by "]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| t[p.len()..].trim()))?;
    let words = word_count(rest);
    if words == 0 || words > 12 || rest.ends_with('.') && words > 6 {
        return None;
    }
    // A name starts with a capital letter ("By Ann Lee"), not "by the time ...".
    let first = rest.chars().next()?;
    if !first.is_uppercase() {
        return None;
    }
    Some(
        rest.trim_matches(|c: char| c == ',' || c.is_whitespace())
            .to_string(),
    )
}

/// Classifies one line of plain text by itself.
pub(crate) fn classify(line: &str) -> LineKind {
    classify_with(line, true)
}

/// Classifies one paragraph of extracted HTML. Rows of `|`-separated cells and bracketed labels
/// are table rows and citations there (the main-text extractor renders tables that way), not
/// navigation: on AEB, treating them as navigation removed gold text on 5 pages.
pub(crate) fn classify_html(line: &str) -> LineKind {
    classify_with(line, false)
}

fn classify_with(line: &str, plain: bool) -> LineKind {
    let norm = normalize(line);
    if norm.is_empty() {
        return LineKind::Boilerplate;
    }
    let words = word_count(&norm);
    if EXACT.binary_search(&norm.as_str()).is_ok() && words <= 6 {
        return LineKind::Boilerplate;
    }
    let lower = line.trim().to_lowercase();
    if words <= 14 && CONTAINS.iter().any(|p| lower.contains(p)) {
        return LineKind::Boilerplate;
    }
    if words <= 30
        && (lower.contains("your email address will not be published")
            || lower.contains("required fields are marked"))
    {
        return LineKind::Boilerplate;
    }
    let stripped = lower.trim_start_matches(|c: char| is_decoration(c));
    if words <= 20 && PREFIXES.iter().any(|p| stripped.starts_with(p)) {
        return LineKind::Boilerplate;
    }
    if is_credit(line) || (plain && (is_navigation_row(line) || is_link_label(line))) {
        return LineKind::Boilerplate;
    }
    if byline_of(line).is_some() {
        return LineKind::Byline;
    }
    LineKind::Text
}

/// Whether a line reads as a headline: short, not a sentence ending in a full stop, one clause.
pub(crate) fn is_headline_like(line: &str) -> bool {
    let t = line.trim();
    let words = word_count(t);
    if words == 0 || words > 22 || t.chars().count() > 200 {
        return false;
    }
    if t.ends_with(['.', ',', ';', ':', '…']) {
        return false;
    }
    // Two sentences ("... next week. The two ...") are a standfirst, not a headline.
    let bytes: Vec<char> = t.chars().collect();
    !bytes
        .windows(3)
        .any(|w| matches!(w[0], '.' | '!' | '?') && w[1] == ' ' && w[2].is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_list_is_sorted_for_binary_search() {
        let mut sorted = EXACT.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, EXACT);
    }

    #[test]
    fn reader_skips_prompts_and_notices() {
        for line in [
            "Share this article",
            "READ MORE:",
            "See also  Markets rally after the central bank holds rates",
            "Leave a Reply",
            "Your email address will not be published. Required fields are marked *",
            "Last Updated:",
            "First Published: 12 May",
            "Photo: Jane Roe/AP",
            "Image: Reuters",
            "»Home«|»Sports«|»Weather«",
            "Exit mobile version",
            "You are viewing the lite version (AMP) of this page",
            "»Read the standard page«",
            "REFERENCE:",
            "Subscribe to our newsletter for daily updates",
        ] {
            assert_eq!(classify(line), LineKind::Boilerplate, "{line}");
        }
    }

    #[test]
    fn reporting_lines_are_text() {
        for line in [
            "The minister said the talks would resume on Monday.",
            "Share prices fell 3% after the announcement, traders said.",
            "- The harbour works will also add a cycle lane",
            "“Fragile” truce",
            "Read the statement in full, the spokesman told reporters on Friday.",
        ] {
            assert_eq!(classify(line), LineKind::Text, "{line}");
        }
    }

    #[test]
    fn sign_offs_are_bylines() {
        assert_eq!(
            byline_of("By: Jo Park – Staff Writer").as_deref(),
            Some("Jo Park – Staff Writer")
        );
        assert_eq!(byline_of("By Ann Lee").as_deref(), Some("Ann Lee"));
        assert_eq!(byline_of("by the end of the week, prices rose."), None);
    }

    #[test]
    fn headlines_are_short_single_clauses() {
        assert!(is_headline_like("Ministers agree to extend the grain deal"));
        assert!(!is_headline_like(
            "Ministers agreed on Friday to extend the deal."
        ));
        assert!(!is_headline_like(
            "Ministers met today. The deal was extended"
        ));
    }
}
