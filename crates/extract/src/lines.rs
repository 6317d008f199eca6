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
    "advert",
    "advertentie",
    "advertisement",
    "advertisement - scroll to continue",
    "all rights reserved",
    "also read",
    "annons",
    "anzeige",
    "article continues below",
    "back to gallery",
    "back to top",
    "by",
    "cancel reply",
    "click here",
    "close",
    "comment",
    "comments",
    "contact us",
    "continue reading",
    "continue reading below",
    "cookie policy",
    "copy link",
    "don't miss",
    "don’t miss",
    "email",
    "exit mobile version",
    "facebook",
    "filed under",
    "first published",
    "home",
    "iklan",
    "image",
    "last updated",
    "leave a comment",
    "leave a reply",
    "link copied",
    "linkedin",
    "listen",
    "listen now",
    "listen to this article",
    "listen to this story",
    "loading",
    "log in",
    "login",
    "mainos",
    "menu",
    "more on this",
    "more on this story",
    "most popular",
    "most read",
    "name",
    "newsletter",
    "next article",
    "next post",
    "next story",
    "photo",
    "photo gallery",
    "pinterest",
    "play video",
    "post a comment",
    "post comment",
    "previous article",
    "previous post",
    "previous story",
    "print",
    "print this article",
    "privacy policy",
    "pubblicità",
    "publicidad",
    "publicidade",
    "publicité",
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
    "reklama",
    "related",
    "related articles",
    "related content",
    "related news",
    "related posts",
    "related stories",
    "related tags",
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
    "sponsored links",
    "story continues below",
    "submit",
    "submit comment",
    "subscribe",
    "subscribe now",
    "tags",
    "tell us what you think",
    "terms of service",
    "terms of use",
    "this slideshow requires javascript",
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
    "website",
    "whatsapp",
    "you may also like",
    "you might also like",
    "реклама",
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
    "sign up:",
    "related post:",
    "related article:",
    "related story:",
    "see more:",
    "like this story",
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
    "save my name",
    "for the next time i comment",
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
    "foto:",
    "fotos:",
    "фото:",
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
    if words == 0 || words > 30 {
        return false;
    }
    // A caption with its credit (`Image: The quay at dusk. Photo: J. Roe`) runs longer than
    // a bare credit; a line that quotes or attributes is reporting.
    let credit_words = if is_attributed(&lower) { 0 } else { 30 };
    // A caption that ends in its credit (`A cyclist rides past the plant. © Reuters / D.
    // Mercado`); copyright lines that open with `©` are caught as prefixes.
    let copyright_tail = lower
        .rsplit_once('©')
        .is_some_and(|(_, tail)| (1..=6).contains(&word_count(tail)));
    CREDIT_PREFIXES
        .iter()
        .any(|p| lower.starts_with(p) && (words <= 12 || words <= credit_words))
        || (copyright_tail && words <= credit_words.max(12))
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
        || is_masthead_row(&parts)
}

