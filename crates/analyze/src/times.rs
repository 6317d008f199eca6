//! Time expressions: found on tokens, read into a meaning ([`Sem`]), then resolved to TIMEX3
//! values against a reference date (the publication date) and the tense around them.
use crate::tokens::{cmp_words, listed, Token, TokenKind};
use chrono::{Datelike, Duration, NaiveDate};
use storyfold_model::Grain;

/// A calendar unit, shortest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    /// Seconds.
    Second,
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Weekends.
    Weekend,
    /// Months.
    Month,
    /// Quarters.
    Quarter,
    /// Years.
    Year,
    /// Decades.
    Decade,
    /// Centuries.
    Century,
}

impl Unit {
    fn duration_code(self) -> (&'static str, &'static str) {
        match self {
            Unit::Second => ("PT", "S"),
            Unit::Minute => ("PT", "M"),
            Unit::Hour => ("PT", "H"),
            Unit::Day => ("P", "D"),
            Unit::Week => ("P", "W"),
            Unit::Weekend => ("P", "WE"),
            Unit::Month => ("P", "M"),
            Unit::Quarter => ("P", "Q"),
            Unit::Year => ("P", "Y"),
            Unit::Decade => ("P", "DE"),
            Unit::Century => ("P", "CE"),
        }
    }
}

/// Past, future or unknown: which way a relative expression points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Before the reference date.
    Past,
    /// After the reference date.
    Future,
    /// The text does not say.
    Unknown,
}

/// The meaning of a time expression before it is resolved against a reference date.
#[derive(Clone, Debug, PartialEq)]
pub enum Sem {
    /// A calendar date, possibly partial: `March 20, 2023`, `March 20`, `2019`, `December`.
    Date {
        /// Year, when written.
        year: Option<i32>,
        /// Month 1..=12.
        month: Option<u32>,
        /// Day of month.
        day: Option<u32>,
    },
    /// A decade (`the 1990s`): the first three digits of its years.
    Decade(i32),
    /// A weekday (0 = Monday) and an explicit shift (`next Friday` = 1, `last Friday` = -1).
    Weekday(u32, i32),
    /// A day relative to the reference (`yesterday` = -1).
    RelDay(i64),
    /// A unit relative to the reference (`last month` = Month, -1).
    RelUnit(Unit, i64),
    /// A point `amount` units before (negative) or after the reference (`two years ago`).
    Offset(Unit, i64),
    /// A quarter of a year (1..=4), year when written or `rel` quarters from the reference.
    Quarter {
        /// Year, when written.
        year: Option<i32>,
        /// Quarter 1..=4, or 0 for "the quarter" (the last one reported).
        quarter: u32,
    },
    /// The last quarter that ended before the reference, `n` years before that (`the quarter`,
    /// `the year-ago quarter`).
    LastQuarter(i64),
    /// A half year (1 or 2).
    Half {
        /// Year, when written.
        year: Option<i32>,
        /// 1 or 2.
        half: u32,
    },
    /// A season (`SP`, `SU`, `FA`, `WI`), with a year or a shift in years.
    Season {
        /// `SP`, `SU`, `FA`, `WI`.
        code: &'static str,
        /// Year, when written.
        year: Option<i32>,
        /// `last` = -1, `next` = 1, `this` = 0, none = None.
        shift: Option<i64>,
    },
    /// A month with a shift in years: `February last year`.
    MonthShift(u32, i64),
    /// A month's nearest occurrence before (`last April` = -1), after (`next April` = 1) or in
    /// (`this April` = 0) the reference year.
    NearMonth(u32, i64),
    /// A duration: amount (None = unspecified `X`) of a unit.
    Duration(Option<u32>, Unit),
    /// A set (`daily`, `every week`): once per unit.
    Set(Unit),
    /// `PRESENT_REF`, `PAST_REF`, `FUTURE_REF`.
    Reference(&'static str),
    /// A range: start and end.
    Range(Box<Sem>, Box<Sem>),
    /// A date written with its weekday ("Monday, Oct. 26"): the weekday picks the year.
    DatedWeekday(u32, Box<Sem>),
    /// A point with a time of day: `Friday morning` (`MO`), `3 p.m.` (`15:00`).
    WithTime(Box<Sem>, String),
    /// A set of one weekday (0 = Monday): `each Thursday` (`XXXX-WXX-4`).
    EveryWeekday(u32),
    /// A set of one month: `each July` (`XXXX-07`).
    EveryMonth(u32),
    /// A century by its ordinal: `the 20th century` (`19`).
    Century(u32),
    /// `the weekend`: the latest one in a past reading, the coming one in a future reading.
    TheWeekend,
    /// A whole number of units and a half: `2 1/2 years` (`P2Y6M`).
    AndAHalf(u32, Unit),
    /// A holiday: a fixed day of a month, or the `day`-th `weekday` (0 = Monday) of it
    /// (Thanksgiving), with a shift like [`Sem::NearMonth`] (`last Christmas` = -1).
    Holiday {
        /// Month 1..=12.
        month: u32,
        /// Day of the month, or which of its weekdays (1 = the first).
        day: u32,
        /// The weekday counted, when the holiday is one.
        weekday: Option<u32>,
        /// `last` = -1, `next` = 1, none or `this` = 0 (read in the tense).
        shift: i64,
    },
    /// A day or year named by reference to an earlier expression of the text (`that day`,
    /// `later that year`, `the following year`): `shift` units after it. [`Tagger::find`]
    /// replaces it with what it refers to, or drops it when the text names nothing before it.
    Anaphor {
        /// `Day` or `Year`.
        unit: Unit,
        /// `the following year` = 1, `that year` = 0.
        shift: i64,
    },
    /// The day of an earlier expression (`that day`): its value when it names a day, else the
    /// day left unknown within it (`2022-10-XX`).
    DayOf(Box<Sem>),
    /// The day `n` days after the day of an earlier expression (`the next day` = 1, `the
    /// previous day` = -1), made from [`Sem::Anaphor`] in [`Tagger::find`].
    DaysAfter(Box<Sem>, i64),
}

/// A time expression found in the text, with its token range and meaning.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub end: usize,
    /// What it means.
    pub sem: Sem,
    /// Token ranges of a range's two ends (for TimeML-style output).
    pub parts: Option<[(usize, usize); 2]>,
    /// Which way the surrounding verb points.
    pub direction: Direction,
    /// An explicit year written earlier in the same sentence, for partial dates.
    pub context_year: Option<i32>,
}

const MONTHS: &[(&str, u32)] = &[
    ("apr", 4),
    ("april", 4),
    ("aug", 8),
    ("august", 8),
    ("dec", 12),
    ("december", 12),
    ("feb", 2),
    ("february", 2),
    ("jan", 1),
    ("january", 1),
    ("jul", 7),
    ("july", 7),
    ("jun", 6),
    ("june", 6),
    ("mar", 3),
    ("march", 3),
    ("may", 5),
    ("nov", 11),
    ("november", 11),
    ("oct", 10),
    ("october", 10),
    ("sep", 9),
    ("sept", 9),
    ("september", 9),
];

const WEEKDAYS: &[(&str, u32)] = &[
    ("friday", 4),
    ("monday", 0),
    ("saturday", 5),
    ("sunday", 6),
    ("thursday", 3),
    ("tuesday", 1),
    ("wednesday", 2),
];

const NUMBERS: &[(&str, u32)] = &[
    ("a", 1),
    ("an", 1),
    ("eight", 8),
    ("eighteen", 18),
    ("eighty", 80),
    ("eleven", 11),
    ("fifteen", 15),
    ("fifty", 50),
    ("five", 5),
    ("forty", 40),
    ("four", 4),
    ("fourteen", 14),
    ("hundred", 100),
    ("nine", 9),
    ("nineteen", 19),
    ("ninety", 90),
    ("one", 1),
    ("seven", 7),
    ("seventeen", 17),
    ("seventy", 70),
    ("six", 6),
    ("sixteen", 16),
    ("sixty", 60),
    ("ten", 10),
    ("thirteen", 13),
    ("thirty", 30),
    ("three", 3),
    ("twelve", 12),
    ("twenty", 20),
    ("two", 2),
];

fn lookup(table: &[(&str, u32)], word: &str) -> Option<u32> {
    table
        .binary_search_by(|(k, _)| cmp_words(k, word))
        .ok()
        .map(|i| table[i].1)
}

fn unit_of(word: &str) -> Option<Unit> {
    Some(match word {
        "second" | "seconds" => Unit::Second,
        "minute" | "minutes" => Unit::Minute,
        "hour" | "hours" => Unit::Hour,
        "day" | "days" => Unit::Day,
        "week" | "weeks" => Unit::Week,
        "weekend" | "weekends" => Unit::Weekend,
        "month" | "months" => Unit::Month,
        "quarter" | "quarters" => Unit::Quarter,
        "year" | "years" => Unit::Year,
        "decade" | "decades" => Unit::Decade,
        "century" | "centuries" => Unit::Century,
        _ => return None,
    })
}

fn is_plural_unit(word: &str) -> bool {
    word.ends_with('s') || word == "centuries"
}

fn season_of(word: &str) -> Option<&'static str> {
    Some(match word {
        "spring" => "SP",
        "summer" => "SU",
        "fall" | "autumn" => "FA",
        "winter" => "WI",
        _ => return None,
    })
}

fn ordinal_of(word: &str) -> Option<u32> {
    Some(match word {
        "first" | "1st" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        _ => return None,
    })
}

/// Words that mark a future reading of the clause.
const FUTURE_WORDS: &[&str] = &[
    "'ll",
    "coming",
    "due",
    "expected",
    "expects",
    "going",
    "intends",
    "next",
    "plan",
    "planning",
    "plans",
    "scheduled",
    "shall",
    "slated",
    "upcoming",
    "will",
    "won't",
    "would",
];

/// Present forms of verbs that news uses for scheduled events: "the trial opens Monday", "they
/// meet Tuesday" point to the coming day. A `match` rather than a table: it runs for every word
/// whose tense is asked (a binary search there cost +1.4% instructions per article, callgrind).
fn schedule_present(word: &str) -> bool {
    matches!(
        word,
        "arrive"
            | "arrives"
            | "begin"
            | "begins"
            | "convene"
            | "convenes"
            | "depart"
            | "departs"
            | "meet"
            | "meets"
            | "open"
            | "opens"
            | "resume"
            | "resumes"
            | "start"
            | "starts"
            | "visit"
            | "visits"
    )
}

/// Irregular past-tense verbs common in news.
const PAST_WORDS: &[&str] = &[
    "ago", "ate", "became", "began", "bought", "brought", "came", "chose", "did", "drew", "drove",
    "fell", "felt", "flew", "fought", "found", "gave", "got", "grew", "had", "heard", "held",
    "hit", "kept", "knew", "last", "led", "left", "lost", "made", "meant", "met", "paid", "put",
    "ran", "rose", "said", "sank", "saw", "sent", "shot", "sold", "spent", "spoke", "stood",
    "struck", "thought", "told", "took", "was", "went", "were", "won", "wrote",
];

/// Verbs of intention that make a following "to" point forward ("hope to", "plans to").
const INTENT_WORDS: &[&str] = &[
    "aim",
    "aimed",
    "aiming",
    "aims",
    "expect",
    "expected",
    "expects",
    "hope",
    "hoped",
    "hopes",
    "hoping",
    "intend",
    "intended",
    "intends",
    "plan",
    "planned",
    "planning",
    "plans",
    "promise",
    "promised",
    "promises",
    "scheduled",
    "seek",
    "seeks",
    "want",
    "wanted",
    "wants",
];

/// Words after which an -ed form is an adjective ("a chartered ship").
const DETERMINERS: &[&str] = &[
    "a", "an", "her", "his", "its", "our", "the", "their", "this", "those", "your",
];

/// Words ending in -ed that are not past tenses.
const NOT_PAST: &[&str] = &[
    "bed", "bred", "embed", "feed", "hundred", "indeed", "need", "proceed", "red", "seed", "shed",
    "speed", "united", "wed",
];

/// The tokens a tagger reads: words lower-cased, with sentence numbers.
pub struct Tagger<'a> {
    text: &'a str,
    tokens: &'a [Token],
    /// The tense each token marks, filled on first use: every expression scans the words around
    /// it, and neighbouring expressions scan the same words (a tenth of the time before, perf).
    tenses: Vec<std::cell::OnceCell<Option<Direction>>>,
}

impl<'a> Tagger<'a> {
    /// A tagger over `tokens` of `text`.
    pub fn new(text: &'a str, tokens: &'a [Token]) -> Self {
        Self {
            text,
            tokens,
            tenses: vec![std::cell::OnceCell::new(); tokens.len()],
        }
    }

    fn word(&self, i: usize) -> &str {
        self.tokens.get(i).map(|t| t.lower.as_str()).unwrap_or("")
    }

