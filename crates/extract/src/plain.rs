//! Plain text: lines are paragraphs. Finds the headline, drops boilerplate and duplicated lines,
//! and turns sign-offs into the byline.
use crate::lines::{
    byline_of, classify, dedup_key, is_credit, is_headline_like, is_lead_headline, LineKind,
};
use std::collections::BTreeSet;

/// The cleaned text of a plain-text article.
#[derive(Debug, Default)]
pub(crate) struct Cleaned {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub paragraphs: Vec<String>,
    pub boilerplate: Vec<String>,
}

/// Lines before the first body line that may hold the masthead and the headline.
const HEAD_LINES: usize = 4;

/// A body line: long, or a full sentence.
fn is_body_line(line: &str) -> bool {
    line.split_whitespace().count() > 22 || line.trim_end().ends_with(['.', '!', '?', '”', '"'])
}

/// Cleans `text`. `given_title` (from the caller) replaces the headline search, and a first
/// line repeating it is dropped.
pub(crate) fn clean(text: &str, given_title: Option<&str>) -> Cleaned {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
        .filter(|l| !l.is_empty())
        .collect();
    let kinds: Vec<LineKind> = lines.iter().map(|l| classify(l)).collect();
    let mut drop = vec![false; lines.len()];
    let mut out = Cleaned::default();

    // A short caption line right above an image credit belongs to the picture.
    for i in 1..lines.len() {
        // A long credit line carries its own caption.
        if is_credit(lines[i])
            && lines[i].split_whitespace().count() <= 12
            && kinds[i - 1] == LineKind::Text
            && lines[i - 1].split_whitespace().count() <= 8
            && !is_body_line(lines[i - 1])
        {
            drop[i - 1] = true;
        }
    }

    let mut title_key = None;
    match given_title {
        Some(title) => {
            title_key = Some(dedup_key(title));
            out.title = Some(title.trim().to_string());
        }
        None => {
            if let Some((at, masthead)) = find_headline(&lines, &kinds, &drop) {
                out.title = Some(lines[at].trim().to_string());
                title_key = Some(dedup_key(lines[at]));
                drop[at] = true;
                for m in masthead {
                    drop[m] = true;
                }
            }
        }
    }

    let mut seen = BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        let key = dedup_key(line);
        let repeated_title = title_key.as_ref().is_some_and(|t| *t == key);
        let duplicate = !key.is_empty() && seen.contains(&key);
        if kinds[i] == LineKind::Byline {
            if out.byline.is_none() {
                out.byline = byline_of(line);
            }
            out.boilerplate.push((*line).to_string());
            continue;
        }
        if drop[i] || kinds[i] == LineKind::Boilerplate || repeated_title || duplicate {
            if !(drop[i] && out.title.as_deref() == Some(line.trim()) && given_title.is_none()) {
                out.boilerplate.push((*line).to_string());
            }
            continue;
        }
        seen.insert(key);
        out.paragraphs.push((*line).to_string());
    }
    out
}

