//! The timeline: dated events of a story, grouped across articles and ordered by event date.
use crate::claims::Aligned;
use crate::dates::{display, Interval};
use crate::sources::Sources;
use crate::terms::WordCache;
use crate::CorroborateConfig;
use storyfold_model::text::words;
use storyfold_model::{Doc, Grain, Span, TimelineEntry};

struct Mention {
    doc: usize,
    /// The sentence that reports it.
    sentence: Span,
    /// The claim unit holding the time expression, when it is one.
    unit: Option<usize>,
    interval: Interval,
    grain: Grain,
    is_range: bool,
    start: usize,
}

fn finer(a: &Mention, b: &Mention) -> bool {
    a.interval.days() < b.interval.days()
}

/// The weighted Dice similarity of two claim units, with one unit's terms marked in a dense
/// table so that each comparison only looks up the other's (the timeline compares one mention
/// with many). Shared weights are added in term order, as a merge of the sorted lists would.
struct Overlap {
    /// Term -> 1 + the unit whose terms were marked last with it.
    owner: Vec<u32>,
    /// The stamp of the unit marked last (0: none).
    marked: u32,
}

impl Overlap {
    fn similarity(&mut self, aligned: &Aligned, a: usize, b: usize) -> f32 {
        let (x, y) = (&aligned.units[a], &aligned.units[b]);
        let stamp = a as u32 + 1;
        if self.marked != stamp {
            for &t in &x.terms {
                self.owner[t as usize] = stamp;
            }
            self.marked = stamp;
        }
        let mut shared = 0.0;
        for &t in &y.terms {
            if self.owner[t as usize] == stamp {
                shared += aligned.weights[t as usize];
            }
        }
        2.0 * shared / (x.weight + y.weight).max(f32::EPSILON)
    }
}

/// Whether `time` sits in the dateline that opens `sentence` ("KELMOUTH, Nov 17 (MPA) - "):
/// a first word in capitals and a dash after the time within the first 60 bytes. A dateline
/// dates the report, not an event.
fn in_dateline(text: &str, sentence: Span, time: Span) -> bool {
    let head = text
        .get(sentence.start..sentence.end.min(sentence.start + 60))
        .unwrap_or("");
    let first = words(head).next().map(|w| w.text).unwrap_or("");
    let shouting = first.chars().count() >= 3
        && first
            .chars()
            .all(|c| !c.is_alphabetic() || c.is_uppercase());
    shouting
        && [" - ", " — ", " – "]
            .iter()
            .filter_map(|d| head.find(d))
            .min()
            .is_some_and(|dash| time.end <= sentence.start + dash)
}

