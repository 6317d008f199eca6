//! MinHash signatures by one-permutation hashing with optimal densification.
//!
//! Classic MinHash applies `k` hash permutations to every shingle (`k` multiply-adds each). One
//! permutation hashing (Li, Owen & Zhang 2012) hashes each shingle once with xxh3, uses the high
//! bits to pick one of `k` bins and keeps the minimum of the low bits per bin; empty bins borrow the
//! value of a bin chosen by a fixed probe sequence ("optimal densification", Shrivastava 2017), which
//! keeps `P[sig_a[i] == sig_b[i]] = Jaccard(a, b)`. Cost: one hash per shingle plus `O(k)`.
use crate::text::for_each_word;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// The xxh3 hashes of `text`'s words (lower-cased; inner apostrophes kept), in order.
pub fn word_hashes(text: &str) -> Vec<u64> {
    let mut words = Vec::with_capacity(text.len() / 5);
    for_each_word(text, |_, _, h| words.push(h));
    words
}

/// A MinHash signature: one 32-bit value per bin.
pub type Signature = Vec<u32>;

/// Computes MinHash signatures over word shingles of normalised text.
#[derive(Clone, Debug)]
pub struct Sketcher {
    num_perm: usize,
    shingle_words: usize,
    seed: u64,
    /// For each bin, the first probe sequence targets (precomputed for speed).
    probes: Vec<Vec<u32>>,
}

const EMPTY: u32 = u32::MAX;

impl Sketcher {
    /// A sketcher with `num_perm` bins over shingles of `shingle_words` words.
    ///
    /// # Panics
    /// When `num_perm` or `shingle_words` is zero (configs validate both before building).
    pub fn new(num_perm: usize, shingle_words: usize, seed: u64) -> Self {
        assert!(num_perm > 0 && shingle_words > 0, "validated by the config");
        let probes = (0..num_perm)
            .map(|bin| {
                (0..16u64)
                    .map(|t| {
                        let h = xxh3_64_with_seed(&(bin as u64 | (t << 32)).to_le_bytes(), seed);
                        (((h >> 32) * num_perm as u64) >> 32) as u32
                    })
                    .collect()
            })
            .collect();
        Self {
            num_perm,
            shingle_words,
            seed,
            probes,
        }
    }

    /// Number of bins.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// Words per shingle.
    pub fn shingle_words(&self) -> usize {
        self.shingle_words
    }

    /// The hash seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The signature of `text`'s word shingles; `None` when the text has no words.
    pub fn sketch(&self, text: &str) -> Option<Signature> {
        self.sketch_words(&word_hashes(text))
    }

    /// The signature of the shingles of a sequence of word hashes.
    pub fn sketch_words(&self, words: &[u64]) -> Option<Signature> {
        if words.is_empty() {
            return None;
        }
        let mut sig = vec![EMPTY; self.num_perm];
        self.for_each_shingle(words, |h| self.add(&mut sig, h));
        self.densify(&mut sig);
        Some(sig)
    }

    /// Calls `f` with the 64-bit hash of each word shingle of `words`, in text order (repeated
    /// shingles repeat). A text shorter than a shingle is one shingle of all its words.
    pub fn for_each_shingle(&self, words: &[u64], mut f: impl FnMut(u64)) {
        if words.is_empty() {
            return;
        }
        let k = self.shingle_words.min(words.len());
        let mut bytes = [0u8; 8 * 16];
        for window in words.windows(k) {
            let n = window.len().min(16);
            for (i, w) in window[..n].iter().enumerate() {
                bytes[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
            }
            f(xxh3_64_with_seed(&bytes[..n * 8], self.seed));
        }
    }

    /// Adds one shingle hash.
    #[inline]
    fn add(&self, sig: &mut [u32], h: u64) {
        let bin = (((h >> 32) * self.num_perm as u64) >> 32) as usize;
        let value = (h as u32).min(EMPTY - 1);
        if value < sig[bin] {
            sig[bin] = value;
        }
    }

    fn densify(&self, sig: &mut [u32]) {
        if !sig.contains(&EMPTY) {
            return;
        }
        let filled: Vec<u32> = sig.to_vec();
        for bin in 0..sig.len() {
            if filled[bin] != EMPTY {
                continue;
            }
            let mut t = 0u64;
            loop {
                let target = match self.probes[bin].get(t as usize) {
                    Some(&p) => p as usize,
                    None => {
                        let h =
                            xxh3_64_with_seed(&(bin as u64 | (t << 32)).to_le_bytes(), self.seed);
                        (((h >> 32) * self.num_perm as u64) >> 32) as usize
                    }
                };
                if filled[target] != EMPTY {
                    sig[bin] = filled[target];
                    break;
                }
                t += 1;
            }
        }
    }
}

/// Writes u64s as little-endian bytes into `buf`, returning the written part.
fn le_bytes<'a>(words: &[u64], buf: &'a mut Vec<u8>) -> &'a [u8] {
    buf.clear();
    for w in words {
        buf.extend_from_slice(&w.to_le_bytes());
    }
    buf
}

