//! TIMEX3 values as calendar intervals, so dates of different grains can be compared.
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use storyfold_model::{Grain, TimeExpression};

/// A closed interval of calendar days that a date value denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

impl Interval {
    /// Whether the two intervals share a day.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start <= other.end && other.start <= self.end
    }
    /// Whether `other` lies within this interval.
    pub fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    /// Length in days.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).map(|d| d - Duration::days(1))
}

/// The interval a TIMEX3 point value denotes: `2023-03-20`, `2023-03`, `2023`, `2023-W12`,
/// `2023-Q1`, `2023-H1`, seasons (`2023-SP`), times (`2023-03-20T10:00`). Anything else
/// (durations, references, unknown `XXXX` parts) has none.
pub fn interval(value: &str) -> Option<Interval> {
    let value = value.split('T').next().unwrap_or(value);
    let mut parts = value.split('-');
    let year: i32 = parts.next()?.parse().ok().filter(|_| value.len() >= 4)?;
    if value
        .get(..4)
        .is_none_or(|y| !y.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let Some(second) = parts.next() else {
        return Some(Interval {
            start: NaiveDate::from_ymd_opt(year, 1, 1)?,
            end: NaiveDate::from_ymd_opt(year, 12, 31)?,
        });
    };
    if let Ok(month) = second.parse::<u32>() {
        if let Some(day) = parts.next() {
            let date = NaiveDate::from_ymd_opt(year, month, day.parse().ok()?)?;
            return Some(Interval {
                start: date,
                end: date,
            });
        }
        return Some(Interval {
            start: NaiveDate::from_ymd_opt(year, month, 1)?,
            end: month_end(year, month)?,
        });
    }
    let months = |first: u32, last: u32| -> Option<Interval> {
        Some(Interval {
            start: NaiveDate::from_ymd_opt(year, first, 1)?,
            end: month_end(year, last)?,
        })
    };
    match second {
        w if w.starts_with('W') => {
            let week: u32 = w[1..].parse().ok()?;
            let start = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)?;
            Some(Interval {
                start,
                end: start + Duration::days(6),
            })
        }
        "Q1" => months(1, 3),
        "Q2" => months(4, 6),
        "Q3" => months(7, 9),
        "Q4" => months(10, 12),
        "H1" => months(1, 6),
        "H2" => months(7, 12),
        "SP" => months(3, 5),
        "SU" => months(6, 8),
        "FA" => months(9, 11),
        "WI" => Some(Interval {
            start: NaiveDate::from_ymd_opt(year, 12, 1)?,
            end: month_end(year + 1, 2)?,
        }),
        _ => None,
    }
}

/// The interval of a time expression, ranges included; `None` for durations, references and
/// values without a known calendar position.
pub fn time_interval(time: &TimeExpression) -> Option<Interval> {
    if matches!(
        time.grain,
        Grain::Duration | Grain::Reference | Grain::Decade
    ) {
        return None;
    }
    let start = interval(&time.value)?;
    match time.end_value.as_deref().and_then(interval) {
        Some(end) if end.end >= start.start => Some(Interval {
            start: start.start,
            end: end.end,
        }),
        _ => Some(start),
    }
}

/// The value at the precision of `grain` as the timeline shows it: `YYYY-MM-DD`, `YYYY-MM` or
/// `YYYY`; weeks and other spans show their first day.
pub fn display(date: NaiveDate, grain: Grain) -> String {
    match grain {
        Grain::Month => format!("{:04}-{:02}", date.year(), date.month()),
        Grain::Year => format!("{:04}", date.year()),
        _ => date.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn reads_every_grain() {
        assert_eq!(interval("2023-03-20").unwrap().start, day("2023-03-20"));
        let month = interval("2022-02").unwrap();
        assert_eq!(
            (month.start, month.end),
            (day("2022-02-01"), day("2022-02-28"))
        );
        assert_eq!(interval("2019").unwrap().days(), 365);
        let week = interval("2023-W12").unwrap();
        assert_eq!(
            (week.start, week.end),
            (day("2023-03-20"), day("2023-03-26"))
        );
        assert_eq!(interval("2023-SP").unwrap().end, day("2023-05-31"));
        assert_eq!(
            interval("2023-03-20T10:00").unwrap().start,
            day("2023-03-20")
        );
        assert!(interval("XXXX-XX-XX").is_none());
        assert!(interval("P3D").is_none());
        assert!(interval("PRESENT_REF").is_none());
    }

    #[test]
    fn containment_and_overlap() {
        let month = interval("2022-12").unwrap();
        let day30 = interval("2022-12-30").unwrap();
        assert!(month.contains(&day30) && month.overlaps(&day30));
        assert!(!day30.overlaps(&interval("2023-01-02").unwrap()));
    }
}
