//! Shared by the development harnesses: an optional sentence-embedding model (feature `embed`,
//! model folder in `$EMBED_MODEL`), cached on disk by text hash so that a grid over weights embeds
//! each text once (`$EMBED_CACHE`, default `/tmp/storyfold-embed-cache.bin`).
use std::sync::Arc;
use storyfold_cluster::{Clusterer, Embedder};

#[cfg(feature = "embed")]
mod cached {
    use std::collections::HashMap;
    use std::io::{Read, Write};
    use std::sync::Mutex;
    use storyfold_cluster::embed::MiniLm;
    use storyfold_cluster::Embedder;

    #[derive(Debug)]
    pub struct Cached {
        model: MiniLm,
        path: String,
        map: Mutex<HashMap<u64, Vec<f32>>>,
        fresh: Mutex<usize>,
    }

    fn hash(text: &str) -> u64 {
        // FNV-1a: stable across runs, no extra dependency.
        text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    impl Cached {
        pub fn open(dir: &str, path: String) -> Result<Self, Box<dyn std::error::Error>> {
            let model = MiniLm::load(std::path::Path::new(dir), 256)?;
            let mut map = HashMap::new();
            if let Ok(mut f) = std::fs::File::open(&path) {
                let mut bytes = Vec::new();
                f.read_to_end(&mut bytes)?;
                let rec = 8 + 384 * 4;
                for chunk in bytes.chunks_exact(rec) {
                    let key = u64::from_le_bytes(chunk[..8].try_into()?);
                    let v: Vec<f32> = chunk[8..]
                        .chunks_exact(4)
                        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                        .collect();
                    map.insert(key, v);
                }
            }
            eprintln!("embedding cache {path}: {} vectors", map.len());
            Ok(Self {
                model,
                path,
                map: Mutex::new(map),
                fresh: Mutex::new(0),
            })
        }

        pub fn save(&self) -> std::io::Result<()> {
            let map = self.map.lock().expect("cache lock");
            let mut keys: Vec<&u64> = map.keys().collect();
            keys.sort_unstable();
            let mut out = std::io::BufWriter::new(std::fs::File::create(&self.path)?);
            for k in keys {
                out.write_all(&k.to_le_bytes())?;
                for x in &map[k] {
                    out.write_all(&x.to_le_bytes())?;
                }
            }
            out.flush()
        }
    }

    impl Embedder for Cached {
        fn embed(&self, text: &str) -> Option<Vec<f32>> {
            let key = hash(text);
            if let Some(v) = self.map.lock().expect("cache lock").get(&key) {
                return Some(v.clone());
            }
            let v = self.model.embed(text)?;
            self.map.lock().expect("cache lock").insert(key, v.clone());
            let mut fresh = self.fresh.lock().expect("cache lock");
            *fresh += 1;
            if *fresh % 500 == 0 {
                eprintln!("embedded {} new texts", *fresh);
            }
            Some(v)
        }

        fn languages(&self) -> Option<&[&str]> {
            self.model.languages()
        }
    }
}

/// The embedder named by `$EMBED_MODEL`, if any (and the feature is on).
pub fn from_env() -> Result<Option<Arc<dyn Embedder>>, Box<dyn std::error::Error>> {
    let Ok(dir) = std::env::var("EMBED_MODEL") else {
        return Ok(None);
    };
    #[cfg(feature = "embed")]
    {
        let path = std::env::var("EMBED_CACHE")
            .unwrap_or_else(|_| "/tmp/storyfold-embed-cache.bin".to_string());
        let cached = Arc::new(cached::Cached::open(&dir, path)?);
        SAVE.with(|s| *s.borrow_mut() = Some(cached.clone()));
        Ok(Some(cached))
    }
    #[cfg(not(feature = "embed"))]
    {
        Err(format!("EMBED_MODEL={dir} needs --features embed").into())
    }
}

#[cfg(feature = "embed")]
thread_local! {
    static SAVE: std::cell::RefCell<Option<Arc<cached::Cached>>> = const { std::cell::RefCell::new(None) };
}

/// Writes the cache back (no-op without the feature).
pub fn save() {
    #[cfg(feature = "embed")]
    SAVE.with(|s| {
        if let Some(c) = s.borrow().as_ref() {
            if let Err(e) = c.save() {
                eprintln!("cannot save the embedding cache: {e}");
            }
        }
    });
}

/// Attaches `embedder` when there is one.
pub fn attach(clusterer: Clusterer, embedder: &Option<Arc<dyn Embedder>>) -> Clusterer {
    match embedder {
        Some(e) => clusterer.with_embedder(e.clone()),
        None => clusterer,
    }
}
