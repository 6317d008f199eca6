//! Behaviour tests on small made-up stories.
use super::*;
use crate::testutil::{doc_from, doc_on, link};
use storyfold_model::{ClaimStatus, ContradictionKind, CopyKind, Grain, StoryId, TimelineEntry};

fn story(docs: &[Doc]) -> Story {
    Story {
        id: StoryId::from("s-test"),
        aliases: vec![],
        articles: docs.iter().map(|d| d.article.id.clone()).collect(),
        title: "test".into(),
        first_seen: None,
        last_seen: None,
        reasons: vec![],
    }
}

fn run(docs: &[Doc], links: &[CopyLink]) -> Corroboration {
    CorroborateConfig::default()
        .build()
        .unwrap()
        .corroborate(&story(docs), docs, links)
}

fn claim_with<'a>(c: &'a Corroboration, needle: &str) -> &'a storyfold_model::Claim {
    c.claims
        .iter()
        .find(|claim| claim.spans.iter().any(|s| s.text.contains(needle)))
        .unwrap_or_else(|| panic!("no claim with {needle:?} in {:#?}", c.claims))
}

/// A fictional visit reported by a wire service, a verbatim copy of it, an independent outlet
/// and a rewrite, with relative dates resolved against 2024-05-17 (a Friday).
fn visit_story() -> Vec<Doc> {
    vec![
        doc_from(
            "wire",
            "Wire",
            "2024-05-17",
            "[Norland|L] Prime Minister [Ana Lund|P] will visit [Estavia|L] <from Monday to Wednesday|2024-05-20|2024-05-22> at the invitation of President [Marek Tosh|P], the foreign ministry announced <on Friday|2024-05-17>. \
             The two leaders will sign a fisheries agreement and a treaty on river shipping. \
             “We want a partnership without limits between our peoples,” [Lund|P|Ana Lund] said. \
             Lund last visited the region <in 2019|2019>, when a storm closed the port of [Varna Bay|L]. \
             Local officials said the delegation will include 40 business leaders.",
        ),
        doc_from(
            "copy",
            "Daily Mirror Site",
            "2024-05-17",
            "[Norland|L] Prime Minister [Ana Lund|P] will visit [Estavia|L] <from Monday to Wednesday|2024-05-20|2024-05-22> at the invitation of President [Marek Tosh|P], the foreign ministry announced <on Friday|2024-05-17>. \
             The two leaders will sign a fisheries agreement and a treaty on river shipping. \
             “We want a partnership without limits between our peoples,” [Lund|P|Ana Lund] said.",
        ),
        doc_from(
            "herald",
            "Herald",
            "2024-05-18",
            "[Ana Lund|P] travels to [Estavia|L] <from Monday to Wednesday|2024-05-20|2024-05-22> for talks with [Marek Tosh|P]. \
             A fisheries agreement and a river shipping treaty are expected to be signed by the two leaders. \
             “We want a borderless partnership between our peoples,” [Lund|P|Ana Lund] told reporters. \
             Officials said the delegation will include 60 business leaders. \
             The visit was first planned <in March|2024-03> but was postponed after flooding in the capital.",
        ),
        doc_from(
            "post",
            "Post",
            "2024-05-18",
            "The prime minister of [Norland|L], [Ana Lund|P], is due in [Estavia|L] <on Monday|2024-05-20>. \
             [Lund|P|Ana Lund] called for a “partnership without limits” with her hosts. \
             The ferry line between the two countries carried 300 passengers last season.",
        ),
    ]
}

fn visit_links() -> Vec<CopyLink> {
    vec![link("copy", "wire", CopyKind::Verbatim)]
}

#[test]
fn copies_do_not_count_as_independent() {
    let c = run(&visit_story(), &visit_links());
    // Carried by the wire and its verbatim copy only: one source.
    let shipping = claim_with(&c, "sign a fisheries agreement");
    assert!(shipping.articles.contains(&"copy".into()));
    assert!(
        shipping.articles.contains(&"herald".into()),
        "{shipping:#?}"
    );
    assert_eq!(shipping.independent_sources, 2);
    assert_eq!(shipping.status, ClaimStatus::Corroborated);
    let dates = claim_with(&c, "from Monday to Wednesday at the invitation");
    assert_eq!(
        dates.articles,
        vec!["wire".into(), "copy".into(), "herald".into()]
    );
    assert_eq!(dates.independent_sources, 2);
    // Without the link the copy would count.
    let unlinked = run(&visit_story(), &[]);
    assert_eq!(
        claim_with(&unlinked, "from Monday to Wednesday at the invitation").independent_sources,
        3
    );
}