/// The headline among the first lines, and the masthead lines above it. A headline line that
/// recurs later in the text (pages repeat their headline in link labels) is preferred; a very
/// short first line above a longer headline is the outlet's name.
///
/// The first text line is the title candidate in its own right: a line of up to 30 words with no
/// closing full stop, followed by a body, is a headline even when it runs to two clauses
/// (`X to visit Y next week. The two met in Z last year`), unless the next line continues its
/// sentence (starts in lower case: a hard-wrapped paragraph).
fn find_headline(lines: &[&str], kinds: &[LineKind], drop: &[bool]) -> Option<(usize, Vec<usize>)> {
    let text_lines: Vec<usize> = (0..lines.len())
        .filter(|&i| kinds[i] == LineKind::Text && !drop[i])
        .collect();
    let &first_line = text_lines.first()?;
    let next_continues = text_lines
        .get(1)
        .and_then(|&j| lines[j].chars().next())
        .is_some_and(char::is_lowercase);
    let has_body = text_lines[1..].iter().any(|&j| is_body_line(lines[j]));
    let lead = is_lead_headline(lines[first_line]) && has_body && !next_continues;
    let mut head = Vec::new();
    for &i in &text_lines {
        let line = lines[i];
        if (is_body_line(line) && !(lead && i == first_line)) || head.len() == HEAD_LINES {
            break;
        }
        head.push(i);
    }
    let candidates: Vec<usize> = head
        .iter()
        .copied()
        .filter(|&i| is_headline_like(lines[i]) || (lead && i == first_line))
        .collect();
    let recurring = candidates.iter().copied().find(|&i| {
        let key = dedup_key(lines[i]);
        !key.is_empty() && lines.iter().filter(|l| dedup_key(l) == key).count() > 1
    });
    let chosen = match recurring {
        Some(i) => i,
        None => {
            let &first = candidates.first()?;
            if first != first_line {
                return None;
            }
            match candidates.get(1) {
                Some(&next)
                    if lines[first].split_whitespace().count() <= 3
                        && lines[next].split_whitespace().count() > 3 =>
                {
                    next
                }
                _ => first,
            }
        }
    };
    let masthead = head.iter().copied().filter(|&i| i < chosen).collect();
    Some((chosen, masthead))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_short_line_is_the_title_and_not_a_paragraph() {
        let c = clean(
            "Harbour bridge to close for repairs\n\nThe city will close the bridge on Monday.\n\nWork will take a month, officials said.\n",
            None,
        );
        assert_eq!(
            c.title.as_deref(),
            Some("Harbour bridge to close for repairs")
        );
        assert_eq!(c.paragraphs.len(), 2);
        assert!(c.boilerplate.is_empty());
    }

    #[test]
    fn sentence_first_line_is_not_a_title() {
        let c = clean(
            "The city will close the bridge on Monday.\nWork will take a month.",
            None,
        );
        assert_eq!(c.title, None);
        assert_eq!(c.paragraphs.len(), 2);
    }

    #[test]
    fn masthead_and_repeated_headline_are_dropped() {
        let text = "Daily Gazette\n\nBridge closes for repairs\n\nBridge closes for repairs\n\
                    The city closed the bridge on Monday, officials said.\n\
                    »Bridge closes for repairs«\n";
        let c = clean(text, None);
        assert_eq!(c.title.as_deref(), Some("Bridge closes for repairs"));
        assert_eq!(
            c.paragraphs,
            ["The city closed the bridge on Monday, officials said."]
        );
        assert!(c.boilerplate.contains(&"Daily Gazette".to_string()));
    }

    #[test]
    fn caption_above_credit_and_stamps_are_boilerplate() {
        let text = "Last Updated:\n\nBridge closes\n\nThe city closed the bridge on Monday.\n\n\
                    Bridge at dusk\n\nImage: Jane Roe\n\nRepairs will take a month.\n\nFirst Published:";
        let c = clean(text, None);
        assert_eq!(c.title.as_deref(), Some("Bridge closes"));
        assert_eq!(
            c.paragraphs,
            [
                "The city closed the bridge on Monday.",
                "Repairs will take a month."
            ]
        );
        assert_eq!(c.boilerplate.len(), 4);
    }

    #[test]
    fn sign_off_becomes_byline_and_verbatim_repeats_go() {
        let text =
            "The council voted on Tuesday.\nThe vote was close.\nThe council voted on Tuesday.\n\
                    READ FULL ARTICLE:\nBy: Sam Hill – Reporter";
        let c = clean(text, None);
        assert_eq!(c.byline.as_deref(), Some("Sam Hill – Reporter"));
        assert_eq!(
            c.paragraphs,
            ["The council voted on Tuesday.", "The vote was close."]
        );
        assert_eq!(c.boilerplate.len(), 3);
    }

    #[test]
    fn given_title_repeated_as_first_line_is_dropped() {
        let c = clean(
            "Bridge closes\nThe city closed the bridge.",
            Some("Bridge closes"),
        );
        assert_eq!(c.title.as_deref(), Some("Bridge closes"));
        assert_eq!(c.paragraphs, ["The city closed the bridge."]);
    }

    #[test]
    fn comment_form_and_see_also_inserts_go() {
        let text = "Talks resume\nNegotiators met again on Friday.\nSee also  Unrelated story about rates\n\
                    They will meet again next week.\nLeave a Reply\n\
                    Your email address will not be published. Required fields are marked *";
        let c = clean(text, None);
        assert_eq!(
            c.paragraphs,
            [
                "Negotiators met again on Friday.",
                "They will meet again next week."
            ]
        );
    }

    #[test]
    fn whole_page_boilerplate_goes_and_reporting_stays() {
        // A made-up page text with every kind of insert a reader skips.
        let text = "\
Harbour Weekly Roundup
Last Updated:
Ferry strike ends after two weeks
Ferry strike ends after two weeks
You are reading the lite version (AMP) of this page. For the full page...
»Open Full Version«
Ferry crews returned to work on Thursday after the union accepted a revised pay offer, ending a two-week strike.
- Crews will get a 6% rise this year and 4% next year
Harbour crossing at dawn
Photo: Lena Ortiz/AP
The dispute had cut the island off from the mainland for most of the month, the port authority said.
See also  Council approves new budget for the coming year
“We are glad to be back,” said a deckhand who asked not to be named.
↯↯↯Read More On This Topic On Harbour Weekly ↯↯↯
Union leaders will put the deal to a final vote next week.
First Published:
Leave a Reply
Your email address will not be published. Required fields are marked *
»Weekly Roundup«|»Contact Us«|»About Us«
Exit mobile version
By: Tom Reyes – Staff Writer
";
        let c = clean(text, None);
        assert_eq!(
            c.title.as_deref(),
            Some("Ferry strike ends after two weeks")
        );
        assert_eq!(c.byline.as_deref(), Some("Tom Reyes – Staff Writer"));
        assert_eq!(
            c.paragraphs,
            [
                "Ferry crews returned to work on Thursday after the union accepted a revised pay offer, ending a two-week strike.",
                "- Crews will get a 6% rise this year and 4% next year",
                "The dispute had cut the island off from the mainland for most of the month, the port authority said.",
                "“We are glad to be back,” said a deckhand who asked not to be named.",
                "Union leaders will put the deal to a final vote next week.",
            ]
        );
        for line in [
            "Harbour Weekly Roundup",
            "Harbour crossing at dawn",
            "Exit mobile version",
        ] {
            assert!(
                c.boilerplate.iter().any(|b| b == line),
                "{line} not removed"
            );
        }
    }

    #[test]
    fn two_clause_first_line_is_the_title() {
        let text = "Mayor to open new bridge next week. The two towns fought over it for years\n\
                    - The bridge cost 40 million crowns\n\
                    The mayor will open the bridge on Tuesday, the council said.\n\
                    Work began in 2021.";
        let c = clean(text, None);
        assert_eq!(
            c.title.as_deref(),
            Some("Mayor to open new bridge next week. The two towns fought over it for years")
        );
        assert_eq!(
            c.paragraphs,
            [
                "- The bridge cost 40 million crowns",
                "The mayor will open the bridge on Tuesday, the council said.",
                "Work began in 2021."
            ]
        );
    }

    #[test]
    fn hard_wrapped_first_line_or_lone_line_is_not_a_title() {
        // The next line continues the sentence: a wrapped paragraph, not a headline.
        let wrapped = clean(
            "The mayor opened the bridge. The two towns had fought over it\n\
             for years, the council said.\nWork began in 2021.",
            None,
        );
        assert_eq!(wrapped.title, None);
        assert_eq!(wrapped.paragraphs.len(), 3);
        // No body follows: nothing to be the headline of.
        let alone = clean(
            "Mayor opens bridge. Towns rejoice\n- Cost: 40 million",
            None,
        );
        assert_eq!(alone.title, None);
    }

    #[test]
    fn digest_page_keeps_only_reporting() {
        let text = "\
Home > Towns > Riverside
Riverside Times | Your town, every morning
Listen to this article (3 min)
Image: The bridge at dawn, seen from the east bank of the river. Photo: Town archive / P. Lund
The old mill bridge reopened on Saturday after a year of repairs, the council said.
Traffic will be limited to 20 km/h until the spring.
Tags: bridges, council, repairs
Comment *
Name *
Email *
Website
Post Comment
Got a story? Email desk@riverside-times.example
(Reporting by Ola Berg in Riverside; Editing by Kim Dahl)
";
        let c = clean(text, None);
        assert_eq!(c.title, None);
        assert_eq!(c.byline.as_deref(), Some("Ola Berg"));
        assert_eq!(
            c.paragraphs,
            [
                "The old mill bridge reopened on Saturday after a year of repairs, the council said.",
                "Traffic will be limited to 20 km/h until the spring.",
            ]
        );
        assert_eq!(c.boilerplate.len(), 12);
    }
}
