//! TempEval-3 time expression metrics: strict and relaxed extent F1, value accuracy and F1.
//!
//! Definitions (UzZaman et al., 2013): a system expression matches a gold one strictly when the
//! extents are equal and relaxed when they overlap. Precision counts system expressions with a
//! match, recall gold expressions with a match. Value F1 counts a match when the extents overlap
//! and the values are equal; value accuracy is the share of relaxed matches whose values agree.

/// One expression: a half-open offset range (bytes or characters, the same for gold and system)
/// and its TIMEX3 value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timex {
    /// First offset.
    pub start: usize,
    /// One past the last offset.
    pub end: usize,
    /// TIMEX3 value.
    pub value: String,
}

impl Timex {
    fn overlaps(&self, other: &Timex) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Counts summed over documents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Gold expressions.
    pub gold: usize,
    /// System expressions.
    pub system: usize,
    /// System expressions with an equal-extent gold one.
    pub strict_system: usize,
    /// Gold expressions with an equal-extent system one.
    pub strict_gold: usize,
    /// System expressions overlapping a gold one.
    pub relaxed_system: usize,
    /// Gold expressions overlapping a system one.
    pub relaxed_gold: usize,
    /// System expressions overlapping a gold one with the same value.
    pub value_system: usize,
    /// Gold expressions overlapping a system one with the same value.
    pub value_gold: usize,
}

impl Counts {
    /// Scores one document and adds it to the counts.
    pub fn add(&mut self, gold: &[Timex], system: &[Timex]) {
        self.gold += gold.len();
        self.system += system.len();
        for s in system {
            let strict = gold.iter().any(|g| g.start == s.start && g.end == s.end);
            let relaxed = gold.iter().any(|g| g.overlaps(s));
            let value = gold.iter().any(|g| g.overlaps(s) && g.value == s.value);
            self.strict_system += strict as usize;
            self.relaxed_system += relaxed as usize;
            self.value_system += value as usize;
        }
        for g in gold {
            let strict = system.iter().any(|s| g.start == s.start && g.end == s.end);
            let relaxed = system.iter().any(|s| g.overlaps(s));
            let value = system.iter().any(|s| g.overlaps(s) && g.value == s.value);
            self.strict_gold += strict as usize;
            self.relaxed_gold += relaxed as usize;
            self.value_gold += value as usize;
        }
    }

    /// Adds another set of counts.
    pub fn merge(&mut self, other: &Counts) {
        self.gold += other.gold;
        self.system += other.system;
        self.strict_system += other.strict_system;
        self.strict_gold += other.strict_gold;
        self.relaxed_system += other.relaxed_system;
        self.relaxed_gold += other.relaxed_gold;
        self.value_system += other.value_system;
        self.value_gold += other.value_gold;
    }

    /// Precision, recall and F1 from the counts.
    pub fn scores(&self) -> Scores {
        let prf = |hit_system: usize, hit_gold: usize| {
            let p = ratio(hit_system, self.system);
            let r = ratio(hit_gold, self.gold);
            let f = if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            };
            Prf { p, r, f1: f }
        };
        Scores {
            strict: prf(self.strict_system, self.strict_gold),
            relaxed: prf(self.relaxed_system, self.relaxed_gold),
            value: prf(self.value_system, self.value_gold),
            value_accuracy: ratio(self.value_gold, self.relaxed_gold),
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Precision, recall, F1.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Prf {
    /// Precision.
    pub p: f64,
    /// Recall.
    pub r: f64,
    /// F1.
    pub f1: f64,
}

/// The TempEval-3 figures.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Scores {
    /// Exact extent match.
    pub strict: Prf,
    /// Overlapping extent match.
    pub relaxed: Prf,
    /// Overlapping extent with an equal value.
    pub value: Prf,
    /// Share of relaxed matches (gold side) with an equal value.
    pub value_accuracy: f64,
}

/// One TimeML document: plain text (tags removed, XML entities decoded), the gold TIMEX3
/// expressions as byte offsets into that text, and the document creation time.
#[derive(Clone, Debug)]
pub struct TimeMlDocument {
    /// The `<TEXT>` content as plain text.
    pub text: String,
    /// The date of the TIMEX3 with `functionInDocument="CREATION_TIME"`.
    pub dct: Option<chrono::NaiveDate>,
    /// Gold expressions (byte offsets into `text`).
    pub gold: Vec<Timex>,
}

/// Parses one TimeML document; `None` when it has no `<TEXT>` or a tag is not closed.
pub fn parse_timeml(source: &str) -> Option<TimeMlDocument> {
    let dct = source
        .split("<TIMEX3")
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        .find(|tag| tag.contains("functionInDocument=\"CREATION_TIME\""))
        .and_then(|tag| attribute(tag, "value"))
        .and_then(|v| chrono::NaiveDate::parse_from_str(v.get(..10)?, "%Y-%m-%d").ok());
    let body_start = source.find("<TEXT>")? + "<TEXT>".len();
    let body_end = source[body_start..]
        .find("</TEXT>")
        .map(|e| body_start + e)
        .unwrap_or(source.len());
    let body = &source[body_start..body_end];
    let mut text = String::with_capacity(body.len());
    let mut gold = Vec::new();
    let mut open: Option<(usize, String)> = None;
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        push_decoded(&mut text, &rest[..lt]);
        let gt = rest[lt..].find('>').map(|g| lt + g)?;
        let tag = &rest[lt + 1..gt];
        if tag.starts_with("TIMEX3") {
            open = Some((text.len(), attribute(tag, "value").unwrap_or_default()));
        } else if tag.starts_with("/TIMEX3") {
            if let Some((start, value)) = open.take() {
                gold.push(Timex {
                    start,
                    end: text.len(),
                    value,
                });
            }
        }
        rest = &rest[gt + 1..];
    }
    push_decoded(&mut text, rest);
    Some(TimeMlDocument { text, dct, gold })
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string())
}

fn push_decoded(out: &mut String, raw: &str) {
    const ENTITIES: [(&str, &str); 5] = [
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&apos;", "'"),
    ];
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        match ENTITIES.iter().find(|(e, _)| after.starts_with(e)) {
            Some((e, c)) => {
                out.push_str(c);
                rest = &after[e.len()..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(start: usize, end: usize, value: &str) -> Timex {
        Timex {
            start,
            end,
            value: value.into(),
        }
    }

    #[test]
    fn strict_relaxed_and_value_matches() {
        let gold = vec![t(0, 6, "2023-03-20"), t(10, 20, "P3D"), t(30, 34, "2019")];
        let system = vec![t(0, 6, "2023-03-20"), t(12, 20, "P2D"), t(40, 44, "2020")];
        let mut counts = Counts::default();
        counts.add(&gold, &system);
        let s = counts.scores();
        assert!((s.strict.p - 1.0 / 3.0).abs() < 1e-9);
        assert!((s.relaxed.r - 2.0 / 3.0).abs() < 1e-9);
        assert!((s.value.f1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((s.value_accuracy - 0.5).abs() < 1e-9);
    }
}
