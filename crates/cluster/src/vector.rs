//! Sparse vectors keyed by 64-bit hashes, sorted by key so dot products are one merge pass and
//! every sum runs in the same order on every run.
use serde::{Deserialize, Serialize};

/// A sparse vector, entries sorted by key, no duplicate keys.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct SparseVec {
    /// `(key, weight)` sorted by key.
    pub entries: Vec<(u64, f32)>,
}

impl SparseVec {
    /// Unit-length vector from entries sorted by key (zero weights dropped).
    pub fn unit(mut entries: Vec<(u64, f32)>) -> Self {
        entries.retain(|e| e.1 > 0.0);
        debug_assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
        let norm = entries.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            for e in &mut entries {
                e.1 /= norm;
            }
        }
        Self { entries }
    }

    /// Whether the vector has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Euclidean norm.
    pub fn norm(&self) -> f32 {
        self.entries.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt()
    }

    /// Dot product, and the shared keys with their contribution when `shared` is given.
    pub fn dot(&self, other: &SparseVec, mut shared: Option<&mut Vec<(u64, f32)>>) -> f32 {
        let (a, b) = (&self.entries, &other.entries);
        let (mut i, mut j, mut sum) = (0, 0, 0.0f32);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let p = a[i].1 * b[j].1;
                    sum += p;
                    if let Some(out) = shared.as_deref_mut() {
                        out.push((a[i].0, p));
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// Adds `other * scale` into `self`, keeping the heaviest `cap` entries.
    pub fn add_capped(&mut self, other: &SparseVec, scale: f32, cap: usize) {
        let (a, b) = (&self.entries, &other.entries);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            if j >= b.len() || (i < a.len() && a[i].0 < b[j].0) {
                out.push(a[i]);
                i += 1;
            } else if i >= a.len() || b[j].0 < a[i].0 {
                out.push((b[j].0, b[j].1 * scale));
                j += 1;
            } else {
                out.push((a[i].0, a[i].1 + b[j].1 * scale));
                i += 1;
                j += 1;
            }
        }
        if out.len() > cap {
            // Keep the heaviest; ties broken by key so the cut is the same on every run.
            out.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            out.truncate(cap);
            out.sort_unstable_by_key(|e| e.0);
        }
        self.entries = out;
    }

    /// The `n` heaviest keys, heaviest first (ties by key).
    pub fn top_keys(&self, n: usize) -> Vec<u64> {
        let mut sorted: Vec<&(u64, f32)> = self.entries.iter().collect();
        sorted.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        sorted.into_iter().take(n).map(|e| e.0).collect()
    }
}

/// A story's profile in one field: the sum of its members' unit vectors, capped in size, with its
/// norm cached so a cosine costs one merge pass.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Centroid {
    /// Sum of member vectors.
    pub sum: SparseVec,
    /// Norm of `sum`.
    pub norm: f32,
}

impl Centroid {
    /// Adds one member.
    pub fn add(&mut self, v: &SparseVec, cap: usize) {
        self.sum.add_capped(v, 1.0, cap);
        self.norm = self.sum.norm();
    }

    /// Adds another centroid (a merge).
    pub fn absorb(&mut self, other: &Centroid, cap: usize) {
        self.sum.add_capped(&other.sum, 1.0, cap);
        self.norm = self.sum.norm();
    }

    /// Cosine with a unit vector; `None` when either side is empty.
    pub fn cosine(&self, v: &SparseVec, shared: Option<&mut Vec<(u64, f32)>>) -> Option<f32> {
        if self.norm <= 0.0 || v.is_empty() {
            return None;
        }
        Some((v.dot(&self.sum, shared) / self.norm).clamp(0.0, 1.0))
    }

    /// Cosine with another centroid; `None` when either side is empty.
    pub fn cosine_centroid(&self, other: &Centroid) -> Option<f32> {
        if self.norm <= 0.0 || other.norm <= 0.0 {
            return None;
        }
        Some((self.sum.dot(&other.sum, None) / (self.norm * other.norm)).clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_of_unit_vectors_is_cosine() {
        let a = SparseVec::unit(vec![(1, 1.0), (2, 1.0)]);
        let b = SparseVec::unit(vec![(2, 1.0), (3, 1.0)]);
        assert!((a.dot(&b, None) - 0.5).abs() < 1e-6);
        assert!((a.dot(&a, None) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn capped_sum_keeps_heaviest_sorted() {
        let mut a = SparseVec::unit(vec![(1, 3.0), (5, 1.0)]);
        a.add_capped(&SparseVec::unit(vec![(2, 1.0), (5, 1.0)]), 1.0, 2);
        assert_eq!(a.entries.len(), 2);
        assert!(a.entries.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(a.entries.iter().any(|e| e.0 == 5));
    }
}