#[test]
fn copied_only_claim_is_single_source() {
    let c = run(&visit_story(), &visit_links());
    let storm = claim_with(&c, "storm closed the port");
    assert_eq!(storm.articles, vec!["wire".into()]);
    assert_eq!(storm.status, ClaimStatus::SingleSource);
    let flooding = claim_with(&c, "postponed after flooding");
    assert_eq!(flooding.status, ClaimStatus::SingleSource);
    assert_eq!(flooding.independent_sources, 1);
    // Representative wording comes from the earliest original.
    assert!(claim_with(&c, "sign a fisheries agreement")
        .text
        .starts_with("The two leaders will sign"));
}

#[test]
fn number_contradiction_is_flagged_with_both_spans() {
    let c = run(&visit_story(), &visit_links());
    let forty = claim_with(&c, "40 business leaders");
    let sixty = claim_with(&c, "60 business leaders");
    assert_ne!(forty, sixty);
    assert_eq!(forty.status, ClaimStatus::Contradicted);
    assert_eq!(sixty.status, ClaimStatus::Contradicted);
    let x = &forty.contradictions[0];
    assert_eq!(x.kind, ContradictionKind::Number);
    assert_eq!(
        (x.this_value.as_str(), x.other_value.as_str()),
        ("40", "60")
    );
    assert!(x.this_span.text.contains("40 business leaders"));
    assert_eq!(x.other_span.article, "herald".into());
    assert!(x.other_span.text.contains("60 business leaders"));
    assert_eq!(&c.claims[x.other], sixty);
    // Unrelated quantities are no contradiction.
    let ferry = claim_with(&c, "300 passengers");
    assert!(ferry.contradictions.is_empty());
    let contradicted = c
        .claims
        .iter()
        .filter(|c| c.status == ClaimStatus::Contradicted)
        .count();
    assert_eq!(contradicted, 2, "{:#?}", c.claims);
}

#[test]
fn date_contradiction_needs_the_rest_to_agree() {
    let docs = vec![
        doc_on(
            "a",
            "2024-05-17",
            "The new bridge over the [Sava|L] river opens to traffic <on Tuesday|2024-05-21>, the city council said.",
        ),
        doc_on(
            "b",
            "2024-05-17",
            "The new bridge over the [Sava|L] river opens to traffic <on Thursday|2024-05-23>, the city council said. \
             Work on the old tunnel ends <on Tuesday|2024-05-21>.",
        ),
    ];
    let c = run(&docs, &[]);
    let tuesday = claim_with(&c, "opens to traffic on Tuesday");
    assert_eq!(tuesday.contradictions.len(), 1);
    assert_eq!(tuesday.contradictions[0].kind, ContradictionKind::Date);
    assert_eq!(tuesday.contradictions[0].other_value, "on Thursday");
    assert!(claim_with(&c, "old tunnel").contradictions.is_empty());
}

#[test]
fn altered_quote_is_flagged_with_changed_words() {
    let c = run(&visit_story(), &visit_links());
    let group = c
        .quotes
        .iter()
        .find(|q| q.text.contains("partnership without limits"))
        .expect("quote group");
    assert_eq!(group.speaker.as_deref(), Some("Ana Lund"));
    assert_eq!(
        group.articles,
        vec!["wire".into(), "copy".into(), "herald".into(), "post".into()]
    );
    let reference = &group.variants[0];
    assert!(!reference.altered);
    assert_eq!(reference.articles, vec!["wire".into(), "copy".into()]);
    let borderless = group
        .variants
        .iter()
        .find(|v| v.text.contains("borderless"))
        .expect("altered variant");
    assert!(borderless.altered);
    assert_eq!(borderless.removed_words, vec!["without", "limits"]);
    assert_eq!(borderless.added_words, vec!["borderless"]);
    // A contiguous part of the reference is partial quoting, not an alteration.
    let partial = group
        .variants
        .iter()
        .find(|v| v.text == "partnership without limits")
        .expect("partial variant");
    assert!(!partial.altered);
    assert!(partial.removed_words.is_empty() && partial.added_words.is_empty());
}

