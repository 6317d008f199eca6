//! Publication date inference from the dates in the text and their tenses.
//!
//! Evidence, strongest first:
//! 1. a relative expression next to an absolute one ("last month on February 22", "yesterday,
//!    March 3", "last year in 2022") fixes the publication month, day or year;
//! 2. dates with a year told in the past (or in no tense, such as captions) bound it from
//!    below: the article cannot predate what it reports.
//!
//! The result is an interval at the grain the evidence allows.
use crate::times::{Direction, Found, Sem, Tagger, Unit};
use chrono::{Datelike, Duration, NaiveDate};
use storyfold_model::{DateSource, Grain, Published};

/// What the relative-plus-absolute pairs say about the publication date.
#[derive(Clone, Debug, Default)]
struct Pins {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    evidence: Vec<String>,
}

fn first_day(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

fn last_day(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    first_day(y, m).map(|d| d - Duration::days(1))
}

/// The earliest day a dated expression covers, when it names a year.
fn start_of(sem: &Sem, context_year: Option<i32>) -> Option<NaiveDate> {
    match sem {
        Sem::Date { year, month, day } => {
            let year = (*year).or(context_year)?;
            NaiveDate::from_ymd_opt(year, month.unwrap_or(1), day.unwrap_or(1))
        }
        Sem::Quarter {
            year: Some(y),
            quarter,
        } if *quarter > 0 => first_day(*y, (quarter - 1) * 3 + 1),
        Sem::Range(a, _) | Sem::WithTime(a, _) | Sem::DatedWeekday(_, a) => {
            start_of(a, context_year)
        }
        _ => None,
    }
}

/// Infers the publication date from `found` (the tagger's expressions over `text`).
pub fn infer(tagger: &Tagger<'_>, found: &[Found]) -> Option<Published> {
    let mut pins = Pins::default();
    let mut lower: Option<(NaiveDate, String)> = None;
    for (k, f) in found.iter().enumerate() {
        let (_, _, text) = tagger.span_text(f.first, f.end);
        if f.direction != Direction::Future {
            if let Some(start) = start_of(&f.sem, f.context_year) {
                if lower.as_ref().is_none_or(|(d, _)| start > *d) {
                    lower = Some((start, text.to_string()));
                }
            }
        }
        // A relative expression right next to an absolute one.
        let Some(g) = found.get(k + 1) else { continue };
        if g.first > f.end + 3 || tagger.has_stop_between(f.end, g.first) {
            continue;
        }
        let (rel, abs, ctx) = match (&f.sem, &g.sem) {
            (r @ (Sem::RelUnit(..) | Sem::RelDay(_) | Sem::Offset(..)), a @ Sem::Date { .. }) => {
                (r, a, g.context_year)
            }
            (a @ Sem::Date { .. }, r @ (Sem::RelUnit(..) | Sem::RelDay(_) | Sem::Offset(..))) => {
                (r, a, f.context_year)
            }
            _ => continue,
        };
        let Sem::Date { year, month, day } = abs else {
            continue;
        };
        let year = year.or(ctx);
        let (_, _, pair) = tagger.span_text(f.first, g.end);
        match rel {
            Sem::RelUnit(Unit::Month, n) | Sem::Offset(Unit::Month, n) => {
                if let Some(m) = month {
                    let index = year.unwrap_or(2000) as i64 * 12 + (*m as i64 - 1) - n;
                    pins.month = Some((index.rem_euclid(12) + 1) as u32);
                    if year.is_some() {
                        pins.year = Some(index.div_euclid(12) as i32);
                    }
                    pins.evidence.push(pair.to_string());
                }
            }
            Sem::RelUnit(Unit::Year, n) | Sem::Offset(Unit::Year, n) => {
                if let Some(y) = year {
                    pins.year = Some((y as i64 - n) as i32);
                    pins.evidence.push(pair.to_string());
                }
            }
            Sem::RelDay(n) | Sem::Offset(Unit::Day, n) => {
                if let (Some(m), Some(d)) = (month, day) {
                    let anchor = NaiveDate::from_ymd_opt(year.unwrap_or(2000), *m, *d);
                    if let Some(date) = anchor.map(|a| a - Duration::days(*n)) {
                        pins.month = Some(date.month());
                        pins.day = Some(date.day());
                        if year.is_some() {
                            pins.year = Some(date.year());
                        }
                        pins.evidence.push(pair.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    let mut evidence = pins.evidence.clone();
    let bound = lower.as_ref().map(|(d, _)| *d);
    if let Some((_, text)) = &lower {
        evidence.push(text.clone());
    }
    let (earliest, latest, grain) = match (pins.year, pins.month, pins.day) {
        (Some(y), Some(m), Some(d)) => {
            let date = NaiveDate::from_ymd_opt(y, m, d)?;
            (date, date, Grain::Day)
        }
        (Some(y), Some(m), None) => (first_day(y, m)?, last_day(y, m)?, Grain::Month),
        (year, Some(m), day) => {
            // The first such month (or day) on or after the lower bound.
            let bound = bound?;
            let mut y = year.unwrap_or(bound.year());
            loop {
                let (start, end) = match day {
                    Some(d) => {
                        let date = NaiveDate::from_ymd_opt(y, m, d)?;
                        (date, date)
                    }
                    None => (first_day(y, m)?, last_day(y, m)?),
                };
                if end >= bound {
                    let grain = if day.is_some() {
                        Grain::Day
                    } else {
                        Grain::Month
                    };
                    break (start.max(bound), end, grain);
                }
                y += 1;
                if y > bound.year() + 1 {
                    return None;
                }
            }
        }
        (Some(y), None, _) => {
            let start = NaiveDate::from_ymd_opt(y, 1, 1)?;
            let end = NaiveDate::from_ymd_opt(y, 12, 31)?;
            (
                bound.map_or(start, |b| b.max(start)).min(end),
                end,
                Grain::Year,
            )
        }
        // Only a lower bound (the article is from after the latest date it reports) places the
        // article nowhere: a report of 2023 may name 2019 as its latest date. No guess is given.
        (None, None, _) => return None,
    };
    Some(Published {
        date: earliest,
        datetime: None,
        source: DateSource::Inferred {
            earliest,
            latest,
            grain,
            evidence: evidence.join("; "),
        },
    })
}
