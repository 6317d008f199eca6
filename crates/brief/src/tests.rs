//! Behaviour tests on small made-up stories.
use super::*;
use storyfold_corroborate::testutil::{doc_from, link};
use storyfold_corroborate::CorroborateConfig;
use storyfold_model::{CopyKind, CopyLink, StoryId};

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

fn run_with(config: &BriefConfig, docs: &[Doc], links: &[CopyLink]) -> (Corroboration, Brief) {
    let story = story(docs);
    let corroboration = CorroborateConfig::default()
        .build()
        .unwrap()
        .corroborate(&story, docs, links);
    let brief = config.build().unwrap().brief(&story, docs, &corroboration);
    (corroboration, brief)
}

fn run(docs: &[Doc], links: &[CopyLink]) -> (Corroboration, Brief) {
    run_with(&BriefConfig::default(), docs, links)
}

/// A made-up bridge closure: a wire report, a verbatim copy, two independent outlets (one of
/// them disagreeing on a number), each with details of its own.
fn bridge_story() -> Vec<Doc> {
    vec![
        doc_from(
            "wire",
            "Wire",
            "2025-04-08",
            "ORSAVIK (Wire) — The [Tarn Bridge|L] in [Orsavik|L] was closed <on Monday|2025-04-07> after engineers found cracks in two of its steel cables. \
             City engineer [Hana Pell|P] said the crossing would stay shut for at least three weeks while the cables are replaced. \
             About 40,000 vehicles use the bridge every day, according to the city transport office. \
             Buses will be diverted over the [Lode Bridge|L] upstream, adding 20 minutes to journeys. \
             “We cannot take any risks with a structure this old,” [Pell|P|Hana Pell] said. \
             The bridge opened in 1961 and was last refurbished in 2009. \
             The repair is expected to cost 12 million crowns.",
        ),
        doc_from(
            "copy",
            "Copy Site",
            "2025-04-08",
            "The [Tarn Bridge|L] in [Orsavik|L] was closed <on Monday|2025-04-07> after engineers found cracks in two of its steel cables. \
             City engineer [Hana Pell|P] said the crossing would stay shut for at least three weeks while the cables are replaced. \
             About 40,000 vehicles use the bridge every day, according to the city transport office.",
        ),
        doc_from(
            "gazette",
            "Gazette",
            "2025-04-08",
            "Engineers found cracks in two steel cables of the [Tarn Bridge|L] and the city closed it <on Monday|2025-04-07>. \
             City engineer [Hana Pell|P] said the crossing would remain shut for at least three weeks while the cables are replaced. \
             Buses are being diverted over the [Lode Bridge|L] upstream, which adds 20 minutes to journeys. \
             Shop owners on the south bank said trade had already fallen sharply. \
             The repair is expected to cost 12 million crowns.",
        ),
        doc_from(
            "herald",
            "Herald",
            "2025-04-09",
            "The [Tarn Bridge|L] in [Orsavik|L] was closed <on Monday|2025-04-07> when engineers discovered cracks in two of its steel cables. \
             The repair is expected to cost 15 million crowns. \
             The bridge opened in 1961 and was last refurbished in 2009, city records show. \
             Cyclists may still use a temporary ferry across the river during the works.",
        ),
    ]
}

fn bridge_links() -> Vec<CopyLink> {
    vec![link("copy", "wire", CopyKind::Verbatim)]
}

fn slice_of<'a>(docs: &'a [Doc], s: &SupportSpan) -> &'a str {
    let doc = docs.iter().find(|d| d.article.id == s.article).unwrap();
    s.span.slice(&doc.text)
}

#[test]
fn every_sentence_is_supported_by_the_passages_it_cites() {
    let docs = bridge_story();
    let (_, brief) = run(&docs, &bridge_links());
    assert!(
        (5..=10).contains(&brief.sentences.len()),
        "{:#?}",
        brief.sentences
    );
    for sentence in &brief.sentences {
        assert_eq!(
            check(&sentence.text, &sentence.support),
            Ok(()),
            "{sentence:#?}"
        );
        assert!(!sentence.articles.is_empty());
        for s in &sentence.support {
            assert_eq!(
                slice_of(&docs, s),
                s.text,
                "support span points into its article"
            );
            assert!(sentence.articles.contains(&s.article));
        }
    }
}