    fn cap(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| t.cap)
    }

    fn same_sentence(&self, a: usize, b: usize) -> bool {
        match (self.tokens.get(a), self.tokens.get(b)) {
            (Some(x), Some(y)) => x.sentence == y.sentence,
            _ => false,
        }
    }

    /// Token `i` directly follows token `i - 1` (no space between them).
    fn glued(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| !t.space_before)
    }

    /// Finds every time expression, in text order.
    pub fn find(&self) -> Vec<Found> {
        let mut out: Vec<Found> = Vec::new();
        let mut i = 0;
        while i < self.tokens.len() {
            if let Some((end, sem, parts)) = self.at(i) {
                out.push(Found {
                    first: i,
                    end,
                    sem,
                    parts,
                    direction: Direction::Unknown,
                    context_year: None,
                });
                i = end.max(i + 1);
            } else {
                i += 1;
            }
        }
        for k in 0..out.len() {
            let (first, end) = (out[k].first, out[k].end);
            // Results compare a quarter with the same quarter a year before: in a sentence that
            // (or follows one that) names a quarter, "a year ago" / "a year earlier" is that
            // quarter.
            if matches!(out[k].sem, Sem::Offset(Unit::Year, -1))
                && self.sentence_mentions(first, "quarter")
            {
                out[k].sem = Sem::LastQuarter(1);
            }

            let this_past = self.word(first) == "this" && self.word(first + 1) == "past";
            out[k].direction = match first.checked_sub(1).map(|p| self.word(p)) {
                _ if this_past => Direction::Past,
                Some("last" | "past" | "ago") => Direction::Past,
                Some("next" | "coming") => Direction::Future,
                // "as soon as Tuesday" is the earliest of what lies ahead.
                Some("as") if first >= 2 && self.word(first - 2) == "soon" => Direction::Future,
                // "warnings issued until the weekend": a span from now to the coming one.
                Some("until" | "till") if out[k].sem == Sem::TheWeekend => Direction::Future,
                _ => self.direction(first, end),
            };
            let sentence = self.tokens[first].sentence;
            // A year carries over to a later date without one only nearby in the same clause
            // ("on March 3, 2021 and again on May 5"), not across a sentence's clauses.
            out[k].context_year = out[..k]
                .iter()
                .rev()
                .take_while(|f| {
                    self.tokens[f.first].sentence == sentence
                        && first - f.end <= CONTEXT_YEAR_TOKENS
                })
                .find_map(|f| explicit_year(&f.sem));
        }
        // "that day", "later that year", "the following year" refer to the day or year the
        // text named last (TimeML anchors them there, not at the publication date); with
        // nothing named before them they are not tagged.
        let mut k = 0;
        while k < out.len() {
            let Sem::Anaphor { unit, shift } = out[k].sem else {
                k += 1;
                continue;
            };
            let anchor = out[..k].iter().rev().find_map(|f| match unit {
                Unit::Day if shift == 0 && names_a_day(&f.sem) => Some((
                    Sem::DayOf(Box::new(f.sem.clone())),
                    f.direction,
                    f.context_year,
                )),
                // "the next day" counts from a day the text named, not from a month.
                Unit::Day if shift != 0 && is_day_like(&f.sem) => Some((
                    Sem::DaysAfter(Box::new(f.sem.clone()), shift),
                    f.direction,
                    f.context_year,
                )),
                Unit::Day => None,
                _ => explicit_year(&f.sem)
                    .map(|y| (date(Some(y + shift as i32), None, None), f.direction, None)),
            });
            match anchor {
                Some((sem, direction, context_year)) => {
                    out[k].sem = sem;
                    out[k].direction = direction;
                    out[k].context_year = context_year;
                    k += 1;
                }
                None => {
                    out.remove(k);
                }
            }
        }
        out
    }

    /// Tries every pattern at token `i`; returns the end token, meaning and range parts.
    #[allow(clippy::type_complexity)]
    fn at(&self, i: usize) -> Option<(usize, Sem, Option<[(usize, usize); 2]>)> {
        let (end, sem) = self.single(i)?;
        // Ranges: "Monday to Wednesday", "March 20-22", "from 2019 through 2021".
        let joiner = self.word(end);
        let ranged = matches!(
            joiner,
            "to" | "through" | "until" | "-" | "\u{2013}" | "and"
        ) && (joiner != "and" || (i > 0 && self.word(i - 1) == "between"));
        if ranged && self.same_sentence(i, end + 1) {
            if let Some((end2, sem2)) = self.single(end + 1) {
                if compatible(&sem, &sem2) {
                    let parts = Some([(i, end), (end + 1, end2)]);
                    return Some((end2, Sem::Range(Box::new(sem), Box::new(sem2)), parts));
                }
            }
            // "March 20-22": a bare day after a month-day.
            if let Sem::Date {
                year,
                month: Some(month),
                day: Some(_),
            } = sem
            {
                if let Some(day2) = day_of(self.word(end + 1)) {
                    let (mut end2, mut year2) = (end + 2, year);
                    if self.word(end2) == "," && year_of(self.word(end2 + 1)).is_some() {
                        year2 = year_of(self.word(end2 + 1));
                        end2 += 2;
                    } else if let Some(y) = year_of(self.word(end2)) {
                        year2 = Some(y);
                        end2 += 1;
                    }
                    let start = match sem {
                        Sem::Date { month, day, .. } => Sem::Date {
                            year: year.or(year2),
                            month,
                            day,
                        },
                        _ => sem,
                    };
                    let stop = Sem::Date {
                        year: year2,
                        month: Some(month),
                        day: Some(day2),
                    };
                    let parts = Some([(i, end), (end + 1, end2)]);
                    return Some((end2, Sem::Range(Box::new(start), Box::new(stop)), parts));
                }
            }
        }
        Some((end, sem, None))
    }

    /// One expression (no range) starting at token `i`.
    fn single(&self, i: usize) -> Option<(usize, Sem)> {
        let w = self.word(i);
        // A word, or the apostrophe of a decade ("'70s").
        if w.is_empty() || (self.tokens[i].kind != TokenKind::Word && w != "'") {
            return None;
        }
        // "mid-afternoon (yesterday)": that part of the day, of the reference day when no day
        // follows.
        let part = match w {
            "midmorning" | "midafternoon" => Some((i + 1, &w[3..])),
            "mid" => {
                let j = if self.word(i + 1) == "-" {
                    i + 2
                } else {
                    i + 1
                };
                Some((j + 1, self.word(j)))
            }
            _ => None,
        };
        if let Some((end, code)) = part
            .and_then(|(end, p)| Some((end, part_of_day(p).filter(|c| matches!(*c, "MO" | "AF"))?)))
        {
            let day = self
                .point(end)
                .filter(|(_, sem)| is_day_like(sem) && self.same_sentence(i, end));
            let (end, day) = day.unwrap_or((end, Sem::RelDay(0)));
            return Some((end, Sem::WithTime(Box::new(day), code.to_string())));
        }
        // Bounds and approximations belong to the extent of an amount of time (TimeML `mod`
        // MORE_THAN, LESS_THAN, APPROX): "nearly two years", "at least 20 more years", "up to
        // 180 days", "almost four years ago". "about" and "over" stay outside: the dev half's
        // gold leaves them out of the extent (4 of 5 and 11 of 12), unlike these (16 of 17).
        if let Some(after) = self.bound(i) {
            if let Some((end, sem)) = self.point(after) {
                if matches!(sem, Sem::Duration(..) | Sem::AndAHalf(..) | Sem::Offset(..)) {
                    return Some((end, sem));
                }
            }
        }
        // "the late 1970s": the article belongs to the decade, as in "the 1970s" (dev half 2 of
        // 2, like 4 of 4 for "the 1980s").
        if w == "the" && matches!(self.word(i + 1), "early" | "late" | "mid") {
            if let Some((end, sem @ Sem::Decade(_))) =
                self.modifier(i + 1).and_then(|after| self.point(after))
            {
                return Some((end, sem));
            }
        }
        // Modifiers that keep the value of what they modify: "late December", "the end of 2022",
        // "early next year", "mid-March", "earlier this month".
        if let Some(after) = self.modifier(i) {
            if let Some((end, sem)) = self.point(after) {
                if !matches!(sem, Sem::Duration(..) | Sem::Set(..) | Sem::Reference(_)) {
                    // "early Friday morning" is Friday morning.
                    if is_day_like(&sem) {
                        if let Some(code) = part_of_day(self.word(end)) {
                            return Some((end + 1, Sem::WithTime(Box::new(sem), code.to_string())));
                        }
                    }
                    return Some((end, sem));
                }
            }
        }
        let (end, sem) = self.point(i)?;
        // A time of day after a day: "Friday morning", "yesterday afternoon".
        if is_day_like(&sem) {
            if let Some(code) = part_of_day(self.word(end)) {
                return Some((end + 1, Sem::WithTime(Box::new(sem), code.to_string())));
            }
        }
        Some((end, sem))
    }

    /// An ordinal from 10 to 21 in words at `i` ("nineteenth", "twenty-first"), with the
    /// token after it.
    fn spelled_ordinal(&self, i: usize) -> Option<(u32, usize)> {
        let w = self.word(i);
        if w == "twenty" && self.word(i + 1) == "-" && self.word(i + 2) == "first" {
            return Some((21, i + 3));
        }
        let n = match w {
            "tenth" => 10,
            "eleventh" => 11,
            "twelfth" => 12,
            "thirteenth" => 13,
            "fourteenth" => 14,
            "fifteenth" => 15,
            "sixteenth" => 16,
            "seventeenth" => 17,
            "eighteenth" => 18,
            "nineteenth" => 19,
            "twentieth" => 20,
            _ => return None,
        };
        Some((n, i + 1))
    }

    /// If a bound on an amount ("nearly", "more than", "at least", "no more than") starts at
    /// `i`, the token after it.
    fn bound(&self, i: usize) -> Option<usize> {
        // The second word is read only after the first matched: this runs at every token.
        let j = match self.word(i) {
            "nearly" | "almost" => i + 1,
            "more" | "less" | "fewer" if self.word(i + 1) == "than" => i + 2,
            "at" if self.word(i + 1) == "least" => i + 2,
            "up" if self.word(i + 1) == "to" => i + 2,
            "no" if matches!(self.word(i + 1), "more" | "less" | "fewer")
                && self.word(i + 2) == "than" =>
            {
                i + 3
            }
            _ => return None,
        };
        (j < self.tokens.len() && self.same_sentence(i, j)).then_some(j)
    }

    /// If a modifier starts at `i`, the token after it.
    fn modifier(&self, i: usize) -> Option<usize> {
        let w = self.word(i);
        let mut j = match w {
            "early" | "late" | "mid" => i + 1,
            // TimeML keeps "earlier this year" whole but not "earlier Friday" or "later today".
            "earlier" | "later" if matches!(self.word(i + 1), "this" | "that") => i + 1,
            "the" | "end" | "start" | "beginning" | "middle" => {
                let k = if w == "the" { i + 1 } else { i };
                if matches!(
                    self.word(k),
                    "end" | "start" | "beginning" | "middle" | "turn"
                ) && self.word(k + 1) == "of"
                {
                    k + 2
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        if self.word(j) == "-" && self.glued(j) {
            j += 1;
        }
        if j >= self.tokens.len() || !self.same_sentence(i, j) {
            return None;
        }
        Some(j)
    }

    /// A point, duration, set or reference starting at `i`.
    fn point(&self, i: usize) -> Option<(usize, Sem)> {
        let w = self.word(i);
        // Weekday, possibly with a date after it: "Friday, March 17".
        // A weekday is capitalised; a lower-case one starts no other expression either.
        if let Some(day) = lookup(WEEKDAYS, w).filter(|_| self.cap(i)) {
            let mut j = i + 1;
            if self.word(j) == "," {
                j += 1;
            }
            if let Some((end, sem @ Sem::Date { day: Some(_), .. })) = self.date(j) {
                return Some((end, Sem::DatedWeekday(day, Box::new(sem))));
            }
            // "Tuesday nights": a night of every week, like "Tuesdays".
            if let Some(code) = plural_part_of_day(self.word(i + 1)) {
                return Some((
                    i + 2,
                    Sem::WithTime(Box::new(Sem::EveryWeekday(day)), code.into()),
                ));
            }
            return Some((i + 1, Sem::Weekday(day, 0)));
        }
        // "on Mondays", "Friday nights": every such day (TimeML set `XXXX-WXX-1`).
        if let Some(day) = Some(w)
            .filter(|_| self.cap(i))
            .and_then(|w| w.strip_suffix('s'))
            .and_then(|d| lookup(WEEKDAYS, d))
        {
            let set = Sem::EveryWeekday(day);
            return Some(match plural_part_of_day(self.word(i + 1)) {
                Some(code) => (i + 2, Sem::WithTime(Box::new(set), code.into())),
                None => (i + 1, set),
            });
        }
        if let Some(found) = self.holiday(i) {
            return Some(found);
        }
        if let Some(found) = self.clock(i) {
            return Some(found);
        }
        if let Some(found) = self.date(i) {
            return Some(found);
        }
        if let Some(found) = self.relative(i) {
            return Some(found);
        }
        if let Some(found) = self.quarter(i) {
            return Some(found);
        }
        if let Some(found) = self.amount(i) {
            return Some(found);
        }
        self.word_expression(i)
    }

    /// A holiday (`Christmas`, `Christmas Eve`, `Thanksgiving Day`, `New Year's Day`), with
    /// `last`/`next`/`this` before it. Alone, a holiday's name is often a modifier ("Christmas
    /// trees"): it is a day only with `Day`/`Eve`, a shift, or a preposition of time before it.
    fn holiday(&self, i: usize) -> Option<(usize, Sem)> {
        let shift = match self.word(i) {
            "last" => Some(-1),
            "next" => Some(1),
            "this" => Some(0),
            _ => None,
        };
        let j = if shift.is_some() { i + 1 } else { i };
        if !self.cap(j) {
            return None;
        }
        let (mut end, mut month, mut day, weekday) = match self.word(j) {
            "christmas" => (j + 1, 12, 25, None),
            // The fourth Thursday of November.
            "thanksgiving" => (j + 1, 11, 4, Some(3)),
            "new" if self.word(j + 1) == "year" && self.word(j + 2) == "'s" => (j + 3, 1, 1, None),
            _ => return None,
        };
        let named = match self.word(end) {
            "day" if self.cap(end) => {
                end += 1;
                true
            }
            // The day before a fixed holiday: Christmas Eve, New Year's Eve.
            "eve" if self.cap(end) && weekday.is_none() => {
                end += 1;
                (month, day) = if month == 1 {
                    (12, 31)
                } else {
                    (month, day - 1)
                };
                true
            }
            _ => false,
        };
        let new_year = month == 1 || (month == 12 && day == 31);
        let before = if j > 0 { self.word(j - 1) } else { "" };
        let timed = matches!(
            before,
            "at" | "before"
                | "after"
                | "by"
                | "until"
                | "till"
                | "since"
                | "over"
                | "on"
                | "for"
                | "through"
        );
        if !(named || shift.is_some() || (timed && !new_year)) || !self.same_sentence(i, end - 1) {
            return None;
        }
        Some((
            end,
            Sem::Holiday {
                month,
                day,
                weekday,
                shift: shift.unwrap_or(0),
            },
        ))
    }

    /// A clock time (`9 a.m.`, `10:35 p.m. EST`, `noon`), with the day after it when there is
    /// one (`5 p.m. EST Nov. 9`, `noon Thursday`); alone it is on the reference day.
    fn clock(&self, i: usize) -> Option<(usize, Sem)> {
        let w = self.word(i);
        let (hour, minute, mut end) = match w {
            "noon" | "midday" => (12, 0, i + 1),
            "midnight" => (24, 0, i + 1),
            _ => {
                let hour: u32 = w
                    .parse()
                    .ok()
                    .filter(|h| (1..=12).contains(h) && w.len() <= 2)?;
                let mut j = i + 1;
                let mut minute = 0;
                if self.word(j) == ":" && self.glued(j) && self.glued(j + 1) {
                    let m = self.word(j + 1);
                    if m.len() != 2 {
                        return None;
                    }
                    minute = m.parse::<u32>().ok().filter(|m| *m < 60)?;
                    j += 2;
                }
                let pm = match self.word(j) {
                    "a.m." | "a.m" | "am" => false,
                    "p.m." | "p.m" | "pm" => true,
                    _ => return None,
                };
                let hour = match (hour, pm) {
                    (12, false) => 0,
                    (12, true) => 12,
                    (h, true) => h + 12,
                    (h, false) => h,
                };
                (hour, minute, j + 1)
            }
        };
        if TIME_ZONES.contains(&self.word(end)) && self.same_sentence(i, end) {
            end += 1;
        }
        let code = format!("{hour:02}:{minute:02}");
        // "10:35 a.m. (0735 GMT) Friday": the day after a short aside dates the time, and is
        // tagged on its own.
        if self.word(end) == "(" {
            if let Some(close) = (end + 1..end + 5).find(|&k| self.word(k) == ")") {
                if let Some((_, day)) = self
                    .point(close + 1)
                    .filter(|(_, sem)| is_day_like(sem) && self.same_sentence(i, close + 1))
                {
                    return Some((end, Sem::WithTime(Box::new(day), code)));
                }
            }
        }
        let mut j = end;
        if self.word(j) == "," {
            j += 1;
        }
        if self.same_sentence(i, j) && j < self.tokens.len() {
            if let Some((day_end, day)) = self.point(j).filter(|(_, sem)| is_day_like(sem)) {
                return Some((day_end, Sem::WithTime(Box::new(day), code)));
            }
        }
        if matches!(w, "noon" | "midday" | "midnight")
            && !matches!(
                self.word(i.wrapping_sub(1)),
                "at" | "by" | "until" | "after" | "before" | "past"
            )
        {
            return None;
        }
        Some((end, Sem::WithTime(Box::new(Sem::RelDay(0)), code)))
    }

    /// Month-day-year shapes, years, decades.
    fn date(&self, i: usize) -> Option<(usize, Sem)> {
        let w = self.word(i);
        // "fiscal 1989" is read as the year.
        if w == "fiscal" {
            let year = year_of(self.word(i + 1))?;
            return Some((i + 2, date(Some(year), None, None)));
        }
        if let Some((year, end)) = self.spelled_year(i) {
            return Some((end, date(Some(year), None, None)));
        }
        if let Some(month) = self.month_at(i) {
            let abbreviated = w.len() <= 4 && !matches!(w, "june" | "july" | "may");
            let mut j = i + 1;
            if abbreviated && self.word(j) == "." && self.glued(j) {
                j += 1;
            }
            // Month Day[,] [Year]
            if let Some(day) = day_of(self.word(j)) {
                if !self.same_sentence(i, j) {
                    return Some((j, date(None, Some(month), None)));
                }
                let mut end = j + 1;
                let mut year = None;
                if self.word(end) == "," && year_of(self.word(end + 1)).is_some() {
                    year = year_of(self.word(end + 1));
                    end += 2;
                } else if let Some(y) = year_of(self.word(end)) {
                    year = Some(y);
                    end += 1;
                }
                return Some((end, date(year, Some(month), Some(day))));
            }
            // Month [of|,] Year
            let k = if matches!(self.word(j), "of" | ",") {
                j + 1
            } else {
                j
            };
            if let Some(year) = year_of(self.word(k)) {
                if self.same_sentence(i, k) {
                    return Some((k + 1, date(Some(year), Some(month), None)));
                }
            }
            if let Some((year, end)) = self.spelled_year(k) {
                return Some((end, date(Some(year), Some(month), None)));
            }
            // Month last year / next year / this year.
            if matches!(self.word(j), "last" | "next" | "this") && self.word(j + 1) == "year" {
                let shift = match self.word(j) {
                    "last" => -1,
                    "next" => 1,
                    _ => 0,
                };
                return Some((j + 2, Sem::MonthShift(month, shift)));
            }
            // A bare abbreviation needs its full stop ("Feb."), a bare "May" a date-like context.
            if abbreviated && self.word(i + 1) != "." {
                return None;
            }
            if w == "may" && !self.month_context(i) {
                return None;
            }
            // "the annual March for Life", "a March on Washington": the noun, not the month.
            if matches!(self.word(i.wrapping_sub(1)), "the" | "a" | "an" | "annual")
                && matches!(self.word(j), "for" | "of" | "on" | "against" | "to")
            {
                return None;
            }
            // "the ``March of the Combatant Mothers'': a name ("March of 1998", "March of the
            // following year" are dates).
            if self.word(j) == "of" && self.word(j + 1) == "the" && self.cap(j + 2) {
                return None;
            }
            return Some((j, date(None, Some(month), None)));
        }
        // Day Month [Year]: "20 March 2023", "the 20th of March".
        let (day_at, the) = if w == "the" {
            (i + 1, true)
        } else {
            (i, false)
        };
        // "the fourteenth century", "the twenty-first century" in words.
        if let Some((n, end)) = the.then(|| self.spelled_ordinal(day_at)).flatten() {
            if self.word(end) == "century" {
                return Some((end + 1, Sem::Century(n)));
            }
        }
        if let Some(day) = day_of(self.word(day_at)) {
            // "the 20th century" (TIMEX3 `19`).
            if self.word(day_at + 1) == "century" && self.word(day_at) != day.to_string() {
                return Some((day_at + 2, Sem::Century(day)));
            }
            let mut j = day_at + 1;
            if self.word(j) == "of" {
                j += 1;
            } else if the {
                return self.decade(i);
            }
            if let Some(month) = self.month_at(j) {
                let mut end = j + 1;
                if self.word(end) == "." && self.glued(end) {
                    end += 1;
                }
                let mut year = None;
                if let Some(y) = year_of(self.word(end)) {
                    year = Some(y);
                    end += 1;
                }
                return Some((end, date(year, Some(month), Some(day))));
            }
        }
        // ISO dates: 2023-03-20.
        if let Some(year) = year_of(w) {
            if self.word(i + 1) == "-"
                && self.word(i + 3) == "-"
                && (1..=4).all(|k| self.glued(i + k))
            {
                let month: Option<u32> = self.word(i + 2).parse().ok();
                let day: Option<u32> = self.word(i + 4).parse().ok();
                if let (Some(m), Some(d)) = (month, day) {
                    if NaiveDate::from_ymd_opt(year, m, d).is_some() && self.word(i + 2).len() == 2
                    {
                        return Some((i + 5, date(Some(year), Some(m), Some(d))));
                    }
                }
            }
            if self.year_context(i) {
                return Some((i + 1, date(Some(year), None, None)));
            }
        }
        self.decade(i)
    }

    fn decade(&self, i: usize) -> Option<(usize, Sem)> {
        let j = if self.word(i) == "the" { i + 1 } else { i };
        let w = self.word(j);
        // "the nineties": a decade of the 1900s (ages are "their nineties", not "the").
        if j > i {
            let tens = match w {
                "twenties" => 2,
                "thirties" => 3,
                "forties" => 4,
                "fifties" => 5,
                "sixties" => 6,
                "seventies" => 7,
                "eighties" => 8,
                "nineties" => 9,
                _ => 0,
            };
            if tens > 0 {
                return Some((j + 1, Sem::Decade(190 + tens)));
            }
        }
        // "the '80s", "the late '90s", "the mid-80s": a decade written with two digits, of the
        // 1900s ('00s and '10s of the 2000s). Without an apostrophe only after "the" (possibly
        // with early/late/mid between): "in their 80s" is an age.
        let (k, apostrophe) = if w == "'" && self.glued(j + 1) {
            (j + 1, true)
        } else {
            (j, false)
        };
        if let Some(two) = self
            .word(k)
            .strip_suffix('s')
            .filter(|d| d.len() == 2 && d.ends_with('0') && d.bytes().all(|b| b.is_ascii_digit()))
        {
            let mut b = j;
            while b > 0 && matches!(self.word(b - 1), "-" | "early" | "late" | "mid") {
                b -= 1;
            }
            if apostrophe || (b > 0 && self.word(b - 1) == "the") {
                let tens: i32 = two[..1].parse().ok()?;
                let century = if tens <= 1 { 200 } else { 190 };
                return Some((k + 1, Sem::Decade(century + tens)));
            }
            return None;
        }
        let digits = w.strip_suffix('s')?;
        if digits.len() == 4 && digits.ends_with('0') {
            let year = year_of(digits)?;
            return Some((j + 1, Sem::Decade(year / 10)));
        }
        None
    }

    /// A year in words, as broadcast transcripts write them: "nineteen ninety-six",
    /// "the year two thousand"; returns the year and the token after it.
    fn spelled_year(&self, i: usize) -> Option<(i32, usize)> {
        match self.word(i) {
            "nineteen" => {
                let tens = lookup(NUMBERS, self.word(i + 1)).filter(|n| (10..100).contains(n))?;
                let (n, end) = if tens >= 20 && tens % 10 == 0 {
                    self.number(i + 1)?
                } else {
                    (Some(tens), i + 2)
                };
                // "nineteen twenty-year-olds" counts people.
                if unit_of(self.word(end)).is_some() || self.word(end) == "-" {
                    return None;
                }
                Some((1900 + n? as i32, end))
            }
            "the"
                if self.word(i + 1) == "year"
                    && self.word(i + 2) == "two"
                    && self.word(i + 3) == "thousand" =>
            {
                let mut end = i + 4;
                let mut year = 2000;
                let k = if self.word(end) == "and" {
                    end + 1
                } else {
                    end
                };
                if lookup(NUMBERS, self.word(k)).is_some_and(|n| (1..100).contains(&n)) {
                    if let (Some(n), after) = self.number(k)? {
                        year += n as i32;
                        end = after;
                    }
                }
                Some((year, end))
            }
            _ => None,
        }
    }

    fn month_at(&self, i: usize) -> Option<u32> {
        if !self.cap(i) {
            return None;
        }
        lookup(MONTHS, self.word(i))
    }

    /// Whether a 4-digit year at `i` reads as a year (not a count: "2000 troops").
    fn year_context(&self, i: usize) -> bool {
        let before = if i > 0 { self.word(i - 1) } else { "" };
        if before == "$" || self.word(i + 1) == "%" {
            return false;
        }
        // A decimal ("closed at 2082.1") or a number with a separator is an amount.
        if matches!(self.word(i + 1), "." | "," | ":")
            && self.glued(i + 1)
            && self.tokens.get(i + 2).is_some_and(|t| {
                t.start == self.tokens[i + 1].end
                    && t.lower.starts_with(|c: char| c.is_ascii_digit())
            })
        {
            return false;
        }
        let modified =
            before == "-" && matches!(self.word(i.wrapping_sub(2)), "mid" | "early" | "late");
        if i > 0
            && self.tokens[i - 1].kind == TokenKind::Punct
            && self.glued(i)
            && before != "("
            && !modified
        {
            return false;
        }
        let after = self.tokens.get(i + 1);
        let next_is_noun = after.is_some_and(|t| {
            t.kind == TokenKind::Word
                && !t.cap
                && self.same_sentence(i, i + 1)
                && !matches!(
                    t.lower.as_str(),
                    "and" | "or" | "to" | "when" | "after" | "before" | "as" | "and," | "but"
                )
                && t.lower.ends_with('s')
                && !matches!(
                    t.lower.as_str(),
                    "was" | "is" | "has" | "his" | "its" | "this"
                )
        });
        !next_is_noun
    }

    fn month_context(&self, i: usize) -> bool {
        let before = if i > 0 { self.word(i - 1) } else { "" };
        matches!(
            before,
            "in" | "since"
                | "until"
                | "of"
                | "early"
                | "late"
                | "mid"
                | "last"
                | "next"
                | "by"
                | "this"
                | "during"
                | "from"
                | "-"
        )
    }

    /// `today`, `last week`, `next Friday`, `this year`, `two years ago`.
    fn relative(&self, i: usize) -> Option<(usize, Sem)> {
        let w = self.word(i);
        match w {
            "today" => {
                // "USA Today", "VOA Today" name a paper or a show; "today's youth", "today's
                // world" mean the present age, which TimeML leaves untagged.
                let acronym_before = i > 0
                    && self.same_sentence(i - 1, i)
                    && self.tokens[i - 1].text(self.text).len() >= 2
                    && self.tokens[i - 1]
                        .text(self.text)
                        .bytes()
                        .all(|b| b.is_ascii_uppercase());
                let generic = self.word(i + 1) == "'s"
                    && matches!(
                        self.word(i + 2),
                        "world" | "youth" | "society" | "generation" | "children" | "young"
                    );
                if (self.cap(i) && acronym_before) || generic {
                    return None;
                }
                return Some((i + 1, Sem::RelDay(0)));
            }
            "yesterday" => return Some((i + 1, Sem::RelDay(-1))),
            // "the people of tomorrow", "cars of tomorrow": the age to come, not a day (but "the
            // end of tomorrow" is one).
            "tomorrow"
                if self.word(i.wrapping_sub(1)) == "of"
                    && !matches!(
                        self.word(i.wrapping_sub(2)),
                        "end"
                            | "start"
                            | "beginning"
                            | "middle"
                            | "morning"
                            | "afternoon"
                            | "evening"
                            | "night"
                            | "close"
                            | "rest"
                            | "part"
                    ) =>
            {
                return None
            }
            "tomorrow" => return Some((i + 1, Sem::RelDay(1))),
            "tonight" => {
                return Some((i + 1, Sem::WithTime(Box::new(Sem::RelDay(0)), "NI".into())))
            }
            _ => {}
        }
        // A capitalised title in quotes (ABC's "This Week") names a show, not a week.
        let titled = self.cap(i)
            && self.cap(i + 1)
            && matches!(
                self.word(i.wrapping_sub(1)),
                "\"" | "\u{201c}" | "``" | "'" | "\u{2018}"
            );
        if titled {
            return None;
        }
        let shift = match w {
            "last" | "past" | "previous" => -1,
            "next" | "coming" => 1,
            "this" | "current" => 0,
            _ => return None,
        };
        let mut j = i + 1;
        // "the current fiscal year", "next fiscal year": the fiscal year is read as the year.
        if self.word(j) == "fiscal" && matches!(self.word(j + 1), "year" | "quarter") {
            j += 1;
        }
        let next = self.word(j);
        if !self.same_sentence(i, j) {
            return None;
        }
        if let Some(day) = lookup(WEEKDAYS, next) {
            return Some((
                j + 1,
                Sem::Weekday(day, if w == "this" { 0 } else { shift as i32 }),
            ));
        }
        if let Some(code) = season_of(next) {
            return Some((
                j + 1,
                Sem::Season {
                    code,
                    year: None,
                    shift: Some(shift),
                },
            ));
        }
        if let Some(month) = self.month_at(j) {
            // "last Oct. 23" is a date told in the past: let the date rule read it.
            let mut k = j + 1;
            if self.word(k) == "." {
                k += 1;
            }
            if day_of(self.word(k)).is_some() {
                return None;
            }
            if w == "last" || w == "next" || w == "this" {
                return Some((
                    j + 1,
                    Sem::NearMonth(month, if w == "this" { 0 } else { shift }),
                ));
            }
        }
        if matches!(next, "morning" | "afternoon" | "evening" | "night") && w != "next" {
            let day = if w == "last" { -1 } else { 0 };
            let code = part_of_day(next).unwrap_or("NI");
            return Some((
                j + 1,
                Sem::WithTime(Box::new(Sem::RelDay(day)), code.into()),
            ));
        }
        if let Some(unit) = unit_of(next) {
            if is_plural_unit(next) {
                return None;
            }
            if matches!(w, "past" | "coming") {
                // "the past week" is a duration in TimeML.
                return Some((j + 1, Sem::Duration(Some(1), unit)));
            }
            if unit == Unit::Weekend {
                return Some((j + 1, Sem::RelUnit(Unit::Weekend, shift)));
            }
            if matches!(unit, Unit::Day | Unit::Hour | Unit::Minute | Unit::Second) {
                return None;
            }
            return Some((j + 1, Sem::RelUnit(unit, shift)));
        }
        None
    }

    /// Quarters and halves: `the third quarter`, `third-quarter`, `the first half of 2023`.
    fn quarter(&self, i: usize) -> Option<(usize, Sem)> {
        let mut j = if self.word(i) == "the" { i + 1 } else { i };
        let mut year = None;
        if let Some(y) = year_of(self.word(j)) {
            if self.word(j + 1) == "'s" {
                year = Some(y);
                j += 2;
            } else if ordinal_of(self.word(j + 1)).is_some() {
                // "the 1988 second quarter"
                year = Some(y);
                j += 1;
            }
        }
        let w = self.word(j);
        // "the quarter", "the latest period" in a report: the last quarter that has ended;
        // "the year-ago quarter", "the year-earlier period": the same quarter a year before.
        if self.word(i) == "the" && year.is_none() {
            let mut k = j;
            let mut years_back = 0;
            if matches!(w, "year-ago" | "year-earlier")
                || (matches!(w, "year")
                    && self.word(k + 1) == "-"
                    && matches!(self.word(k + 2), "ago" | "earlier"))
            {
                k += if w == "year" { 3 } else { 1 };
                years_back = 1;
            } else if matches!(w, "latest" | "comparable" | "same") {
                k += 1;
            }
            let unit = self.word(k);
            let after = self.word(k + 1);
            let period_ok = unit == "period" && (years_back == 1 || w == "latest");
            if (unit == "quarter" || period_ok)
                && !matches!(after, "of" | "-" | "century" | "point" | "mile" | "percent")
                && (k > j || unit == "quarter")
            {
                return Some((k + 1, Sem::LastQuarter(years_back)));
            }
        }
        // "the September quarter", "the June quarter": the quarter that month ends or lies in.
        if self.word(i) == "the" && self.word(j + 1) == "quarter" {
            if let Some(month) = self.month_at(j).filter(|_| year.is_none()) {
                let quarter = (month - 1) / 3 + 1;
                return Some((j + 2, Sem::Quarter { year, quarter }));
            }
        }
        let quarter = if matches!(w, "latest" | "recent" | "last" | "most") {
            // "the latest quarter", "the most recent quarter"
            let k = if w == "most" { j + 2 } else { j + 1 };
            if self.word(k) == "quarter" && self.word(i) == "the" {
                return Some((k + 1, Sem::Quarter { year, quarter: 0 }));
            }
            return None;
        } else {
            ordinal_of(w)?
        };
        let mut k = j + 1;
        if self.word(k) == "-" && self.glued(k) {
            k += 1;
        }
        let half = match self.word(k) {
            "quarter" => false,
            "half" => true,
            _ => return None,
        };
        if half && quarter > 2 {
            return None;
        }
        let mut end = k + 1;
        if year.is_none() {
            if self.word(end) == "of" {
                if let Some(y) = year_of(self.word(end + 1)) {
                    year = Some(y);
                    end += 2;
                }
            } else if let Some(y) = year_of(self.word(end)) {
                year = Some(y);
                end += 1;
            }
        }
        Some(if half {
            (
                end,
                Sem::Half {
                    year,
                    half: quarter,
                },
            )
        } else {
            (end, Sem::Quarter { year, quarter })
        })
    }

    /// Reads a number at `i` (digits or words, "twenty-four", "a few"); returns (value, next).
    fn number(&self, i: usize) -> Option<(Option<u32>, usize)> {
        let w = self.word(i);
        if matches!(w, "several" | "few" | "many" | "some") {
            return Some((None, i + 1));
        }
        if w == "a" && matches!(self.word(i + 1), "few" | "couple") {
            let j = if self.word(i + 2) == "of" {
                i + 3
            } else {
                i + 2
            };
            return Some((
                if self.word(i + 1) == "few" {
                    None
                } else {
                    Some(2)
                },
                j,
            ));
        }
        if w.len() <= 4 && !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) {
            // "1,400 years": a thousands separator, glued on both sides ("Jan. 1, 1990" has a
            // space after its comma).
            let group = self.word(i + 2);
            if w.len() <= 3
                && self.word(i + 1) == ","
                && self.glued(i + 1)
                && self.glued(i + 2)
                && group.len() == 3
                && group.bytes().all(|b| b.is_ascii_digit())
            {
                return format!("{w}{group}").parse().ok().map(|n| (Some(n), i + 3));
            }
            return w.parse().ok().map(|n| (Some(n), i + 1));
        }
        let n = lookup(NUMBERS, w)?;
        if (20..100).contains(&n) && self.word(i + 1) == "-" && self.glued(i + 1) {
            if let Some(m) = lookup(NUMBERS, self.word(i + 2)).filter(|m| *m < 10) {
                return Some((Some(n + m), i + 3));
            }
        }
        if (20..100).contains(&n) && n % 10 == 0 {
            if let Some(m) = lookup(NUMBERS, self.word(i + 1)).filter(|m| (1..10).contains(m)) {
                return Some((Some(n + m), i + 2));
            }
        }
        Some((Some(n), i + 1))
    }

    /// Amounts of units: durations (`three days`, `the past two months`, `two-year`), offsets
    /// (`two years ago`, `in two weeks`).
    fn amount(&self, i: usize) -> Option<(usize, Sem)> {
        let w = self.word(i);
        let start = match w {
            "the"
                if matches!(
                    self.word(i + 1),
                    "past" | "last" | "next" | "first" | "coming"
                ) =>
            {
                i + 2
            }
            "the" => i + 1,
            "past" | "next" | "first" | "last" => i + 1,
            _ => i,
        };
        let (amount, mut j) = self.number(start)?;
        // "three straight years", "20 more years", "an additional year": the same duration.
        if matches!(
            self.word(j),
            "straight" | "consecutive" | "successive" | "more" | "additional"
        ) && unit_of(self.word(j + 1)).is_some()
        {
            j += 1;
        }
        // "2 1/2 years"
        let and_a_half = self.word(j) == "1"
            && self.word(j + 1) == "/"
            && self.word(j + 2) == "2"
            && self.glued(j + 1)
            && self.glued(j + 2);
        if and_a_half {
            j += 3;
        }
        // "two and a half years" (`P2Y6M`).
        let and_a_half_words = !and_a_half
            && self.word(j) == "and"
            && self.word(j + 1) == "a"
            && self.word(j + 2) == "half"
            && unit_of(self.word(j + 3)).is_some();
        if and_a_half_words {
            j += 3;
        }
        let and_a_half = and_a_half || and_a_half_words;
        let mut k = j;
        if self.word(k) == "-" && self.glued(k) {
            k += 1;
        }
        let unit_word = self.word(k);
        let unit = unit_of(unit_word)?;
        if !self.same_sentence(i, k) {
            return None;
        }
        // "three-quarters of the vote", "three quarters of them" are fractions.
        if unit == Unit::Quarter && is_plural_unit(unit_word) && (k > j || self.word(k + 1) == "of")
        {
            return None;
        }
        // "a quarter century" is 25 years (`word_expression`).
        if unit == Unit::Quarter && matches!(self.word(k + 1), "century" | "-") {
            return None;
        }
        if let (true, Some(n)) = (and_a_half, amount) {
            return Some((k + 1, Sem::AndAHalf(n, unit)));
        }
        // "an hour and a half", "a year and a half" (`PT1H30M`, `P1Y6M`).
        if let Some(n) = amount.filter(|_| {
            self.word(k + 1) == "and" && self.word(k + 2) == "a" && self.word(k + 3) == "half"
        }) {
            return Some((k + 4, Sem::AndAHalf(n, unit)));
        }
        // "will one day be": some day ahead (TimeML `FUTURE_REF`), not a day-long duration.
        if w == "one"
            && unit == Unit::Day
            && k == j
            && matches!(
                self.word(i.wrapping_sub(1)),
                "will" | "would" | "could" | "may" | "might" | "can" | "should" | "'ll"
            )
        {
            return Some((k + 1, Sem::Reference("FUTURE_REF")));
        }
        // "a 6-year-old boy", "Smith, 52 years old" are ages, not time expressions.
        if (self.word(k + 1) == "-" && self.word(k + 2) == "old") || self.word(k + 1) == "old" {
            return None;
        }
        // "a year" alone is too often "a year of ..." or "per year"; keep it with ago/earlier.
        let end = k + 1;
        match self.word(end) {
            "ago" | "earlier" if start == i => {
                // "several years ago" names no particular year.
                let Some(n) = amount else {
                    return Some((end + 1, Sem::Reference("PAST_REF")));
                };
                return Some((end + 1, Sem::Offset(unit, -(n as i64))));
            }
            "later" | "from" if start == i => {
                if self.word(end) == "from" && self.word(end + 1) != "now" {
                    return Some((end, Sem::Duration(amount, unit)));
                }
                let n = amount.unwrap_or(1) as i64;
                let stop = if self.word(end) == "from" {
                    end + 2
                } else {
                    end + 1
                };
                return Some((stop, Sem::Offset(unit, n)));
            }
            _ => {}
        }
        if matches!(w, "a" | "an") && start == i && k == j {
            // "a week", "a year": only as durations after "for", "in", "within", "over".
            let before = if i > 0 { self.word(i - 1) } else { "" };
            // "as long as a month", "barely a month after", "more than a year".
            if !matches!(
                before,
                "for"
                    | "within"
                    | "over"
                    | "about"
                    | "nearly"
                    | "almost"
                    | "as"
                    | "barely"
                    | "than"
                    | "just"
                    | "only"
                    | "least"
            ) {
                return None;
            }
        }
        if w == "the" && start == i + 1 && amount == Some(1) {
            return None;
        }
        // "the eight-year term": the article belongs to the noun the compound modifies, and
        // TimeBank leaves it out ("eight-year"; dev half 4 of 4), unlike "the two days".
        if w == "the" && start == i + 1 && k > j {
            return None;
        }
        // "in two weeks" reads as a date when the clause points to the future. "in five
        // seconds", "in 30 minutes" is how long something takes (a date would lose the time).
        let below_a_day = matches!(unit, Unit::Second | Unit::Minute | Unit::Hour);
        if i > 0 && self.word(i - 1) == "in" && start == i && unit != Unit::Quarter && !below_a_day
        {
            let n = amount.unwrap_or(1) as i64;
            // "would be redeemed in five years": a conditional still points ahead of the time
            // of speaking, and five years is far beyond it (see `tense_at` on "would").
            let ahead = match self.direction(i, end) {
                Direction::Future => true,
                Direction::Unknown => self.would_before(i),
                Direction::Past => false,
            };
            if amount.is_some() && ahead {
                return Some((end, Sem::Offset(unit, n)));
            }
        }
        Some((end, Sem::Duration(amount, unit)))
    }

    /// Single words and fixed phrases.
    fn word_expression(&self, i: usize) -> Option<(usize, Sem)> {
        let w = self.word(i);
        let two = (w, self.word(i + 1));
        Some(match two {
            ("the", "future") => (i + 2, Sem::Reference("FUTURE_REF")),
            ("the", "near") if self.word(i + 2) == "future" => {
                (i + 3, Sem::Reference("FUTURE_REF"))
            }
            // "the past year" is the year, read at "past"; "the past" alone is PAST_REF.
            ("the", "past")
                if !matches!(self.word(i + 2), "few" | "two" | "three")
                    && unit_of(self.word(i + 2)).is_none() =>
            {
                (i + 2, Sem::Reference("PAST_REF"))
            }
            ("the", "weekend") => (i + 2, Sem::TheWeekend),
            // "this past weekend" is the one just gone (see `find` for the past reading).
            ("this", "past") if self.word(i + 2) == "weekend" => (i + 3, Sem::TheWeekend),
            // The reference year in a report: "the full year", "the fiscal year".
            ("the", "full" | "fiscal") if self.word(i + 2) == "year" => {
                (i + 3, Sem::RelUnit(Unit::Year, 0))
            }
            // "for the year", "in the year ended Sept. 30": the year of the report, unless a
            // compound or a spelled-out year follows ("the year-ago quarter", "the year two
            // thousand").
            // "the year 1998" is that year.
            ("the", "year") if year_of(self.word(i + 2)).is_some() => {
                (i + 3, date(year_of(self.word(i + 2)), None, None))
            }
            ("the", "year")
                if !matches!(
                    self.word(i + 2),
                    "-" | "'s" | "of" | "two" | "ago" | "earlier" | "before" | "after"
                ) =>
            {
                (i + 2, Sem::RelUnit(Unit::Year, 0))
            }
            // TimeML sets: "each Thursday" = XXXX-WXX-4, "every July" = XXXX-07.
            ("every" | "each", d) if lookup(WEEKDAYS, d).is_some() && self.cap(i + 1) => {
                (i + 2, Sem::EveryWeekday(lookup(WEEKDAYS, d)?))
            }
            ("every" | "each", _)
                if self.month_at(i + 1).is_some() && self.word(i + 1) != "may" =>
            {
                (i + 2, Sem::EveryMonth(self.month_at(i + 1)?))
            }
            // A day or year the text named before: "that day", "later that year", "the
            // following year" (resolved in `find`). "that year-end" is a compound.
            ("that", "day" | "year") if self.word(i + 2) != "-" => (
                i + 2,
                Sem::Anaphor {
                    unit: unit_of(self.word(i + 1))?,
                    shift: 0,
                },
            ),
            ("that", "same") if matches!(self.word(i + 2), "day" | "year") => (
                i + 3,
                Sem::Anaphor {
                    unit: unit_of(self.word(i + 2))?,
                    shift: 0,
                },
            ),
            // TimeML anchors "the next day", "the previous day", "the day before" at the day
            // the text is talking about (its temporal focus), not at the publication date.
            ("the", "next" | "following" | "previous")
                if self.word(i + 2) == "day" && self.word(i + 3) != "-" =>
            {
                (
                    i + 3,
                    Sem::Anaphor {
                        unit: Unit::Day,
                        shift: if self.word(i + 1) == "previous" {
                            -1
                        } else {
                            1
                        },
                    },
                )
            }
            // "the day before, ..." alone (not "the day before the vote", whose day is the
            // vote's, and not a time expression by itself).
            ("the", "day")
                if matches!(self.word(i + 2), "before" | "after")
                    && (i + 3 >= self.tokens.len()
                        || matches!(self.word(i + 3), "," | "." | ";" | "!" | "?")) =>
            {
                (
                    i + 3,
                    Sem::Anaphor {
                        unit: Unit::Day,
                        shift: if self.word(i + 2) == "before" { -1 } else { 1 },
                    },
                )
            }
            ("the", "following") if self.word(i + 2) == "year" => (
                i + 3,
                Sem::Anaphor {
                    unit: Unit::Year,
                    shift: 1,
                },
            ),
            // Results compare with the year before: "a year-earlier loss", "year-ago results"
            // (`find` makes it the quarter in a sentence about one).
            ("year-ago" | "year-earlier", _) => (i + 1, Sem::Offset(Unit::Year, -1)),
            ("year", "-")
                if matches!(self.word(i + 2), "ago" | "earlier")
                    && self.glued(i + 1)
                    && self.glued(i + 2) =>
            {
                (i + 3, Sem::Offset(Unit::Year, -1))
            }
            // "in (the) coming months": some time ahead.
            ("coming", u) if is_plural_unit(u) && unit_of(u).is_some_and(|u| u >= Unit::Day) => {
                (i + 2, Sem::Reference("FUTURE_REF"))
            }
            ("the", "coming")
                if is_plural_unit(self.word(i + 2))
                    && unit_of(self.word(i + 2)).is_some_and(|u| u >= Unit::Day) =>
            {
                (i + 3, Sem::Reference("FUTURE_REF"))
            }
            // "half an hour" (`PT30M`), "half a century" (`P50Y`): half of the unit, in the
            // unit below it.
            ("half", "a" | "an") if unit_of(self.word(i + 2)).is_some() => {
                let half = match unit_of(self.word(i + 2))? {
                    Unit::Minute => Sem::Duration(Some(30), Unit::Second),
                    Unit::Hour => Sem::Duration(Some(30), Unit::Minute),
                    Unit::Day => Sem::Duration(Some(12), Unit::Hour),
                    Unit::Year => Sem::Duration(Some(6), Unit::Month),
                    Unit::Decade => Sem::Duration(Some(5), Unit::Year),
                    Unit::Century => Sem::Duration(Some(50), Unit::Year),
                    _ => return None,
                };
                (i + 3, half)
            }
            // "a quarter century", "a quarter-century" (`P25Y`).
            ("a", "quarter")
                if self.word(i + 2) == "century"
                    || (self.word(i + 2) == "-" && self.word(i + 3) == "century") =>
            {
                let end = if self.word(i + 2) == "-" {
                    i + 4
                } else {
                    i + 3
                };
                (end, Sem::Duration(Some(25), Unit::Year))
            }
            ("someday", _) => (i + 1, Sem::Reference("FUTURE_REF")),
            // "a week-long visit", "the decades-long conflict": a duration of that unit.
            (u, "-")
                if self.word(i + 2) == "long"
                    && self.glued(i + 1)
                    && self.glued(i + 2)
                    && unit_of(u).is_some_and(|u| u >= Unit::Hour) =>
            {
                let unit = unit_of(u)?;
                let amount = if is_plural_unit(u) { None } else { Some(1) };
                (i + 3, Sem::Duration(amount, unit))
            }
            ("yearlong" | "monthlong" | "weeklong" | "daylong", _) => {
                let unit = unit_of(w.strip_suffix("long")?)?;
                (i + 1, Sem::Duration(Some(1), unit))
            }
            ("at", "present") => (i + 2, Sem::Reference("PRESENT_REF")),
            ("these", "days") => (i + 2, Sem::Reference("PRESENT_REF")),
            ("every" | "each", u) if unit_of(u).is_some() && !is_plural_unit(u) => {
                (i + 2, Sem::Set(unit_of(u)?))
            }
            // TimeML: an unspecified number of units ("recent years" = PXY).
            ("recent", u @ ("years" | "months" | "weeks" | "days" | "quarters")) => {
                (i + 2, Sem::Duration(None, unit_of(u)?))
            }
            _ => match w {
                "now" | "currently" | "presently" | "nowadays" => {
                    (i + 1, Sem::Reference("PRESENT_REF"))
                }
                // TimeML marks "recently" but not "previously", "formerly" or "soon" (adverbs
                // that order events rather than name a time), and rarely the adjectives
                // "current" and "recent" alone ("current policy", "recent attacks").
                "recently" => (i + 1, Sem::Reference("PAST_REF")),
                // "future losses", "the boy's future" (but not "the foreseeable future").
                "future" if !matches!(self.word(i.wrapping_sub(1)), "foreseeable" | "distant") => {
                    (i + 1, Sem::Reference("FUTURE_REF"))
                }
                "hourly" => (i + 1, Sem::Set(Unit::Hour)),
                "daily" => (i + 1, Sem::Set(Unit::Day)),
                "weekly" => (i + 1, Sem::Set(Unit::Week)),
                "monthly" => (i + 1, Sem::Set(Unit::Month)),
                "annually" | "yearly" | "annual" if w != "annual" => (i + 1, Sem::Set(Unit::Year)),
                "decades" | "years" | "months" | "weeks" => {
                    let before = if i > 0 { self.word(i - 1) } else { "" };
                    if !matches!(before, "for" | "in" | "over" | "within") {
                        return None;
                    }
                    (i + 1, Sem::Duration(None, unit_of(w)?))
                }
                _ => {
                    // Seasons with a year: "summer 2022", "the summer of 2022".
                    let j = if w == "the" { i + 1 } else { i };
                    let code = season_of(self.word(j))?;
                    let k = if self.word(j + 1) == "of" {
                        j + 2
                    } else {
                        j + 1
                    };
                    let (year, end) = match year_of(self.word(k)) {
                        Some(year) => (year, k + 1),
                        None => self.spelled_year(k)?,
                    };
                    (
                        end,
                        Sem::Season {
                            code,
                            year: Some(year),
                            shift: None,
                        },
                    )
                }
            },
        })
    }

    /// Past or future reading of the clause around tokens `first..end`: the nearest tense marker
    /// in the same sentence wins.
    pub fn direction(&self, first: usize, end: usize) -> Direction {
        let Some(sentence) = self.tokens.get(first).map(|t| t.sentence) else {
            return Direction::Unknown;
        };
        let mut best: Option<(usize, Direction)> = None;
        let mut consider = |distance: usize, direction: Direction| {
            if best.is_none_or(|(d, _)| distance < d) {
                best = Some((distance, direction));
            }
        };
        let mut k = first;
        while k > 0 && first - k < 16 {
            k -= 1;
            if self.tokens[k].sentence != sentence {
                break;
            }
            if let Some(d) = self.tense_of(k) {
                consider(first - k, d);
                break;
            }
        }
        let mut k = end;
        while k < self.tokens.len() && k - end < 12 {
            if self.tokens[k].sentence != sentence {
                break;
            }
            if let Some(d) = self.tense_of(k) {
                consider(k + 1 - end, d);
                break;
            }
            k += 1;
        }
        best.map(|(_, d)| d).unwrap_or(Direction::Unknown)
    }

    fn tense_of(&self, k: usize) -> Option<Direction> {
        match self.tenses.get(k) {
            Some(cell) => *cell.get_or_init(|| self.tense_at(k)),
            None => self.tense_at(k),
        }
    }

    fn tense_at(&self, k: usize) -> Option<Direction> {
        let w = self.word(k);
        if w == "last" || w == "next" {
            // Part of another time expression; says nothing about the verb.
            return None;
        }
        if w == "to" {
            let verb = self.word(k.wrapping_sub(1));
            if matches!(verb, "set" | "due" | "going" | "is") {
                return Some(Direction::Future);
            }
            if listed(INTENT_WORDS, verb) {
                // "hope to", "plans to": an intention points forward; "hoped to", "was expected
                // to" is a plan seen from the past, which may already have happened.
                let in_the_past = verb.ends_with("ed")
                    && !matches!(self.word(k.wrapping_sub(2)), "is" | "are" | "be" | "being");
                return Some(if in_the_past {
                    Direction::Unknown
                } else {
                    Direction::Future
                });
            }
        }
        if matches!(w, "was" | "were" | "had") && listed(FUTURE_WORDS, self.word(k + 1)) {
            // "were planning to", "was expected to": the plan points forward from a past
            // moment, so the date may lie on either side of the reference.
            return Some(Direction::Unknown);
        }
        // "would" is a conditional or a future seen from the past ("they said they would
        // appeal Wednesday's ruling"): it does not place the time after the publication date.
        if w == "would" {
            return Some(Direction::Unknown);
        }
        // "vacation plans for the trip", "the plan": the noun names a plan, not a tense.
        let plan_noun = matches!(w, "plan" | "plans")
            && (matches!(self.word(k + 1), "for" | "of" | "," | "." | "and")
                || (k > 0
                    && (listed(DETERMINERS, self.word(k - 1))
                        || self.tokens[k - 1].kind == TokenKind::Possessive)));
        if listed(FUTURE_WORDS, w) && !plan_noun {
            if k > 0 && matches!(self.word(k - 1), "was" | "were" | "been") {
                return Some(Direction::Unknown);
            }
            return Some(Direction::Future);
        }
        // A scheduled event in the present tense lies ahead; not an infinitive ("agreed to
        // meet"), a noun ("the start") or a negated past ("did not meet").
        if schedule_present(w)
            && !(k > 0
                && (listed(DETERMINERS, self.word(k - 1))
                    || self.tokens[k - 1].kind == TokenKind::Possessive
                    || matches!(self.word(k - 1), "to" | "not" | "n't" | "did" | "didn't")))
        {
            return Some(Direction::Future);
        }
        // "since" starts a span that reaches the present from the past.
        if w == "since" {
            return Some(Direction::Past);
        }
        // "untouched", "unexpected", "unnamed" are adjectives.
        let negated_adjective = w.starts_with("un") && w.ends_with("ed");
        let participle = listed(PAST_WORDS, w)
            || (w.len() > 4 && w.ends_with("ed") && !negated_adjective && !listed(NOT_PAST, w));
        if participle && k > 0 && listed(DETERMINERS, self.word(k - 1)) && w.ends_with("ed") {
            // "a chartered ship", "the planned refit": an adjective, not a verb.
            return None;
        }
        if participle {
            // A passive or perfect after "will be" / "is" says nothing by itself: "will be held".
            if k > 0 && matches!(self.word(k - 1), "be" | "is" | "are" | "being" | "been") {
                return None;
            }
            return Some(Direction::Past);
        }
        None
    }

    /// Whether "would" comes up to 16 tokens before token `at` in its sentence.
    fn would_before(&self, at: usize) -> bool {
        let sentence = self.tokens[at].sentence;
        self.tokens[at.saturating_sub(16)..at]
            .iter()
            .rev()
            .take_while(|t| t.sentence == sentence)
            .any(|t| t.lower == "would")
    }

    /// Whether the sentence of token `at`, or the one before it, contains `word` (lower case).
    fn sentence_mentions(&self, at: usize, word: &str) -> bool {
        let sentence = self.tokens[at].sentence;
        let before = self.tokens[..at]
            .iter()
            .rev()
            .take_while(|t| t.sentence + 1 >= sentence);
        let after = self.tokens[at..]
            .iter()
            .take_while(|t| t.sentence == sentence);
        before.chain(after).any(|t| t.lower == word)
    }

    /// Whether a full stop or another sentence lies among tokens `first..end`.
    pub fn has_stop_between(&self, first: usize, end: usize) -> bool {
        (first..end).any(|k| {
            self.tokens.get(k).is_none_or(|t| {
                matches!(t.lower.as_str(), "." | ";" | "!" | "?")
                    || t.sentence != self.tokens[first.min(k)].sentence
            })
        })
    }

    /// The text of tokens `first..end` (`end > first`).
    pub fn span_text(&self, first: usize, end: usize) -> (usize, usize, &'a str) {
        let start = self.tokens[first].start;
        let stop = self.tokens[end - 1].end;
        (start, stop, &self.text[start..stop])
    }
}

fn date(year: Option<i32>, month: Option<u32>, day: Option<u32>) -> Sem {
    Sem::Date { year, month, day }
}

fn explicit_year(sem: &Sem) -> Option<i32> {
    match sem {
        Sem::Date { year, .. } | Sem::Quarter { year, .. } | Sem::Half { year, .. } => *year,
        Sem::Range(a, _) | Sem::WithTime(a, _) | Sem::DatedWeekday(_, a) => explicit_year(a),
        _ => None,
    }
}

fn is_day_like(sem: &Sem) -> bool {
    matches!(
        sem,
        Sem::Weekday(..)
            | Sem::RelDay(_)
            | Sem::Date { day: Some(_), .. }
            | Sem::DatedWeekday(..)
            | Sem::Holiday { .. }
            | Sem::DaysAfter(..)
    )
}

/// The date of a holiday in `year`: `day` of `month`, or the `day`-th `weekday` of it.
fn holiday_date(year: i32, month: u32, day: u32, weekday: Option<u32>) -> Option<NaiveDate> {
    match weekday {
        None => NaiveDate::from_ymd_opt(year, month, day),
        Some(w) => {
            let first = NaiveDate::from_ymd_opt(year, month, 1)?;
            let offset = (w as i64 - weekday_index(first) as i64).rem_euclid(7);
            Some(first + Duration::days(offset + 7 * (day as i64 - 1)))
        }
    }
}

/// Whether `sem` names a day, or a month a day may lie in, that "that day" can refer to.
fn names_a_day(sem: &Sem) -> bool {
    match sem {
        Sem::WithTime(inner, _) | Sem::DayOf(inner) | Sem::DaysAfter(inner, _) => {
            names_a_day(inner)
        }
        Sem::Date { month: Some(_), .. } | Sem::NearMonth(..) | Sem::MonthShift(..) => true,
        _ => is_day_like(sem),
    }
}

fn part_of_day_code(code: &str) -> bool {
    matches!(code, "MO" | "AF" | "EV" | "NI")
}

fn part_of_day(word: &str) -> Option<&'static str> {
    Some(match word {
        "morning" => "MO",
        "afternoon" => "AF",
        "evening" => "EV",
        "night" => "NI",
        _ => return None,
    })
}

