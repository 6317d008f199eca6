//! What the development harnesses (`pairs`, `tune`, `events`) share: their arguments, a text-only
//! doc, and clustering a stream to scores.
use storyfold_cluster::{ClusterConfig, Clusterer};
use storyfold_model::{Article, ArticleId, ContentHash, Doc};

/// A harness's command line: `FILE [SPLIT] [CONFIG_JSON]...`.
pub struct Args {
    pub path: String,
    /// `dev` unless given.
    pub split: String,
    /// The configurations to score (the defaults when none is given).
    pub configs: Vec<ClusterConfig>,
    /// Each configuration as it was given, for the report.
    pub json: Vec<String>,
}

/// Reads the command line of the harness `name`.
#[allow(dead_code)] // Not every harness reads its own command line.
pub fn args(name: &str) -> Result<Args, Box<dyn std::error::Error>> {
    args_from(name, std::env::args().collect())
}

/// [`args`] from a given command line.
pub fn args_from(name: &str, args: Vec<String>) -> Result<Args, Box<dyn std::error::Error>> {
    let path = args
        .get(1)
        .ok_or(format!("usage: {name} FILE dev|test|all [CONFIG_JSON]..."))?
        .clone();
    let split = args.get(2).cloned().unwrap_or_else(|| "dev".to_string());
    let json: Vec<String> = args[3.min(args.len())..].to_vec();
    let mut configs: Vec<ClusterConfig> = json
        .iter()
        .map(|j| serde_json::from_str(j))
        .collect::<Result<_, _>>()?;
    if configs.is_empty() {
        configs.push(ClusterConfig::default());
    }
    Ok(Args {
        path,
        split,
        configs,
        json,
    })
}

/// A doc of `text` alone (no title, date or outlet), as the evaluation sets give it.
pub fn doc(id: &str, text: &str) -> Doc {
    let article = Article {
        id: ArticleId::from(id),
        source: id.to_string(),
        url: None,
        outlet: None,
        title: None,
        byline: None,
        published: None,
        language: None,
        paragraphs: vec![text.to_string()],
        boilerplate: Vec::new(),
        content_hash: ContentHash::of_text(text),
    };
    Doc {
        article,
        text: text.to_string(),
        language: None,
        published: None,
        sentences: Vec::new(),
        entities: Vec::new(),
        times: Vec::new(),
        quotes: Vec::new(),
    }
}

/// Clusters `docs` in order; each doc's story is its final one (a story merged away later is
/// replaced by the story that absorbed it).
#[allow(dead_code)] // `pairs` scores pairs, not clusterings.
pub fn final_stories(clusterer: &mut Clusterer, docs: &[Doc]) -> Vec<String> {
    let mut alias = std::collections::BTreeMap::new();
    let mut predicted = Vec::with_capacity(docs.len());
    for d in docs {
        let update = clusterer.observe(d);
        for merged in update.merged {
            alias.insert(merged.0, update.story.0.clone());
        }
        predicted.push(update.story.0);
    }
    predicted
        .into_iter()
        .map(|mut story| {
            while let Some(survivor) = alias.get(&story) {
                story = survivor.clone();
            }
            story
        })
        .collect()
}