/// An outlet's name and tagline, or a headline and its section, as cells of one row
/// (`Harbour Weekly | News from the coast`): short cells, none a sentence.
fn is_masthead_row(parts: &[&str]) -> bool {
    // `By Agency | Published ...` is a byline row.
    parts.len() >= 2
        && byline_of(parts[0]).is_none()
        && parts.iter().map(|p| word_count(p)).sum::<usize>() <= 14
        && parts
            .iter()
            .all(|p| word_count(p) <= 8 && !p.ends_with(['.', '!', '?', '"', '”', '’', '\'']))
        && !is_attributed(&parts.join(" ").to_lowercase())
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
///
/// A wire credit in brackets gives its reporter (`(Reporting by Ann Lee in Oslo; Editing by
/// ...)` -> `Ann Lee`); a trailing `| Published ...` cell or `; Editing by ...` part is cut.
pub(crate) fn byline_of(line: &str) -> Option<String> {
    let mut t = line.trim();
    if let Some(inner) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        t = inner.trim();
    }
    let lower = t.to_lowercase();
    let rest = ["by:", "by ", "written by ", "reporting by ", "words by "]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| t[p.len()..].trim()))?;
    let mut rest = rest.split(['|', ';']).next().unwrap_or_default().trim();
    // "Ann Lee in Oslo": the dateline place is not part of the name.
    if let Some((name, place)) = rest.split_once(" in ") {
        if place.chars().next().is_some_and(char::is_uppercase) && word_count(place) <= 3 {
            rest = name.trim();
        }
    }
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
    if words <= 30 && FORM_NOTICES.iter().any(|p| lower.contains(p)) {
        return LineKind::Boilerplate;
    }
    let stripped = lower.trim_start_matches(|c: char| is_decoration(c));
    if words <= 20 && PREFIXES.iter().any(|p| stripped.starts_with(p)) {
        return LineKind::Boilerplate;
    }
    if words <= 40 && LABELS.iter().any(|p| stripped.starts_with(p)) {
        return LineKind::Boilerplate;
    }
    if words <= 25 && PROMOTIONS.iter().any(|p| lower.contains(p)) {
        return LineKind::Boilerplate;
    }
    if is_credit(line)
        || is_shortcode(line)
        || is_time_stamp(line)
        || is_update_row(&lower)
        || is_update_stamp(line)
        || is_follow_prompt(&lower)
        || is_newsletter_prompt(&lower)
        || is_tagged_link(line)
        || is_audio_or_reading_prompt(&norm)
        || is_form_field(line)
        || is_breadcrumb(line)
        || is_contact_line(line)
        || (plain && (is_navigation_row(line) || is_link_label(line)))
    {
        return LineKind::Boilerplate;
    }
    if byline_of(line).is_some() {
        return LineKind::Byline;
    }
    if is_wire_credit(line) {
        return LineKind::Boilerplate;
    }
    LineKind::Text
}

/// Calls to click through to a promotion (`Get the paper delivered ... Click here for more
/// information.`), matched anywhere in a line of up to 25 words.
const PROMOTIONS: &[&str] = &[
    "click here for more",
    "clicking here",
    "protected by recaptcha",
];

/// Social networks that "Follow us on ..." lines name.
const NETWORKS: &[&str] = &[
    "facebook",
    "twitter",
    "instagram",
    "youtube",
    "linkedin",
    "tiktok",
    "snapchat",
    "pinterest",
];

/// A line that asks the reader to follow the outlet on social networks (`Follow the Opinion
/// section on Facebook, Twitter and Instagram.`): opens with `Follow` and names two networks.
fn is_follow_prompt(lower: &str) -> bool {
    word_count(lower) <= 20
        && lower.starts_with("follow ")
        && NETWORKS.iter().filter(|n| lower.contains(*n)).count() >= 2
}

/// A newsletter sign-up pitch (`Let our news meet your inbox. The stories that matter,
/// delivered weekday mornings.`): a short line that mentions the reader's inbox and a sign-up,
/// a newsletter or a delivery, and neither quotes nor attributes. Takes the lower-cased line.
fn is_newsletter_prompt(lower: &str) -> bool {
    word_count(lower) <= 30
        && lower.contains("inbox")
        && [
            "newsletter",
            "sign up",
            "subscribe",
            "delivered",
            "straight to your",
        ]
        .iter()
        .any(|w| lower.contains(w))
        && !is_attributed(lower)
}

/// An update stamp: `Updated at 1:23 p.m.`, `Published 19 Nov 2019 10:05` -- the word, then
/// only a date or time.
fn is_update_stamp(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    ["last updated", "updated", "published", "posted"]
        .iter()
        .find_map(|w| lower.strip_prefix(w))
        .map(|rest| {
            rest.trim_start_matches(':')
                .trim_start()
                .trim_start_matches("at ")
                .trim_start_matches("on ")
                .to_string()
        })
        .is_some_and(|rest| is_time_stamp(&rest))
}