/// Band keys of a signature: `bands` keys of `rows` values each, the band index mixed in.
pub fn band_keys(sig: &[u32], bands: usize, rows: usize, out: &mut Vec<u32>) {
    out.clear();
    for b in 0..bands {
        let part = &sig[b * rows..(b + 1) * rows];
        let mut bytes = [0u8; 4 * 32];
        let n = part.len().min(32);
        for (i, v) in part[..n].iter().enumerate() {
            bytes[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
        }
        let h = xxh3_64_with_seed(&bytes[..n * 4], b as u64);
        out.push((h >> 32) as u32);
    }
}

/// The estimated Jaccard similarity of two signatures: the fraction of equal bins.
pub fn estimate(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f32 / a.len() as f32
}

/// A 64-bit hash of a sequence of word hashes (exact-copy detection).
pub fn content_hash(words: &[u64]) -> u64 {
    let mut buf = Vec::with_capacity(words.len() * 8);
    xxh3_64(le_bytes(words, &mut buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jaccard_of(a: &str, b: &str, k: usize) -> f64 {
        use std::collections::BTreeSet;
        let sh = |t: &str| {
            let w: Vec<&str> = t.split(' ').collect();
            w.windows(k).map(|x| x.join(" ")).collect::<BTreeSet<_>>()
        };
        let (x, y) = (sh(a), sh(b));
        x.intersection(&y).count() as f64 / x.union(&y).count() as f64
    }

    #[test]
    fn estimate_tracks_jaccard() {
        let base: Vec<String> = (0..400).map(|i| format!("w{}", i * 7 % 390)).collect();
        let mut other = base.clone();
        for i in (0..400).step_by(5) {
            other[i] = format!("x{i}");
        }
        let (a, b) = (base.join(" "), other.join(" "));
        let s = Sketcher::new(256, 3, 1);
        let est = estimate(&s.sketch(&a).unwrap(), &s.sketch(&b).unwrap()) as f64;
        let truth = jaccard_of(&a, &b, 3);
        assert!((est - truth).abs() < 0.1, "est {est} truth {truth}");
    }

    #[test]
    fn shingles_are_the_word_windows_the_signature_is_made_of() {
        let s = Sketcher::new(32, 3, 5);
        let words = word_hashes("one two three two three four one two three");
        let mut shingles = Vec::new();
        s.for_each_shingle(&words, |h| shingles.push(h));
        assert_eq!(shingles.len(), words.len() - 2);
        // "one two three" opens and closes the text: same words, same shingle hash.
        assert_eq!(shingles[0], shingles[6]);
        assert_ne!(shingles[0], shingles[1]);
        let mut sig = vec![EMPTY; 32];
        shingles.iter().for_each(|&h| s.add(&mut sig, h));
        s.densify(&mut sig);
        assert_eq!(Some(sig), s.sketch_words(&words));

        let mut short = Vec::new();
        s.for_each_shingle(&word_hashes("just two"), |h| short.push(h));
        assert_eq!(
            short.len(),
            1,
            "a text shorter than a shingle is one shingle"
        );
        s.for_each_shingle(&[], |_| panic!("no words, no shingles"));
    }

    #[test]
    fn identical_text_same_signature_and_short_text_densifies() {
        let s = Sketcher::new(64, 3, 7);
        let a = s.sketch("Only four words here").unwrap();
        assert_eq!(a, s.sketch("only  FOUR words here!").unwrap());
        assert!(!a.contains(&EMPTY));
        assert!(s.sketch("  ...  ").is_none());
    }
}