#[test]
fn punctuation_and_case_do_not_alter_a_quote() {
    let docs = vec![
        doc_on(
            "a",
            "2024-05-17",
            "“The river is rising fast, and we are ready,” [Mayor Ilse Brandt|P] said.",
        ),
        doc_on(
            "b",
            "2024-05-17",
            "“the river is rising fast — and we are READY” said [Ilse Brandt|P].",
        ),
    ];
    let c = run(&docs, &[]);
    assert_eq!(c.quotes.len(), 1);
    assert_eq!(c.quotes[0].variants.len(), 1);
    assert!(!c.quotes[0].variants[0].altered);
}

#[test]
fn timeline_is_ordered_by_event_date_with_grain() {
    let c = run(&visit_story(), &visit_links());
    let dates: Vec<(&str, Grain)> = c
        .timeline
        .iter()
        .map(|e| (e.date.as_str(), e.grain))
        .collect();
    assert_eq!(
        dates,
        vec![
            ("2019", Grain::Year),
            ("2024-03", Grain::Month),
            ("2024-05-17", Grain::Day),
            ("2024-05-20", Grain::Day),
            ("2024-05-20", Grain::Day),
        ],
        "{:#?}",
        c.timeline
    );
    let range = c.timeline.iter().find(|e| e.end_date.is_some()).unwrap();
    assert_eq!(range.end_date.as_deref(), Some("2024-05-22"));
    assert_eq!(
        range.articles,
        vec!["wire".into(), "copy".into(), "herald".into()]
    );
    assert_eq!(range.reported, vec!["2024-05-17", "2024-05-18"]);
    assert!(range.text.contains("from Monday to Wednesday"));
    let announced = &c.timeline[2];
    assert!(announced.text.contains("announced on Friday"));
}

#[test]
fn entities_merge_across_articles() {
    let c = run(&visit_story(), &visit_links());
    let lund = c.entities.iter().find(|e| e.name == "Ana Lund").unwrap();
    assert_eq!(lund.articles.len(), 4);
    assert!(lund.mentions >= 8);
    assert!(!c.entities.iter().any(|e| e.name == "Lund"));
    assert_eq!(c.entities[0].name, "Ana Lund");
}

#[test]
fn output_is_deterministic() {
    let a = run(&visit_story(), &visit_links());
    let b = run(&visit_story(), &visit_links());
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

#[test]
fn results_do_not_depend_on_the_stories_before() {
    // The corroborator keeps its word lexicon across stories: a story's result must be the
    // same fresh, after other stories, and in any order of them.
    let storm = vec![
        doc_on(
            "s1",
            "2024-05-17",
            "Staff at the [Orsa Clinic|O] said 15 people were treated after the storm’s floods.",
        ),
        doc_on(
            "s2",
            "2024-05-18",
            "Twelve people were treated at the [Orsa Clinic|O] after the storm flooded streets.",
        ),
    ];
    let stories: [(Vec<Doc>, Vec<CopyLink>); 2] =
        [(visit_story(), visit_links()), (storm, Vec::new())];
    let fresh: Vec<Corroboration> = stories.iter().map(|(d, l)| run(d, l)).collect();
    let shared = CorroborateConfig::default().build().unwrap();
    for order in [[0, 1, 0, 1], [1, 0, 1, 0]] {
        for i in order {
            let (docs, links) = &stories[i];
            let got = shared.corroborate(&story(docs), docs, links);
            assert_eq!(
                serde_json::to_string(&got).unwrap(),
                serde_json::to_string(&fresh[i]).unwrap()
            );
        }
    }
    // A clone starts with an empty lexicon and gives the same result too.
    let (docs, links) = &stories[0];
    assert_eq!(
        shared.clone().corroborate(&story(docs), docs, links),
        fresh[0]
    );
}

#[test]
fn rejects_bad_config() {
    let config = CorroborateConfig {
        align_similarity: 0.0,
        ..Default::default()
    };
    assert!(config.build().is_err());
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn spans_are_in_bounds_and_claims_cover_articles(
            sentences in proptest::collection::vec("[A-Z][a-z]{2,8}( [a-z]{2,8}){3,12}\\.", 1..6),
            copies in 0usize..3,
        ) {
            let docs: Vec<Doc> = (0..3)
                .map(|i| doc_on(&format!("d{i}"), "2024-01-01", &sentences[i % sentences.len()..].join(" ")))
                .collect();
            let links: Vec<CopyLink> = (1..=copies).map(|i| link(&format!("d{i}"), "d0", CopyKind::Rewrite)).collect();
            let c = run(&docs, &links);
            for claim in &c.claims {
                prop_assert!(claim.independent_sources >= 1);
                prop_assert!(claim.independent_sources <= claim.articles.len());
                for span in &claim.spans {
                    let doc = docs.iter().find(|d| d.article.id == span.article).unwrap();
                    prop_assert_eq!(span.span.slice(&doc.text), span.text.as_str());
                }
            }
        }
    }
}