/// An unrendered CMS shortcode (`[button link="..."]Send us your review[/button]`): the page
/// shows a widget there, not text.
fn is_shortcode(line: &str) -> bool {
    let t = line.trim();
    let Some(rest) = t.strip_prefix('[') else {
        return false;
    };
    let name_len = rest
        .find(|c: char| !(c.is_ascii_lowercase() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    name_len > 0 && rest[name_len..].starts_with([' ', ']']) && t.contains("[/")
}

/// A line that is only a date and/or time (`20 Nov, 2019 05:47`, `19 NOV 2019`): a page's
/// time stamp, not a sentence. It needs a month name or a clock time, and one date at most
/// (`1 May 2018 | 20 June 2019` is a date range, which exhibition and event pages report).
fn is_time_stamp(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.is_empty() || words.len() > 8 {
        return false;
    }
    let bare = |w: &str| w.trim_matches([',', '.']).to_lowercase();
    let is_clock = |w: &str| {
        let w = bare(w);
        w.contains(':')
            && w.split(':')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    let is_number = |w: &str| {
        let w = bare(w);
        !w.is_empty()
            && w.split(['/', '-', '.'])
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    let is_month = |w: &str| crate::html::MONTHS.contains(&bare(w).as_str());
    let filler = |w: &str| {
        matches!(
            bare(w).as_str(),
            "am" | "pm" | "a.m" | "p.m" | "at" | "utc" | "gmt" | "-" | "–"
        )
    };
    let all_date = words
        .iter()
        .all(|w| is_clock(w) || is_number(w) || is_month(w) || filler(w));
    let years = words
        .iter()
        .filter(|w| {
            let w = bare(w);
            w.len() == 4 && w.starts_with(['1', '2']) && w.chars().all(|c| c.is_ascii_digit())
        })
        .count();
    all_date
        && words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()))
        && words.iter().any(|w| is_month(w) || is_clock(w))
        && years <= 1
}

/// A dateline row with an update stamp (`New Delhi, Bureau | Updated: 19 November 2019, 09:01
/// AM`): cells joined by `|`, one of them `Updated:`/`Published:`/`Posted:` with a year or a
/// clock time. Takes the lower-cased line.
fn is_update_row(lower: &str) -> bool {
    if word_count(lower) > 16 || !lower.contains('|') {
        return false;
    }
    let stamped = [
        "updated:",
        "updated on",
        "published:",
        "published on",
        "posted:",
        "posted on",
    ]
    .iter()
    .any(|p| lower.contains(p));
    let has_year_or_time = lower
        .split(|c: char| !c.is_ascii_digit() && c != ':')
        .any(|w| {
            (w.len() == 4 && w.starts_with(['1', '2']) && w.chars().all(|c| c.is_ascii_digit()))
                || (w.contains(':') && w.chars().any(|c| c.is_ascii_digit()))
        });
    stamped && has_year_or_time
}

/// A link to another story tagged with a capitalised kind in brackets (`China furious at
/// Macron [INSIGHT]`, `Plane lands safely [ VIDEO ]|`): inserted teasers, not text.
fn is_tagged_link(line: &str) -> bool {
    let t = line.trim().trim_end_matches('|').trim_end();
    if word_count(t) > 16 {
        return false;
    }
    let Some(inner) = t.strip_suffix(']').and_then(|x| x.rsplit_once('[')) else {
        return false;
    };
    let (head, label) = (inner.0.trim(), inner.1.trim());
    // A kind is a word (`VIDEO`, `NEWS`), not an agency's initials (`[AP]`), and a teaser
    // neither quotes nor attributes.
    !head.is_empty()
        && !is_attributed(&head.to_lowercase())
        && label.chars().filter(|c| c.is_alphabetic()).count() >= 4
        && label.chars().all(|c| c.is_uppercase() || c == ' ')
}

/// Comment-form notices, matched anywhere in a line of up to 30 words.
const FORM_NOTICES: &[&str] = &[
    "your email address will not be published",
    "required fields are marked",
    "save my name",
    "for the next time i comment",
    "notify me of follow-up comments",
    "notify me of new posts",
];

/// Label openings of tag, topic and category lists (`Tags: a, b, c`), up to 40 words.
const LABELS: &[&str] = &[
    "tags:",
    "tag:",
    "tagged:",
    "tagged with",
    "topics:",
    "topic:",
    "categories:",
    "category:",
    "keywords:",
    "filed under:",
    "filed in:",
    "more about:",
    "related topics:",
];

/// Whether a line reads as a sentence of reporting: it quotes or attributes.
fn is_attributed(lower: &str) -> bool {
    lower.contains(['"', '“', '”', '‘'])
        || [" said", " says", " told", " according to"]
            .iter()
            .any(|w| lower.contains(w))
}

/// Audio and reading-time prompts: `Listen to this article (4 min)`, `Listen · 5:32`,
/// `4 min read`, `Reading time: 3 minutes`. Takes the [`normalize`]d line.
fn is_audio_or_reading_prompt(norm: &str) -> bool {
    let words = word_count(norm);
    if words == 0 || words > 8 || is_attributed(norm) {
        return false;
    }
    let has_duration = norm
        .split(|c: char| !c.is_alphanumeric() && c != ':')
        .any(|w| {
            let w = w.trim_matches(':');
            !w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || c == ':') && w.contains(':')
        })
        || ["min", "mins", "minute", "minutes"]
            .iter()
            .any(|m| norm.split(|c: char| !c.is_alphanumeric()).any(|w| w == *m));
    let listen = norm.starts_with("listen")
        && (words == 1
            || has_duration
            || ["article", "story", "audio", "podcast", "version"]
                .iter()
                .any(|w| norm.contains(w)));
    let reading = norm.contains("min read")
        || norm.contains("minute read")
        || norm.contains("mins read")
        || norm.starts_with("reading time")
        || [
            "tempo de leitura",
            "tiempo de lectura",
            "temps de lecture",
            "lesezeit",
            "tempo di lettura",
        ]
        .iter()
        .any(|p| norm.starts_with(p))
        || norm.starts_with("estimated reading time")
        || norm.starts_with("time to read");
    listen || reading
}

/// A comment-form field label: one to three capitalised words of letters marked required by a
/// single separate star (`Name *`, `Comment *`); masked names (`Jo**`) and code are not labels.
fn is_form_field(line: &str) -> bool {
    let Some(label) = line.trim().strip_suffix(" *") else {
        return false;
    };
    let label = label.trim_end();
    (1..=3).contains(&word_count(label))
        && label.chars().next().is_some_and(char::is_uppercase)
        && label
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'')
}