/// The part of day of a plural noun ("nights"), which makes a weekday before it a set.
fn plural_part_of_day(word: &str) -> Option<&'static str> {
    part_of_day(word.strip_suffix('s')?)
}

fn compatible(a: &Sem, b: &Sem) -> bool {
    matches!(
        (a, b),
        (Sem::Weekday(..), Sem::Weekday(..))
            | (Sem::Date { .. }, Sem::Date { .. })
            | (Sem::Quarter { .. }, Sem::Quarter { .. })
            | (Sem::Decade(_), Sem::Decade(_))
    ) && !matches!(
        (a, b),
        (
            Sem::Date {
                year: Some(_),
                month: None,
                ..
            },
            Sem::Date { month: Some(_), .. }
        )
    )
}

fn day_of(word: &str) -> Option<u32> {
    let digits = word
        .strip_suffix("st")
        .or_else(|| word.strip_suffix("nd"))
        .or_else(|| word.strip_suffix("rd"))
        .or_else(|| word.strip_suffix("th"))
        .unwrap_or(word);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year_of(word: &str) -> Option<i32> {
    if word.len() != 4 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok().filter(|y| (1900..=2099).contains(y))
}

/// A resolved value: TIMEX3 value, grain, and (for ranges) the end's value.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// TIMEX3 value.
    pub value: String,
    /// Grain of the value.
    pub grain: Grain,
    /// End of a range.
    pub end_value: Option<String>,
}