#[test]
fn same_relative_date_in_a_later_copy_is_not_a_contradiction() {
    // The copy, printed a week later, resolves "Tuesday" to another day; the words agree.
    let docs = vec![
        doc_on(
            "a",
            "2024-05-17",
            "Twelve patients were released from the [Orsa Clinic|O] by <Tuesday afternoon|2024-05-21>, officials said.",
        ),
        doc_on(
            "b",
            "2024-05-24",
            "Twelve patients were released from the [Orsa Clinic|O] by <Tuesday afternoon|2024-05-28>, officials said.",
        ),
    ];
    let c = run(&docs, &[link("b", "a", CopyKind::Verbatim)]);
    assert_eq!(c.claims.len(), 1, "{:#?}", c.claims);
    assert!(c.claims[0].contradictions.is_empty());
    assert_eq!(c.claims[0].status, ClaimStatus::SingleSource);
}

#[test]
fn different_count_at_one_place_contradicts_despite_rewording() {
    let docs = vec![
        doc_from(
            "a",
            "Wire",
            "2024-05-17",
            "Staff at the [Orsa Clinic|O] confirmed that 15 people had been treated, most of them for cuts.",
        ),
        doc_from(
            "b",
            "Gazette",
            "2024-05-19",
            "The [Orsa Clinic|O] said on Friday that all 12 people it treated after the storm had gone home.",
        ),
        doc_from(
            "c",
            "Herald",
            "2024-05-17",
            "Twelve people were treated at the [Orsa Clinic|O] with minor injuries after the storm.",
        ),
    ];
    let c = run(&docs, &[]);
    let fifteen = claim_with(&c, "15 people");
    assert_eq!(fifteen.status, ClaimStatus::Contradicted, "{:#?}", c.claims);
    assert!(fifteen
        .contradictions
        .iter()
        .all(|x| x.kind == ContradictionKind::Number && x.this_value == "15"));
    // The two twelves are one fact from two outlets.
    let twelve = claim_with(&c, "all 12 people");
    assert_eq!(twelve.independent_sources, 2, "{:#?}", c.claims);
}

#[test]
fn equal_ranges_in_two_articles_are_one_timeline_event() {
    let docs = vec![
        doc_from(
            "a",
            "Wire",
            "2024-05-17",
            "The talks will take place <from Monday to Wednesday|2024-05-20|2024-05-22> and focus on fishing quotas.",
        ),
        doc_from(
            "b",
            "Herald",
            "2024-05-17",
            "[Ana Lund|P] will visit [Estavia|L] <from Monday to Wednesday|2024-05-20|2024-05-22> at the invitation of its president.",
        ),
    ];
    let c = run(&docs, &[]);
    let ranges: Vec<&TimelineEntry> = c
        .timeline
        .iter()
        .filter(|e| e.end_date.as_deref() == Some("2024-05-22"))
        .collect();
    assert_eq!(ranges.len(), 1, "{:#?}", c.timeline);
    assert_eq!(ranges[0].articles, vec!["a".into(), "b".into()]);
}

#[test]
fn dateline_date_is_no_timeline_event() {
    let docs = vec![doc_on(
        "a",
        "2024-05-17",
        "ORSAVIK, <May 17|2024-05-17> (Wire) - The harbour closed <on Monday|2024-05-13> after a storm damaged two cranes.",
    )];
    let c = run(&docs, &[]);
    let dates: Vec<&str> = c.timeline.iter().map(|e| e.date.as_str()).collect();
    assert_eq!(dates, vec!["2024-05-13"]);
}