/// A breadcrumb trail: short capitalised segments joined by `>`, `›`, `»`, `→` (two or more
/// segments), or by ` / ` (three or more), such as `Home > News > Region`.
fn is_breadcrumb(line: &str) -> bool {
    let t = line.trim();
    if word_count(t) > 12 {
        return false;
    }
    let segments_ok = |parts: &[&str]| {
        parts.iter().all(|p| {
            let w = word_count(p);
            (1..=4).contains(&w)
                && !p.ends_with(['.', '!', '?', ',', ';', ':', '"', '”'])
                && p.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
    };
    for sep in ['>', '›', '»', '→'] {
        let parts: Vec<&str> = t.split(sep).map(str::trim).collect();
        // Every separator sits between two segments (not `»Label«` decoration).
        if parts.len() >= 2 && parts.iter().all(|p| !p.is_empty()) && segments_ok(&parts) {
            return true;
        }
    }
    let parts: Vec<&str> = t.split(" / ").map(str::trim).collect();
    parts.len() >= 3 && parts.iter().all(|p| !p.is_empty()) && segments_ok(&parts)
}

/// Whether a word is an e-mail address (`desk@paper.example`).
fn is_email_address(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric());
    match w.split_once('@') {
        Some((user, host)) => {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.contains('@')
        }
        None => false,
    }
}

/// An outlet's contact or tip-off line: a sentence that opens with a contact imperative
/// (`Email desk@...`, `Contact us at ...`, `Got a story?`) in a short line that neither quotes
/// nor attributes.
fn is_contact_line(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    let words = word_count(&lower);
    if words == 0 || words > 40 || is_attributed(&lower) {
        return false;
    }
    let has_address = lower.split_whitespace().any(is_email_address);
    const ASKS: &[&str] = &[
        "got a story",
        "have a story",
        "got a tip",
        "have a tip",
        "got a news tip",
        "have a news tip",
    ];
    const OPENINGS: &[&str] = &[
        "email ",
        "e-mail ",
        "mail ",
        "contact ",
        "write to ",
        "send ",
        "tips:",
        "tip us",
        "reach ",
    ];
    let sentences = lower
        .split_inclusive(['.', '?', '!'])
        .map(|s| s.trim_start_matches(|c: char| !c.is_alphanumeric()));
    let mut asks = false;
    let mut opens_with_contact = false;
    for s in sentences {
        asks |= ASKS.iter().any(|a| s.starts_with(a));
        opens_with_contact |= OPENINGS.iter().any(|o| s.starts_with(o));
    }
    (has_address && (asks || opens_with_contact)) || (asks && words <= 12)
}

/// A wire service's staff credit (`(Reporting by ...; Editing by ...)`, `Writing by ...`).
/// `... contributed to this story` / `... contributed reporting` lines count too.
fn is_wire_credit(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    let inner = lower
        .trim_start_matches(['(', '['])
        .trim_end_matches([')', ']', '.'])
        .trim();
    // Wire stories list several writers (`Associated Press writers A, B, C and D contributed
    // to this report`); `... contributed reporting from Oslo` names a place.
    let contributed = word_count(inner) <= 40
        && [
            "contributed to this story",
            "contributed to this report",
            "contributed to this article",
            "contributed reporting",
            "contributed to this reporting",
        ]
        .iter()
        .any(|p| inner.ends_with(p))
        || word_count(inner) <= 15 && inner.contains(" contributed reporting");
    // A wire staff credit names an editor too, and may list many reporters.
    let limit = if inner.contains("editing by") { 60 } else { 30 };
    contributed
        || word_count(inner) <= limit
            && [
                "reporting by",
                "additional reporting by",
                "writing by",
                "editing by",
                "compiled by",
                "with reporting by",
            ]
            .iter()
            .any(|p| inner.starts_with(p))
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

/// Whether the first line of a plain text can be its headline: up to 30 words, no closing full
/// stop or quote. Unlike [`is_headline_like`], two clauses (`... next week. The two ...`) are
/// allowed: tabloid headlines run that way, and the first line is where a headline stands.
pub(crate) fn is_lead_headline(line: &str) -> bool {
    let t = line.trim();
    let words = word_count(t);
    (1..=30).contains(&words)
        && t.chars().count() <= 250
        && !t.ends_with(['.', ',', ';', ':', '…', '"', '”', '!', '?'])
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
    fn navigation_prompts_contact_tags_and_credits_are_boilerplate() {
        for line in [
            // Breadcrumbs.
            "Home > World > Europe",
            "Start › Sport › Rowing & Sailing",
            "Home / Business / Markets",
            // Audio and reading-time prompts.
            "Listen to this article (7 min)",
            "Listen · 3:05",
            "Listen",
            "5 min read",
            "Reading time: 2 minutes",
            // Contact and tip-off lines.
            "Email tips@riverside-times.example",
            "The Riverside Times is an independent paper. Have a story? Email desk@rt.example",
            "Contact the author at j.doe@paper.example.",
            "Got a news tip? Call us on 0100 200 300",
            // Tag, topic and category lists.
            "Tags: bridges, council, repairs",
            "Topics: Transport | Local government",
            "Filed under: City news, Roads",
            // Comment-form fields and notices.
            "Name *",
            "Comment *",
            "Website",
            "Post Comment",
            "Your Email *",
            "Save my name, email, and website in this browser for the next time I comment.",
            // Credits.
            "Image: The old mill bridge seen from the river bank at dusk. Photo: Town archive / P. Lund",
            "(Writing by Ola Berg; Editing by Kim Dahl)",
            "Additional reporting by Sam Fox",
            "Jane Roe contributed to this report.",
            // A masthead row: outlet and tagline.
            "Riverside Times | Your town, every morning",
        ] {
            assert_eq!(classify(line), LineKind::Boilerplate, "{line}");
        }
    }

    #[test]
    fn reporting_with_the_same_words_stays_text() {
        for line in [
            "Police asked anyone with information to email tips@police.example, a spokesman said.",
            "Listen to the residents, the mayor said, and the bridge would never have closed.",
            "Tags on the crates showed they had come from the port, inspectors said.",
            "Shares rose 5% > the index's 2% gain, traders said.",
            "Contact was lost with the boat at about 9 p.m., the coastguard said.",
            "Name the day and we will be there, she told the council.",
            "Image rights were at the heart of the dispute, the court heard.",
            "The two sides met for 40 minutes on Friday.",
            "– Jo** Ma***",
            "player.setav health *",
            "Route B: Oslo, Bergen/Trondheim*",
        ] {
            assert_eq!(classify(line), LineKind::Text, "{line}");
        }
    }

    #[test]
    fn promotions_stamps_shortcodes_and_teasers_are_boilerplate() {
        for line in [
            "Let our news meet your inbox. The stories that matter, delivered weekday mornings.",
            "Sign up for our newsletter and get the top stories in your inbox.",
        ] {
            assert_eq!(classify(line), LineKind::Boilerplate, "{line}");
        }
        for line in [
            "Her inbox filled with threats after the vote, she said.",
            "Staff found the inbox full when they returned on Monday.",
        ] {
            assert_eq!(classify_html(line), LineKind::Text, "{line}");
        }
        for line in [
            "Advert",
            "This slideshow requires JavaScript.",
            "Tell us what YOU think...",
            "DON'T MISS",
            "Related Tags:",
            "Like this story? Share it with a friend!",
            "SEE MORE: Harbour bridge closes for repairs",
            "Get the Valley Weekly delivered to your door every week. Click here for more information.",
            "GET THE GAZETTE APP BY CLICKING HERE",
            "[button link=\"https://paper.example/send\" type=\"big\"]Send us your photos[/button]",
            "20 Nov, 2019 05:47",
            "19 NOV 2019",
            "March 3, 2024 at 10:15 am",
            "Riverside, Gazette Bureau | Updated: 19 November 2019, 09:01 AM",
            "Council approves new ferry timetable [ VIDEO]|",
            "Storm closes coast road [INSIGHT]",
            "A cyclist passes the closed depot on the edge of town. © Agency / Jo Park",
        ] {
            assert_eq!(classify_html(line), LineKind::Boilerplate, "{line}");
        }
        for line in [
            // A date range is what an exhibition or event page reports.
            "29 November 2018 | 20 January 2019",
            "In 2019 the council met on 3 May and again in June.",
            "The rule [of 1990] still applies, the court said [AP]",
            "[1] Source: council minutes",
            "The photo, © the city archive, was shown at the hearing on Friday, officials said.",
            "We will be clicking through the report, the mayor said.",
        ] {
            assert_eq!(classify_html(line), LineKind::Text, "{line}");
        }
    }

    #[test]
    fn wire_credits_and_pipe_cells_give_the_reporter() {
        assert_eq!(
            byline_of("(Reporting by Ola Berg in Tromsø; Editing by Kim Dahl)").as_deref(),
            Some("Ola Berg")
        );
        assert_eq!(
            byline_of("By Harbour News Service | Published 3 May 2026").as_deref(),
            Some("Harbour News Service")
        );
        assert_eq!(
            classify("(Reporting by Ola Berg; Editing by Kim Dahl)"),
            LineKind::Byline
        );
        assert_eq!(
            classify("By Harbour News Service | Published 3 May 2026"),
            LineKind::Byline
        );
    }

    #[test]
    fn the_first_line_may_run_to_two_clauses() {
        assert!(is_lead_headline(
            "Mayor to open new bridge next week. The two towns fought over it for years"
        ));
        assert!(!is_lead_headline(
            "Mayor opens new bridge. The towns rejoice."
        ));
        assert!(!is_lead_headline(
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen \
             fifteen sixteen seventeen eighteen nineteen twenty twenty-one twenty-two \
             twenty-three twenty-four twenty-five twenty-six twenty-seven twenty-eight \
             twenty-nine thirty thirty-one"
        ));
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