fn shift_months(year: i32, month: u32, by: i64) -> (i32, u32) {
    let index = year as i64 * 12 + (month as i64 - 1) + by;
    (
        index.div_euclid(12) as i32,
        (index.rem_euclid(12) + 1) as u32,
    )
}

fn iso_week(date: NaiveDate) -> String {
    let week = date.iso_week();
    format!("{:04}-W{:02}", week.year(), week.week())
}

fn ymd(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn weekday_index(date: NaiveDate) -> u32 {
    date.weekday().num_days_from_monday()
}

/// Time zones news writes after a clock time (lower case).
const TIME_ZONES: &[&str] = &[
    "bst", "cdt", "cet", "cst", "edt", "est", "et", "gmt", "pdt", "pst", "utc",
];

/// How many tokens after a dated expression its year still applies to a date without one.
const CONTEXT_YEAR_TOKENS: usize = 8;

/// Chooses the year for a month (and day) given without one.
fn year_for(month: u32, day: Option<u32>, reference: NaiveDate, direction: Direction) -> i32 {
    let year = reference.year();
    let key = |m: u32, d: u32| m * 32 + d;
    let here = key(reference.month(), reference.day());
    let there = key(
        month,
        day.unwrap_or(if direction == Direction::Future {
            31
        } else {
            1
        }),
    );
    match direction {
        // A past tense is often only the reporting verb ("said the vote is on May 3"): a past
        // reading still takes a date at most two months ahead; a reading in no tense takes the
        // nearest occurrence.
        Direction::Past | Direction::Unknown => {
            let ahead = (month as i64 - reference.month() as i64).rem_euclid(12);
            // Six months either way is a tie, which goes to the past: news reports the past.
            let horizon = if direction == Direction::Past { 2 } else { 5 };
            if ahead == 0 || ahead > horizon {
                if month > reference.month() {
                    year - 1
                } else {
                    year
                }
            } else if month > reference.month() {
                year
            } else {
                year + 1
            }
        }
        Direction::Future => {
            if there < here && month != reference.month() {
                year + 1
            } else {
                year
            }
        }
    }
}

/// Resolves a meaning against `reference` (the publication date), reading it in `direction`.
pub fn resolve(
    sem: &Sem,
    reference: Option<NaiveDate>,
    direction: Direction,
    context_year: Option<i32>,
) -> Resolved {
    let point = |value: String, grain: Grain| Resolved {
        value,
        grain,
        end_value: None,
    };
    match sem {
        Sem::Date { year, month, day } => {
            let year = year
                .or(context_year)
                .or_else(|| month.and_then(|m| reference.map(|r| year_for(m, *day, r, direction))));
            let y = year
                .map(|y| format!("{y:04}"))
                .unwrap_or_else(|| "XXXX".into());
            match (month, day) {
                (Some(m), Some(d)) => point(format!("{y}-{m:02}-{d:02}"), Grain::Day),
                (Some(m), None) => point(format!("{y}-{m:02}"), Grain::Month),
                _ => point(y, Grain::Year),
            }
        }
        Sem::Decade(d) => point(format!("{d:03}"), Grain::Decade),
        Sem::Weekday(day, shift) => {
            let Some(r) = reference else {
                return point("XXXX-XX-XX".into(), Grain::Day);
            };
            let today = weekday_index(r) as i64;
            let target = *day as i64;
            let date = match shift {
                1 => {
                    let ahead = (target - today).rem_euclid(7);
                    r + Duration::days(if ahead == 0 { 7 } else { ahead })
                }
                -1 => {
                    let back = (today - target).rem_euclid(7);
                    r - Duration::days(if back == 0 { 7 } else { back })
                }
                _ => match direction {
                    Direction::Future => r + Duration::days((target - today).rem_euclid(7)),
                    // In no tense, tomorrow's weekday is the coming one ("talks open Tuesday"
                    // on a Monday); any other is the latest one, as news reports the past.
                    Direction::Unknown if (target - today).rem_euclid(7) == 1 => {
                        r + Duration::days(1)
                    }
                    _ => r - Duration::days((today - target).rem_euclid(7)),
                },
            };
            point(ymd(date), Grain::Day)
        }
        Sem::RelDay(n) => match reference {
            Some(r) => point(ymd(r + Duration::days(*n)), Grain::Day),
            None => point("XXXX-XX-XX".into(), Grain::Day),
        },
        Sem::RelUnit(unit, n) => {
            let Some(r) = reference else {
                return point("XXXX".into(), Grain::Year);
            };
            match unit {
                Unit::Week => point(iso_week(r + Duration::days(7 * n)), Grain::Week),
                Unit::Weekend => point(
                    format!("{}-WE", iso_week(r + Duration::days(7 * n))),
                    Grain::Week,
                ),
                Unit::Month => {
                    let (y, m) = shift_months(r.year(), r.month(), *n);
                    point(format!("{y:04}-{m:02}"), Grain::Month)
                }
                Unit::Quarter => {
                    let q = (r.month() - 1) / 3 + 1;
                    let index = r.year() as i64 * 4 + (q as i64 - 1) + n;
                    point(
                        format!("{:04}-Q{}", index.div_euclid(4), index.rem_euclid(4) + 1),
                        Grain::Quarter,
                    )
                }
                Unit::Decade => point(
                    format!("{:03}", (r.year() as i64 + 10 * n) / 10),
                    Grain::Decade,
                ),
                Unit::Century => point(
                    format!("{:02}", (r.year() as i64 + 100 * n) / 100),
                    Grain::Decade,
                ),
                _ => point(format!("{:04}", r.year() as i64 + n), Grain::Year),
            }
        }
        Sem::Offset(unit, n) => {
            let Some(r) = reference else {
                return point("XXXX".into(), Grain::Year);
            };
            match unit {
                Unit::Day => point(ymd(r + Duration::days(*n)), Grain::Day),
                Unit::Week | Unit::Weekend => {
                    point(iso_week(r + Duration::days(7 * n)), Grain::Week)
                }
                Unit::Month => {
                    let (y, m) = shift_months(r.year(), r.month(), *n);
                    point(format!("{y:04}-{m:02}"), Grain::Month)
                }
                Unit::Quarter => {
                    let (y, m) = shift_months(r.year(), r.month(), 3 * n);
                    point(format!("{y:04}-Q{}", (m - 1) / 3 + 1), Grain::Quarter)
                }
                Unit::Year => point(format!("{:04}", r.year() as i64 + n), Grain::Year),
                Unit::Decade => point(format!("{:04}", r.year() as i64 + 10 * n), Grain::Year),
                Unit::Century => point(
                    format!("{:02}", (r.year() as i64 + 100 * n) / 100),
                    Grain::Decade,
                ),
                Unit::Hour | Unit::Minute | Unit::Second => point(ymd(r), Grain::Day),
            }
        }
        Sem::Quarter { year, quarter } => {
            let Some(r) = reference else {
                let y = year
                    .map(|y| format!("{y:04}"))
                    .unwrap_or_else(|| "XXXX".into());
                let q = if *quarter == 0 {
                    "X".to_string()
                } else {
                    quarter.to_string()
                };
                return point(format!("{y}-Q{q}"), Grain::Quarter);
            };
            let current = (r.month() - 1) / 3 + 1;
            let (y, q) = if *quarter == 0 {
                // "the quarter", "the latest quarter": the last one that has ended.
                if current == 1 {
                    (year.unwrap_or(r.year() - 1), 4)
                } else {
                    (year.unwrap_or(r.year()), current - 1)
                }
            } else {
                let y = year.or(context_year).unwrap_or_else(|| {
                    if *quarter > current && direction != Direction::Future {
                        r.year() - 1
                    } else {
                        r.year()
                    }
                });
                (y, *quarter)
            };
            point(format!("{y:04}-Q{q}"), Grain::Quarter)
        }
        Sem::LastQuarter(years_back) => {
            let Some(r) = reference else {
                return point("XXXX-QX".into(), Grain::Quarter);
            };
            let current = (r.month() - 1) / 3 + 1;
            let (y, q) = if current == 1 {
                (r.year() - 1, 4)
            } else {
                (r.year(), current - 1)
            };
            point(format!("{:04}-Q{q}", y as i64 - years_back), Grain::Quarter)
        }
        Sem::Half { year, half } => {
            let y = year
                .or(context_year)
                .or(reference.map(|r| r.year()))
                .map(|y| format!("{y:04}"))
                .unwrap_or_else(|| "XXXX".into());
            point(format!("{y}-H{half}"), Grain::Quarter)
        }
        Sem::Season { code, year, shift } => {
            let y = match (year, shift, reference) {
                (Some(y), _, _) => Some(*y),
                (None, Some(s), Some(r)) => {
                    let season_month = match *code {
                        "SP" => 4,
                        "SU" => 7,
                        "FA" => 10,
                        _ => 1,
                    };
                    let base = r.year() as i64;
                    Some(match s {
                        1 if season_month <= r.month() => base + 1,
                        -1 if season_month >= r.month() => base - 1,
                        _ => base,
                    } as i32)
                }
                (None, None, Some(r)) => Some(r.year()),
                _ => None,
            };
            let y = y
                .map(|y| format!("{y:04}"))
                .unwrap_or_else(|| "XXXX".into());
            point(format!("{y}-{code}"), Grain::Quarter)
        }
        Sem::NearMonth(month, shift) => {
            let y = reference
                .map(|r| {
                    let y = r.year();
                    let y = match shift.signum() {
                        // The month just ended is "last month"; "last February" said in March
                        // is the February a year before.
                        -1 if *month >= r.month() || *month + 1 == r.month() => y - 1,
                        1 if *month <= r.month() => y + 1,
                        _ => y,
                    };
                    format!("{y:04}")
                })
                .unwrap_or_else(|| "XXXX".into());
            point(format!("{y}-{month:02}"), Grain::Month)
        }
        Sem::MonthShift(month, shift) => {
            let y = reference
                .map(|r| format!("{:04}", r.year() as i64 + shift))
                .unwrap_or_else(|| "XXXX".into());
            point(format!("{y}-{month:02}"), Grain::Month)
        }
        // TimeBank writes a number of decades in years: "two decades" = P20Y.
        Sem::Duration(Some(n), Unit::Decade) => point(format!("P{}Y", 10 * n), Grain::Duration),
        // ISO 8601 (which TIMEX3 durations follow) has no decade unit: "decades" is some years.
        Sem::Duration(None, Unit::Decade) => point("PXY".into(), Grain::Duration),
        Sem::Duration(amount, unit) => {
            let (prefix, code) = unit.duration_code();
            let n = amount.map(|n| n.to_string()).unwrap_or_else(|| "X".into());
            point(format!("{prefix}{n}{code}"), Grain::Duration)
        }
        Sem::Set(unit) => {
            let (prefix, code) = unit.duration_code();
            point(format!("{prefix}1{code}"), Grain::Duration)
        }
        Sem::Reference(r) => point((*r).to_string(), Grain::Reference),
        Sem::Range(a, b) => {
            // A range told in no tense is most often a schedule: "runs Monday to Wednesday".
            let direction = match direction {
                Direction::Unknown => Direction::Future,
                d => d,
            };
            let mut start = resolve(a, reference, direction, context_year);
            // A weekday range that holds the reference day is the one under way: "crossings are
            // suspended from Tuesday to Thursday" on a Wednesday started yesterday.
            if let (Sem::Weekday(x, 0), Sem::Weekday(y, 0), Some(r)) =
                (a.as_ref(), b.as_ref(), reference)
            {
                let since_start = (weekday_index(r) as i64 - *x as i64).rem_euclid(7);
                if since_start <= (*y as i64 - *x as i64).rem_euclid(7) {
                    start.value = ymd(r - Duration::days(since_start));
                }
            }
            let year = explicit_year(b).or(explicit_year(a)).or(context_year);
            let mut stop = resolve(b, reference, direction, year);
            // Weekday ranges run forward from the start: "Monday to Wednesday".
            if let (Sem::Weekday(x, _), Sem::Weekday(y, _), Some(start_date)) = (
                a.as_ref(),
                b.as_ref(),
                NaiveDate::parse_from_str(&start.value, "%Y-%m-%d").ok(),
            ) {
                let ahead = (*y as i64 - *x as i64).rem_euclid(7);
                stop.value = ymd(start_date + Duration::days(ahead));
            }
            Resolved {
                value: start.value,
                grain: start.grain,
                end_value: Some(stop.value),
            }
        }
        Sem::DatedWeekday(weekday, inner) => {
            let base = resolve(inner, reference, direction, context_year);
            if let (
                Sem::Date {
                    year: None,
                    month: Some(m),
                    day: Some(d),
                },
                Some(r),
            ) = (inner.as_ref(), reference)
            {
                let fits = [r.year(), r.year() + 1, r.year() - 1]
                    .into_iter()
                    .find(|y| {
                        NaiveDate::from_ymd_opt(*y, *m, *d)
                            .is_some_and(|date| weekday_index(date) == *weekday)
                    });
                if let Some(y) = fits.filter(|_| context_year.is_none()) {
                    return point(format!("{y:04}-{m:02}-{d:02}"), Grain::Day);
                }
            }
            base
        }
        Sem::EveryWeekday(day) => point(format!("XXXX-WXX-{}", day + 1), Grain::Duration),
        Sem::EveryMonth(month) => point(format!("XXXX-{month:02}"), Grain::Duration),
        Sem::Century(n) => point(format!("{:02}", n.saturating_sub(1)), Grain::Decade),
        Sem::TheWeekend => {
            let Some(r) = reference else {
                return point("XXXX-WXX-WE".into(), Grain::Week);
            };
            let today = weekday_index(r);
            let week = match direction {
                // A weekday before Saturday looks ahead to this week's weekend.
                Direction::Future if today < 6 => r,
                Direction::Future => r + Duration::days(7),
                // Saturday and Sunday are in the weekend under way; other days look back.
                _ if today >= 5 => r,
                _ => r - Duration::days(7),
            };
            point(format!("{}-WE", iso_week(week)), Grain::Week)
        }
        Sem::AndAHalf(n, unit) => {
            let (prefix, code) = unit.duration_code();
            let half = match unit {
                Unit::Year => "6M",
                Unit::Month => "15D",
                Unit::Week => "3DT12H",
                Unit::Day => "T12H",
                Unit::Hour => "30M",
                Unit::Minute => "30S",
                Unit::Decade => "5Y",
                Unit::Century => "50Y",
                _ => "",
            };
            let value = if half.is_empty() {
                format!("{prefix}{n}{code}")
            } else {
                format!("{prefix}{n}{code}{half}")
            };
            point(value, Grain::Duration)
        }
        Sem::Anaphor { .. } => point("XXXX-XX-XX".into(), Grain::Day),
        Sem::Holiday {
            month,
            day,
            weekday,
            shift,
        } => {
            let in_year = |y: i32| holiday_date(y, *month, *day, *weekday);
            let Some((r, this_year)) = reference.and_then(|r| Some((r, in_year(r.year())?))) else {
                return match weekday {
                    None => point(format!("XXXX-{month:02}-{day:02}"), Grain::Day),
                    Some(_) => point(format!("XXXX-{month:02}-XX"), Grain::Day),
                };
            };
            let y = match shift {
                -1 if this_year < r => r.year(),
                -1 => r.year() - 1,
                1 if this_year > r => r.year(),
                1 => r.year() + 1,
                _ => year_for(*month, Some(this_year.day()), r, direction),
            };
            match in_year(y) {
                Some(date) => point(ymd(date), Grain::Day),
                None => point(format!("{y:04}-{month:02}"), Grain::Month),
            }
        }
        Sem::DaysAfter(inner, n) => {
            let base = resolve(inner, reference, direction, context_year);
            let day = base.value.split('T').next().unwrap_or_default();
            match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
                Ok(date) => point(ymd(date + Duration::days(*n)), Grain::Day),
                Err(_) => point("XXXX-XX-XX".into(), Grain::Day),
            }
        }
        Sem::DayOf(inner) => {
            let base = resolve(inner, reference, direction, context_year);
            let value = match base.grain {
                Grain::Month => format!("{}-XX", base.value),
                Grain::Year => format!("{}-XX-XX", base.value),
                _ => base.value.split('T').next().unwrap_or_default().to_string(),
            };
            point(value, Grain::Day)
        }
        Sem::WithTime(inner, code) => {
            let base = resolve(inner, reference, direction, context_year);
            Resolved {
                value: format!("{}T{}", base.value, code),
                // "Friday morning" is still a day on a timeline; "3 p.m." is a time.
                grain: if part_of_day_code(code) {
                    base.grain
                } else {
                    Grain::Time
                },
                end_value: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{sentences, tokenize};

    fn tag(text: &str, reference: &str) -> Vec<(String, String, Option<String>)> {
        let reference = NaiveDate::parse_from_str(reference, "%Y-%m-%d").ok();
        let mut tokens = tokenize(text);
        sentences(text, &mut tokens);
        let tagger = Tagger::new(text, &tokens);
        tagger
            .find()
            .iter()
            .map(|f| {
                let r = resolve(&f.sem, reference, f.direction, f.context_year);
                let (_, _, t) = tagger.span_text(f.first, f.end);
                (t.to_string(), r.value, r.end_value)
            })
            .collect()
    }

    fn values(text: &str, reference: &str) -> Vec<(String, String)> {
        tag(text, reference)
            .into_iter()
            .map(|(t, v, _)| (t, v))
            .collect()
    }

    fn pair(t: &str, v: &str) -> (String, String) {
        (t.to_string(), v.to_string())
    }

    #[test]
    fn word_tables_are_sorted_for_binary_search() {
        for table in [MONTHS, WEEKDAYS, NUMBERS] {
            assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
        }
        for list in [
            FUTURE_WORDS,
            PAST_WORDS,
            NOT_PAST,
            INTENT_WORDS,
            DETERMINERS,
        ] {
            assert!(list.windows(2).all(|w| w[0] <= w[1]), "{list:?}");
        }
    }

    #[test]
    fn absolute_dates_in_several_shapes() {
        let text = "The pact was signed on March 20, 2023, ratified 4 April and amended Feb. 9.";
        assert_eq!(
            values(text, "2023-06-01"),
            vec![
                pair("March 20, 2023", "2023-03-20"),
                pair("4 April", "2023-04-04"),
                pair("Feb. 9", "2023-02-09"),
            ]
        );
    }

    #[test]
    fn weekdays_follow_the_tense() {
        // 2024-05-15 is a Wednesday.
        let past = values("The mayor resigned on Monday.", "2024-05-15");
        assert_eq!(past, vec![pair("Monday", "2024-05-13")]);
        let future = values("The council will vote on Friday.", "2024-05-15");
        assert_eq!(future, vec![pair("Friday", "2024-05-17")]);
    }

    #[test]
    fn relative_units_resolve_against_the_reference() {
        let text = "Talks resume next week after a pause last month, as agreed last year.";
        assert_eq!(
            values(text, "2024-05-15"),
            vec![
                pair("next week", "2024-W21"),
                pair("last month", "2024-04"),
                pair("last year", "2023"),
            ]
        );
    }

    #[test]
    fn modifiers_keep_the_grain_of_what_they_modify() {
        let text = "Shipments stalled in late December and by the end of 2022 had stopped.";
        assert_eq!(
            values(text, "2023-02-10"),
            vec![
                pair("late December", "2022-12"),
                pair("the end of 2022", "2022")
            ]
        );
    }

    #[test]
    fn durations_offsets_and_references() {
        let text = "The strike lasted three days. Two years ago prices fell. Now they rise.";
        assert_eq!(
            values(text, "2024-05-15"),
            vec![
                pair("three days", "P3D"),
                pair("Two years ago", "2022"),
                pair("Now", "PRESENT_REF"),
            ]
        );
        let text = "The ferry will return in two weeks.";
        assert_eq!(
            values(text, "2024-05-15"),
            vec![pair("two weeks", "2024-W22")]
        );
    }

    #[test]
    fn weekday_ranges_run_forward() {
        let text = "The summit will be held from Monday to Wednesday.";
        // 2024-05-17 is a Friday.
        assert_eq!(
            tag(text, "2024-05-17"),
            vec![(
                "Monday to Wednesday".to_string(),
                "2024-05-20".to_string(),
                Some("2024-05-22".to_string())
            )]
        );
    }

    #[test]
    fn month_day_ranges_share_the_month() {
        let text = "The fair ran June 3-5, 2021.";
        assert_eq!(
            tag(text, "2021-07-01"),
            vec![(
                "June 3-5, 2021".to_string(),
                "2021-06-03".to_string(),
                Some("2021-06-05".to_string())
            )]
        );
    }

    #[test]
    fn quarters_and_years() {
        let text = "Profit rose in the third quarter and in third-quarter trading in 1998.";
        assert_eq!(
            values(text, "1999-11-02"),
            vec![
                pair("the third quarter", "1999-Q3"),
                pair("third-quarter", "1999-Q3"),
                pair("1998", "1998"),
            ]
        );
    }

    #[test]
    fn counts_are_not_years() {
        assert!(values("Police deployed 2000 officers.", "2024-05-15").is_empty());
        // "march" in lower case is not the month; "noon" is a time.
        assert_eq!(
            values("The march began at noon.", "2024-05-15"),
            vec![pair("noon", "2024-05-15T12:00")]
        );
    }

    #[test]
    fn unknown_reference_gives_underspecified_values() {
        let text = "The vote was held on Friday.";
        assert_eq!(values(text, "bad"), vec![pair("Friday", "XXXX-XX-XX")]);
    }

    #[test]
    fn parts_of_the_day_keep_the_day_and_add_a_timex_code() {
        // 2031-06-12 is a Thursday.
        let found = values(
            "The ferry sank on Tuesday night and divers searched this morning.",
            "2031-06-12",
        );
        assert_eq!(
            found,
            vec![
                pair("Tuesday night", "2031-06-10TNI"),
                pair("this morning", "2031-06-12TMO"),
            ]
        );
        assert_eq!(
            values("Fans queued last night.", "2031-06-12"),
            vec![pair("last night", "2031-06-11TNI")]
        );
    }

    #[test]
    fn last_and_next_month_names_take_the_nearest_occurrence() {
        let found = values(
            "The depot opened last April and will close next March.",
            "2031-10-02",
        );
        assert_eq!(
            found,
            vec![pair("last April", "2031-04"), pair("next March", "2032-03")]
        );
    }

    #[test]
    fn a_month_in_no_tense_is_its_nearest_occurrence() {
        // Two months ahead reads forward; eight months ahead is the one four months back.
        let ahead = values("Dividends: payable Dec. 15 to holders.", "2031-10-20");
        assert_eq!(ahead, vec![pair("Dec. 15", "2031-12-15")]);
        let back = values("Dividends: paid June 15 to holders.", "2031-10-20");
        assert_eq!(back, vec![pair("June 15", "2031-06-15")]);
        let turn = values("Figures for January arrive soon.", "2031-11-20");
        assert_eq!(turn, vec![pair("January", "2032-01")]);
    }

    #[test]
    fn a_day_given_is_a_day_and_a_month_alone_is_a_month() {
        let found = values(
            "The ministers spoke by video on November 4 and again in November.",
            "2031-12-10",
        );
        assert_eq!(
            found,
            vec![
                pair("November 4", "2031-11-04"),
                pair("November", "2031-11")
            ]
        );
    }

    #[test]
    fn reported_quarters_and_the_same_quarter_a_year_before() {
        let found = values(
            "Profit in the quarter rose 8% from a year earlier, and the year-ago quarter \
             had a loss.",
            "2031-11-03",
        );
        assert_eq!(
            found,
            vec![
                pair("the quarter", "2031-Q3"),
                pair("a year earlier", "2030-Q3"),
                pair("the year-ago quarter", "2030-Q3"),
            ]
        );
        // Without a quarter in sight a year ago is a year.
        assert_eq!(
            values("The mill shut a year ago.", "2031-11-03"),
            vec![pair("a year ago", "2030")]
        );
    }

    #[test]
    fn decimals_and_distant_years_do_not_date_a_later_month() {
        let found = values(
            "The index closed at 2087.4, down from its peak in 2029, before the vote set for \
             the ministers on Dec. 2.",
            "2031-11-03",
        );
        assert_eq!(
            found,
            vec![pair("2029", "2029"), pair("Dec. 2", "2031-12-02")]
        );
    }

    #[test]
    fn clock_times_join_the_day_after_them() {
        let found = values(
            "Polls close at 8 p.m. EST Nov. 9; the count began at 10:35 a.m. and ended at noon.",
            "2031-11-03",
        );
        assert_eq!(
            found,
            vec![
                pair("8 p.m. EST Nov. 9", "2031-11-09T20:00"),
                pair("10:35 a.m.", "2031-11-03T10:35"),
                pair("noon", "2031-11-03T12:00"),
            ]
        );
        assert!(values("He scored 9 points at 12:30 in the match.", "2031-11-03").is_empty());
    }

    #[test]
    fn an_intention_points_forward_and_a_possessive_weekday_is_a_weekday() {
        // 2026-11-13 is a Friday.
        assert_eq!(
            values(
                "Divers hope to raise the barge on Wednesday's tide.",
                "2026-11-13"
            ),
            vec![pair("Wednesday", "2026-11-18")]
        );
        assert_eq!(
            values(
                "Engineers plan to reopen the bridge on Monday.",
                "2026-11-17"
            ),
            vec![pair("Monday", "2026-11-23")]
        );
    }

    #[test]
    fn an_adjective_in_ed_is_not_a_past_tense() {
        // 2026-11-19 is a Thursday: "plans to ... on Friday with a hired train" is tomorrow.
        assert_eq!(
            values(
                "The rail firm plans to resume service on Friday with a hired train.",
                "2026-11-19"
            ),
            vec![pair("Friday", "2026-11-20")]
        );
    }

    #[test]
    fn a_weekday_range_that_holds_the_reference_day_is_under_way() {
        let range = |text: &str, reference: &str| tag(text, reference)[0].clone();
        let expected = (
            "Tuesday to Thursday".to_string(),
            "2026-11-17".to_string(),
            Some("2026-11-19".to_string()),
        );
        let text = "The firm said it would close the depot from Tuesday to Thursday.";
        // Monday, Tuesday and Thursday of the same week.
        assert_eq!(range(text, "2026-11-16"), expected);
        assert_eq!(range(text, "2026-11-17"), expected);
        assert_eq!(
            range(
                "After halting its trains from Tuesday to Thursday, the firm plans to reopen.",
                "2026-11-19"
            ),
            expected
        );
    }

    #[test]
    fn a_plan_told_in_the_past_may_lie_either_side() {
        let text = "A nurse said all of them were expected to go home by Tuesday afternoon.";
        assert_eq!(
            values(text, "2026-11-17"),
            vec![pair("Tuesday afternoon", "2026-11-17TAF")]
        );
        assert_eq!(
            values(text, "2026-11-18"),
            vec![pair("Tuesday afternoon", "2026-11-17TAF")]
        );
    }

    #[test]
    fn a_month_ahead_in_a_forward_looking_sentence_is_the_coming_one() {
        for text in [
            "The plant is due for an overhaul in late December.",
            "The ship was due to go into dry dock for a refit in late December.",
        ] {
            assert_eq!(
                values(text, "2026-11-05"),
                vec![pair("late December", "2026-12")]
            );
        }
        assert_eq!(
            values(
                "Towards the end of 2022, on December 30, they met.",
                "2023-03-17"
            ),
            vec![
                pair("the end of 2022", "2022"),
                pair("December 30", "2022-12-30")
            ]
        );
    }

    #[test]
    fn issue_4_years_in_words_and_centuries() {
        assert_eq!(
            values(
                "The plant opened in March nineteen eighty-two and closed by the year two thousand.",
                "2001-05-02"
            ),
            vec![pair("March nineteen eighty-two", "1982-03"), pair("the year two thousand", "2000")]
        );
        assert_eq!(
            values(
                "The levee failed in the spring of nineteen seventy-three.",
                "2001-05-02"
            ),
            vec![pair("the spring of nineteen seventy-three", "1973-SP")]
        );
        assert_eq!(
            values("Nineteen people drowned.", "2001-05-02"),
            Vec::<(String, String)>::new()
        );
        assert_eq!(
            values(
                "Built in the 19th century, the mill thrived in the sixties and reopened mid-2004.",
                "2010-01-01"
            ),
            vec![
                pair("the 19th century", "18"),
                pair("the sixties", "196"),
                pair("mid-2004", "2004")
            ]
        );
    }

    #[test]
    fn issue_4_sets_of_a_weekday_or_a_month() {
        assert_eq!(
            values(
                "The ferry sails each Tuesday and the fair opens every June.",
                "2010-01-01"
            ),
            vec![
                pair("each Tuesday", "XXXX-WXX-2"),
                pair("every June", "XXXX-06")
            ]
        );
    }

    #[test]
    fn issue_4_report_years_and_quarters() {
        let text = "Profit for the full year rose, and it expects more in the current fiscal year \
                    than in fiscal 2008; the 2008 third quarter was weak.";
        assert_eq!(
            values(text, "2009-11-04"),
            vec![
                pair("the full year", "2009"),
                pair("current fiscal year", "2009"),
                pair("fiscal 2008", "2008"),
                pair("the 2008 third quarter", "2008-Q3")
            ]
        );
        assert_eq!(
            values("Sales for the year ended June 30 rose.", "2009-11-04"),
            vec![pair("the year", "2009"), pair("June 30", "2009-06-30")]
        );
        assert_eq!(
            values("The dam was finished in the year 1961.", "2009-11-04"),
            vec![pair("the year 1961", "1961")]
        );
    }

    #[test]
    fn issue_4_halves_and_fractions() {
        assert_eq!(
            values(
                "The crew waited 3 1/2 hours after a 2 1/2 years refit.",
                "2009-11-04"
            ),
            vec![pair("3 1/2 hours", "PT3H30M"), pair("2 1/2 years", "P2Y6M")]
        );
        assert_eq!(
            values(
                "Nearly three-quarters of the voters stayed home.",
                "2009-11-04"
            ),
            Vec::<(String, String)>::new()
        );
    }

    #[test]
    fn issue_4_the_weekend_follows_the_tense() {
        // 2026-11-16 is a Monday, 2026-11-18 a Wednesday.
        assert_eq!(
            values("The storm hit the coast over the weekend.", "2026-11-16"),
            vec![pair("the weekend", "2026-W46-WE")]
        );
        assert_eq!(
            values("The market will reopen after the weekend.", "2026-11-18"),
            vec![pair("the weekend", "2026-W47-WE")]
        );
        assert_eq!(
            values(
                "Gale warnings were issued for the bay until the weekend.",
                "2026-11-18"
            ),
            vec![pair("the weekend", "2026-W47-WE")]
        );
    }

    #[test]
    fn issue_4_adjectives_and_vague_offsets() {
        assert_eq!(
            values("Recent floods tested the current budget.", "2026-11-16"),
            Vec::<(String, String)>::new()
        );
        assert_eq!(
            values(
                "Prices fell in recent quarters, as they did several years ago.",
                "2026-11-16"
            ),
            vec![
                pair("recent quarters", "PXQ"),
                pair("several years ago", "PAST_REF")
            ]
        );
    }

    #[test]
    fn issue_4_since_reads_back_and_an_un_adjective_is_no_tense() {
        assert_eq!(
            values(
                "Police have been looking for him since shortly after the Nov. 3 robbery.",
                "2027-02-10"
            ),
            vec![pair("Nov. 3", "2026-11-03")]
        );
        assert_eq!(
            values(
                "The airline will add flights to Perth by August to reach towns untouched by rail.",
                "2027-02-10"
            ),
            vec![pair("August", "2027-08")]
        );
    }

    #[test]
    fn issue_4_a_time_dated_by_the_day_after_an_aside() {
        // 2026-11-21 is a Saturday.
        assert_eq!(
            values(
                "The blast came at 9:10 a.m. (0610 GMT) Friday near the port.",
                "2026-11-21"
            ),
            vec![
                pair("9:10 a.m.", "2026-11-20T09:10"),
                pair("Friday", "2026-11-20")
            ]
        );
    }

    #[test]
    fn issue_4_a_show_title_is_not_a_week() {
        assert_eq!(
            values(
                "She spoke on the program \"This Week\" about the strike.",
                "2026-11-16"
            ),
            Vec::<(String, String)>::new()
        );
    }

    #[test]
    fn issue_4_that_day_and_that_year_refer_to_the_text() {
        // A day or year named earlier in the text, not the publication date.
        assert_eq!(
            values(
                "The plant opened in June 1998 and closed later that year. \
                 Crews left on Oct. 23, 2001. Earlier that day, the pumps stopped.",
                "2026-11-16"
            ),
            vec![
                pair("June 1998", "1998-06"),
                pair("later that year", "1998"),
                pair("Oct. 23, 2001", "2001-10-23"),
                pair("Earlier that day", "2001-10-23"),
            ]
        );
        assert_eq!(
            values(
                "He joined the board in May 1995, and the following year he was chairman. \
                 The mill shut last October; its sign came down that same day.",
                "2026-11-16"
            ),
            vec![
                pair("May 1995", "1995-05"),
                pair("the following year", "1996"),
                pair("last October", "2025-10"),
                pair("that same day", "2025-10-XX"),
            ]
        );
        // With nothing named before, "that day" is not tagged; "that year-end" is a compound.
        assert_eq!(
            values(
                "Nobody forgot that day. He said that year-end sales rose.",
                "2026-11-16"
            ),
            Vec::<(String, String)>::new()
        );
    }

    #[test]
    fn issue_4_year_earlier_adjectives_and_decades_in_years() {
        assert_eq!(
            values(
                "Sales rose in the third quarter, compared with a year-earlier loss. \
                 The year-ago results included a charge.",
                "2026-11-16"
            ),
            vec![
                pair("the third quarter", "2026-Q3"),
                pair("year-earlier", "2025-Q3"),
                pair("year-ago", "2025-Q3"),
            ]
        );
        assert_eq!(
            values("Costs fell from year-earlier levels.", "2026-11-16"),
            vec![pair("year-earlier", "2025")]
        );
        assert_eq!(
            values("Prices were the lowest in two decades.", "2026-11-16"),
            vec![pair("two decades", "P20Y")]
        );
    }

    #[test]
    fn issue_4_last_month_name_skips_the_month_just_ended() {
        // On March 2, "last February" is a year back: the month just ended is "last month".
        assert_eq!(
            values("Two boats sank last February.", "2026-03-02"),
            vec![pair("last February", "2025-02")]
        );
        assert_eq!(
            values("Two boats sank last January.", "2026-03-02"),
            vec![pair("last January", "2026-01")]
        );
    }

    #[test]
    fn issue_4_as_soon_as_looks_ahead_and_short_durations_after_barely() {
        // 2026-11-16 is a Monday.
        assert_eq!(
            values(
                "The crew could leave as soon as Thursday, she said.",
                "2026-11-16"
            ),
            vec![pair("Thursday", "2026-11-19")]
        );
        assert_eq!(
            values(
                "The ban came barely a month after the strike, and the appeal could take \
                 as long as a year.",
                "2026-11-16"
            ),
            vec![pair("a month", "P1M"), pair("a year", "P1Y")]
        );
        assert_eq!(
            values("Tickets cost $40 a month.", "2026-11-16"),
            Vec::<(String, String)>::new()
        );
    }

    #[test]
    fn issue_4_holidays() {
        // Thanksgiving is the fourth Thursday of November (2025-11-27).
        assert_eq!(
            values(
                "The ferry has not sailed since Thanksgiving. It stopped on Christmas Eve \
                 last year and will sail on New Year's Day.",
                "2026-02-10"
            ),
            vec![
                pair("Thanksgiving", "2025-11-27"),
                pair("Christmas Eve", "2025-12-24"),
                pair("last year", "2025"),
                pair("New Year's Day", "2027-01-01"),
            ]
        );
        assert_eq!(
            values(
                "Families met last Thanksgiving and plan to meet next Christmas.",
                "2026-02-10"
            ),
            vec![
                pair("last Thanksgiving", "2025-11-27"),
                pair("next Christmas", "2026-12-25"),
            ]
        );
        // A holiday's name as a modifier is no date.
        assert_eq!(
            values("Christmas trees were on sale.", "2026-02-10"),
            Vec::<(String, String)>::new()
        );
    }

    #[test]
    fn issue_4_a_plan_as_a_noun_sets_no_tense() {
        // 2026-11-16 is a Monday: "vacation plans for the trip" does not make Friday ahead.
        assert_eq!(
            values(
                "On Friday, when the minister set aside vacation plans for the trip, the \
                 office lifted a warning.",
                "2026-11-16"
            ),
            vec![pair("Friday", "2026-11-13")]
        );
        assert_eq!(
            values("The minister plans a visit on Friday.", "2026-11-16"),
            vec![pair("Friday", "2026-11-20")]
        );
    }

    #[test]
    fn issue_4_titles_and_the_present_age_are_not_today() {
        assert_eq!(
            values(
                "He told USA Today that today's youth read less. He left today.",
                "2026-11-16"
            ),
            vec![pair("today", "2026-11-16")]
        );
        assert_eq!(
            values(
                "She builds the cities of tomorrow and leaves at the end of tomorrow.",
                "2026-11-16"
            ),
            vec![pair("the end of tomorrow", "2026-11-17")]
        );
    }

    #[test]
    fn issue_4_ages_marches_and_future() {
        assert_eq!(
            values(
                "Smith, 52 years old, joined the annual March for Peace.",
                "2026-11-16"
            ),
            Vec::<(String, String)>::new()
        );
        assert_eq!(
            values(
                "The charge covers future losses, not the foreseeable future.",
                "2026-11-16"
            ),
            vec![pair("future", "FUTURE_REF")]
        );
    }

    #[test]
    fn issue_4_parts_of_days_sets_and_coming_months() {
        assert_eq!(
            values(
                "Shares fell at mid-afternoon yesterday; hourly wages rose and may rise \
                 again in the coming months.",
                "2026-11-16"
            ),
            vec![
                pair("mid-afternoon yesterday", "2026-11-15TAF"),
                pair("hourly", "PT1H"),
                pair("the coming months", "FUTURE_REF"),
            ]
        );
    }

    // Issue 4, round 6 (docs/results/analyze-r6.md): each rule was checked on two folds of the
    // TempEval-3 dev half.

    #[test]
    fn issue_4_would_does_not_push_a_weekday_forward() {
        // "would" is a conditional or a future seen from the past (a Friday report).
        assert_eq!(
            values(
                "The family said they would look for ways to get around Wednesday's ruling.",
                "2000-01-07"
            ),
            vec![pair("Wednesday", "2000-01-05")]
        );
        // Far ahead of the time of speaking it still points forward.
        assert_eq!(
            values("The notes would be repaid in five years.", "1989-11-02"),
            vec![pair("five years", "1994")]
        );
    }

    #[test]
    fn issue_4_modified_day_keeps_its_part_of_day() {
        assert_eq!(
            values("The march began early Friday morning.", "2000-01-28"),
            vec![pair("early Friday morning", "2000-01-28TMO")]
        );
    }

    #[test]
    fn issue_4_next_and_previous_day_follow_the_named_day() {
        assert_eq!(
            values(
                "The rebels attacked on Feb. 20. The next day, troops arrived. The previous day \
                 was calm. The day before, nobody came.",
                "1998-03-03"
            ),
            vec![
                pair("Feb. 20", "1998-02-20"),
                pair("The next day", "1998-02-21"),
                pair("The previous day", "1998-02-20"),
                pair("The day before", "1998-02-19"),
            ]
        );
        // Nothing named before it, or "the day before <event>": not tagged.
        assert!(values("The next day, troops arrived.", "1998-03-03").is_empty());
        assert_eq!(
            values(
                "On Monday the army left the day before the vote.",
                "1998-03-04"
            ),
            vec![pair("Monday", "1998-03-02")]
        );
    }

    #[test]
    fn issue_4_two_digit_decades() {
        assert_eq!(
            values(
                "He served through the late '80s and the 90s, and in the 1960s and '70s.",
                "1998-03-03"
            ),
            // The article goes with a modified decade too ("the late 1970s" in TimeBank).
            vec![
                pair("the late '80s", "198"),
                pair("the 90s", "199"),
                pair("the 1960s", "196"),
                pair("'70s", "197"),
            ]
        );
        // An age is not a decade.
        assert!(values(
            "She is in her 80s and they are in their mid-70s.",
            "1998-03-03"
        )
        .is_empty());
    }

    #[test]
    fn issue_4_more_straight_and_long_durations() {
        assert_eq!(
            values(
                "The drought lasted three straight years. It runs for an additional year.",
                "1998-03-03"
            ),
            vec![
                pair("three straight years", "P3Y"),
                pair("an additional year", "P1Y")
            ]
        );
        assert_eq!(
            values(
                "The week-long talks ended the decades-long war after a yearlong fight.",
                "1998-03-03"
            ),
            vec![
                pair("week-long", "P1W"),
                pair("decades-long", "PXY"),
                pair("yearlong", "P1Y"),
            ]
        );
        assert!(values("He was more popular than ever.", "1998-03-03").is_empty());
    }

    #[test]
    fn issue_4_halves_quarter_centuries_and_thousands() {
        assert_eq!(
            values(
                "It took half an hour, then an hour and a half, then two and a half years.",
                "1998-03-03"
            ),
            vec![
                pair("half an hour", "PT30M"),
                pair("an hour and a half", "PT1H30M"),
                pair("two and a half years", "P2Y6M"),
            ]
        );
        assert_eq!(
            values("They were married for a quarter century.", "1998-03-03"),
            vec![pair("a quarter century", "P25Y")]
        );
        assert_eq!(
            values(
                "The calendar began 1,400 years ago. It ends on Jan. 1, 1990.",
                "1989-11-02"
            ),
            vec![
                pair("1,400 years ago", "0589"),
                pair("Jan. 1, 1990", "1990-01-01")
            ]
        );
    }

    #[test]
    fn issue_4_some_day_ahead_past_weekend_and_march_names() {
        assert_eq!(
            values(
                "Islam will one day be the second religion; someday it may.",
                "1998-03-03"
            ),
            vec![pair("one day", "FUTURE_REF"), pair("someday", "FUTURE_REF")]
        );
        assert_eq!(
            values("He spent one day there.", "1998-03-03"),
            vec![pair("one day", "P1D")]
        );
        assert_eq!(
            values("The storm hit this past weekend.", "1989-11-02"),
            vec![pair("this past weekend", "1989-W43-WE")]
        );
        assert_eq!(
            values(
                "The March of the Mothers began. He left in March of 1988.",
                "2000-01-15"
            ),
            vec![pair("March of 1988", "1988-03")]
        );
    }

    #[test]
    fn issue_4_bounds_belong_to_the_amount() {
        assert_eq!(
            values(
                "The talks lasted nearly two years, at least 20 more years remain, detention is \
                 up to 180 days and no more than sixty days, less than one hour passed. It \
                 began almost four years ago.",
                "1998-02-27"
            ),
            vec![
                pair("nearly two years", "P2Y"),
                pair("at least 20 more years", "P20Y"),
                pair("up to 180 days", "P180D"),
                pair("no more than sixty days", "P60D"),
                pair("less than one hour", "PT1H"),
                pair("almost four years ago", "1994"),
            ]
        );
        // "about" and "over" stay outside the extent, as in TimeBank.
        assert_eq!(
            values("It took about two years, over a week.", "1998-02-27"),
            vec![pair("two years", "P2Y"), pair("a week", "P1W")]
        );
        // A bound on something that is not an amount of time is not tagged.
        assert_eq!(
            values("Nearly 5,000 people came, more than Monday.", "1998-02-27"),
            vec![pair("Monday", "1998-02-23")]
        );
    }

    #[test]
    fn issue_4_the_before_a_hyphenated_duration_is_left_out() {
        assert_eq!(
            values(
                "He served the eight-year term and the two days after.",
                "1990-08-15"
            ),
            vec![pair("eight-year", "P8Y"), pair("the two days", "P2D")]
        );
    }

    #[test]
    fn issue_4_the_before_an_early_or_late_decade_is_kept() {
        assert_eq!(
            values(
                "Prices rose in the late 1970s and fell in early 1980s.",
                "1998-02-19"
            ),
            vec![pair("the late 1970s", "197"), pair("early 1980s", "198")]
        );
    }

    #[test]
    fn issue_4_scheduled_present_tense_points_ahead() {
        assert_eq!(
            values(
                "The show opens to the public Friday. He met them Monday. They did not meet \
                 Tuesday.",
                "2019-10-15"
            ),
            vec![
                pair("Friday", "2019-10-18"),
                pair("Monday", "2019-10-14"),
                pair("Tuesday", "2019-10-15"),
            ]
        );
    }

    #[test]
    fn issue_4_month_quarters_and_centuries_in_words() {
        assert_eq!(
            values(
                "Earnings for the September quarter rose, as in the fourteenth century and the \
                 twenty-first century.",
                "2019-10-15"
            ),
            vec![
                pair("the September quarter", "2019-Q3"),
                pair("the fourteenth century", "13"),
                pair("the twenty-first century", "20"),
            ]
        );
    }

    #[test]
    fn issue_4_plural_weekdays_are_sets() {
        assert_eq!(
            values(
                "Flights leave on Mondays and on Tuesday nights; Friday nights are quiet.",
                "1998-02-13"
            ),
            vec![
                pair("Mondays", "XXXX-WXX-1"),
                pair("Tuesday nights", "XXXX-WXX-2TNI"),
                pair("Friday nights", "XXXX-WXX-5TNI"),
            ]
        );
    }

    #[test]
    fn issue_4_in_seconds_or_minutes_is_a_duration() {
        assert_eq!(
            values(
                "The car will reach 60 mph in five seconds and will be ready in two weeks.",
                "2019-10-15"
            ),
            vec![pair("five seconds", "PT5S"), pair("two weeks", "2019-W44")]
        );
    }
}