/// Builds the timeline from the docs' time expressions.
pub(crate) fn build(
    config: &CorroborateConfig,
    docs: &[Doc],
    aligned: &Aligned,
    sources: &Sources,
    word_cache: &mut WordCache,
) -> Vec<TimelineEntry> {
    // Units by doc, for finding the unit around a time expression.
    let mut units_of: Vec<Vec<usize>> = vec![Vec::new(); docs.len()];
    for (u, unit) in aligned.units.iter().enumerate() {
        units_of[unit.doc].push(u);
    }
    let mut mentions: Vec<Mention> = Vec::new();
    let mut tokens = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        let mut in_doc: Vec<Mention> = Vec::new();
        for (t, time) in doc.times.iter().enumerate() {
            if !matches!(
                time.grain,
                Grain::Day
                    | Grain::Time
                    | Grain::Week
                    | Grain::Month
                    | Grain::Quarter
                    | Grain::Year
            ) {
                continue;
            }
            let Some(interval) = aligned.intervals[d][t] else {
                continue;
            };
            let Some(sentence) = doc
                .sentences
                .iter()
                .find(|s| s.span.start <= time.span.start && time.span.start < s.span.end)
                .map(|s| s.span)
            else {
                continue;
            };
            if in_dateline(&doc.text, sentence, time.span) {
                continue;
            }
            // A dateline or time stamp ("Last Updated: March 13, 2023") reports no event: too
            // few words outside the time expression.
            aligned.doc_words[d].within(
                &doc.text,
                sentence.start,
                sentence.end,
                word_cache,
                &mut tokens,
            );
            let outside = tokens
                .iter()
                .filter(|&&(at, _, _)| !(time.span.start <= at && at < time.span.end))
                .filter(|&&(_, _, i)| {
                    let info = &word_cache.infos[i as usize];
                    !info.function && info.raw_long
                })
                .count();
            if outside < config.timeline_min_words {
                continue;
            }
            let unit = units_of[d]
                .iter()
                .copied()
                .find(|&u| aligned.units[u].span.contains(&time.span));
            in_doc.push(Mention {
                doc: d,
                sentence,
                unit,
                interval,
                grain: if time.grain == Grain::Time {
                    Grain::Day
                } else {
                    time.grain
                },
                is_range: time.end_value.is_some(),
                start: time.span.start,
            });
        }
        // A coarse date that only frames a finer one in the same sentence ("towards the end of
        // 2022, on December 30") adds no event of its own.
        let keep: Vec<bool> = in_doc
            .iter()
            .map(|m| {
                !in_doc.iter().any(|o| {
                    o.sentence == m.sentence && finer(o, m) && m.interval.contains(&o.interval)
                })
            })
            .collect();
        mentions.extend(
            in_doc
                .into_iter()
                .zip(keep)
                .filter(|(_, k)| *k)
                .map(|(m, _)| m),
        );
    }

    // Group mentions of one event: equal or nested dates in sentences of the same claim (or
    // similar enough sentences); every pair in a group must overlap.
    let n = mentions.len();
    let mut group: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut overlap = Overlap {
        owner: vec![0; aligned.weights.len()],
        marked: 0,
    };
    let mut same_event = |a: &Mention, b: &Mention| -> bool {
        let equal = a.interval == b.interval;
        let nested = a.interval.contains(&b.interval) || b.interval.contains(&a.interval);
        if !(equal || nested) {
            return false;
        }
        // A day inside a range is another statement (its first day, say), not the range again.
        let coarse_is_range = if a.interval.days() > b.interval.days() {
            a.is_range
        } else {
            b.is_range
        };
        if !equal && coarse_is_range {
            return false;
        }
        if a.doc == b.doc && a.sentence == b.sentence {
            return equal;
        }
        // The same span of several days in two articles of one story ("from Monday to
        // Wednesday") is one event however the sentences around it are worded.
        if equal && a.is_range && b.is_range && a.doc != b.doc {
            return true;
        }
        let (Some(ua), Some(ub)) = (a.unit, b.unit) else {
            return false;
        };
        if aligned.claim_of[ua].is_some() && aligned.claim_of[ua] == aligned.claim_of[ub] {
            return true;
        }
        let sim = overlap.similarity(aligned, ua, ub);
        sim >= if equal {
            config.timeline_similarity
        } else {
            config.timeline_similarity + 0.1
        }
    };
    // Only equal or nested dates can be one event: each mention meets just the later mentions
    // whose date is equal to or nested with its own, still in index order (the groups depend on
    // the order pairs are joined in).
    let mut distinct: Vec<Interval> = mentions.iter().map(|m| m.interval).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut bucket: Vec<Vec<usize>> = vec![Vec::new(); distinct.len()];
    let mut bucket_of: Vec<usize> = Vec::with_capacity(n);
    for (i, m) in mentions.iter().enumerate() {
        // Invariant: `distinct` holds every mention's interval.
        let k = distinct.binary_search(&m.interval).unwrap_or(0);
        bucket[k].push(i);
        bucket_of.push(k);
    }
    let nested: Vec<Vec<usize>> = distinct
        .iter()
        .map(|a| {
            (0..distinct.len())
                .filter(|&k| a.contains(&distinct[k]) || distinct[k].contains(a))
                .collect()
        })
        .collect();
    let mut later: Vec<usize> = Vec::new();
    for i in 0..n {
        later.clear();
        for &k in &nested[bucket_of[i]] {
            let list = &bucket[k];
            later.extend_from_slice(&list[list.partition_point(|&j| j <= i)..]);
        }
        later.sort_unstable();
        for &j in &later {
            let (gi, gj) = (group[i], group[j]);
            if gi == gj || !same_event(&mentions[i], &mentions[j]) {
                continue;
            }
            let overlap_all = members[gi].iter().all(|&x| {
                members[gj]
                    .iter()
                    .all(|&y| mentions[x].interval.overlaps(&mentions[y].interval))
            });
            if !overlap_all {
                continue;
            }
            let (keep, gone) = (gi.min(gj), gi.max(gj));
            let moved = std::mem::take(&mut members[gone]);
            for &m in &moved {
                group[m] = keep;
            }
            members[keep].extend(moved);
        }
    }

    let published = |d: usize| docs[d].published.as_ref().map(|p| p.date);
    // Formatted once per article, not once per entry.
    let published_text: Vec<Option<String>> = (0..docs.len())
        .map(|d| published(d).map(|p| p.format("%Y-%m-%d").to_string()))
        .collect();
    let mut entries: Vec<(Interval, (usize, usize), TimelineEntry)> = Vec::new();
    for list in members.into_iter().filter(|m| !m.is_empty()) {
        // The finest date; among equals, the earliest original's wording.
        let best = *list
            .iter()
            .min_by_key(|&&m| {
                let x = &mentions[m];
                (
                    x.interval.days(),
                    sources.is_copy(x.doc),
                    published(x.doc).is_none(),
                    published(x.doc),
                    x.doc,
                    x.start,
                )
            })
            .unwrap_or(&list[0]);
        let chosen = &mentions[best];
        let mut articles: Vec<usize> = list.iter().map(|&m| mentions[m].doc).collect();
        articles.sort_unstable();
        articles.dedup();
        let mut reported: Vec<String> = articles
            .iter()
            .filter_map(|&d| published_text[d].clone())
            .collect();
        reported.sort();
        reported.dedup();
        let spans_end = matches!(chosen.grain, Grain::Week | Grain::Quarter) || chosen.is_range;
        let first = list
            .iter()
            .map(|&m| (mentions[m].doc, mentions[m].start))
            .min()
            .unwrap_or((0, 0));
        entries.push((
            chosen.interval,
            first,
            TimelineEntry {
                date: display(chosen.interval.start, chosen.grain),
                grain: chosen.grain,
                end_date: spans_end.then(|| display(chosen.interval.end, Grain::Day)),
                text: crate::terms::clean_text(chosen.sentence.slice(&docs[chosen.doc].text)),
                articles: articles
                    .iter()
                    .map(|&d| docs[d].article.id.clone())
                    .collect(),
                reported,
            },
        ));
    }
    entries.sort_by(|a, b| {
        a.0.start
            .cmp(&b.0.start)
            .then(a.0.end.cmp(&b.0.end))
            .then(a.1.cmp(&b.1))
    });
    entries.into_iter().map(|(_, _, e)| e).collect()
}