#[test]
fn corroborated_sentence_cites_every_outlet_that_carries_it() {
    let docs = bridge_story();
    let (_, brief) = run(&docs, &bridge_links());
    let closed = brief
        .sentences
        .iter()
        .find(|s| s.text.contains("was closed"))
        .unwrap_or_else(|| panic!("{:#?}", brief.sentences));
    let cited: Vec<&str> = closed.articles.iter().map(|a| a.as_str()).collect();
    assert!(
        cited.contains(&"wire") && cited.contains(&"herald"),
        "{cited:?}"
    );
    assert!(cited.contains(&"copy"), "{cited:?}");
}

#[test]
fn dateline_is_dropped_from_the_sentence() {
    let docs = bridge_story();
    let (_, brief) = run(&docs, &bridge_links());
    assert!(brief.sentences.iter().all(|s| !s.text.contains("ORSAVIK")));
    assert!(brief
        .sentences
        .iter()
        .any(|s| s.text.starts_with("The Tarn Bridge in Orsavik was closed")));
}

#[test]
fn contradicted_claims_stay_out_of_the_brief() {
    let docs = bridge_story();
    let (corroboration, brief) = run(&docs, &bridge_links());
    assert!(
        corroboration
            .claims
            .iter()
            .any(|c| c.status == ClaimStatus::Contradicted),
        "{:#?}",
        corroboration.claims
    );
    assert!(brief
        .sentences
        .iter()
        .all(|s| !s.text.contains("million crowns")));
}

#[test]
fn sentence_counts_follow_the_config() {
    let docs = bridge_story();
    let config = BriefConfig {
        min_sentences: 2,
        max_sentences: 3,
        ..BriefConfig::default()
    };
    let (_, brief) = run_with(&config, &docs, &bridge_links());
    assert!(brief.sentences.len() <= 3 && !brief.sentences.is_empty());
}

#[test]
fn single_article_story_gets_a_brief_from_its_own_text() {
    let docs = vec![bridge_story().remove(0)];
    let (_, brief) = run(&docs, &[]);
    assert!(brief.sentences.len() >= 5, "{:#?}", brief.sentences);
    assert!(brief
        .sentences
        .iter()
        .all(|s| s.articles == vec!["wire".into()]));
}

#[test]
fn brief_is_deterministic() {
    let docs = bridge_story();
    assert_eq!(run(&docs, &bridge_links()).1, run(&docs, &bridge_links()).1);
}

#[test]
fn rejects_bad_config() {
    for config in [
        BriefConfig {
            min_sentences: 6,
            max_sentences: 5,
            ..BriefConfig::default()
        },
        BriefConfig {
            max_sentences: 0,
            min_sentences: 0,
            ..BriefConfig::default()
        },
        BriefConfig {
            min_novelty: 1.5,
            ..BriefConfig::default()
        },
    ] {
        assert!(config.build().is_err());
    }
}

#[test]
fn strip_dateline_leaves_ordinary_sentences_alone() {
    assert_eq!(
        strip_dateline("KELMOUTH (MPA) — A ferry ran aground."),
        "A ferry ran aground."
    );
    assert_eq!(
        strip_dateline("The mayor – who was re-elected – spoke."),
        "The mayor – who was re-elected – spoke."
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn sentences_always_pass_their_check(drop in 0usize..4, max in 1usize..10) {
            let mut docs = bridge_story();
            docs.remove(drop);
            let config = BriefConfig { min_sentences: max.min(5), max_sentences: max, ..BriefConfig::default() };
            let (_, brief) = run_with(&config, &docs, &bridge_links());
            prop_assert!(brief.sentences.len() <= max);
            for sentence in &brief.sentences {
                prop_assert!(check(&sentence.text, &sentence.support).is_ok());
                for s in &sentence.support {
                    prop_assert_eq!(slice_of(&docs, s), s.text.as_str());
                }
            }
        }
    }
}
