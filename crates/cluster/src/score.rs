//! Metrics against gold: clustering agreement (NMI, ARI, B-cubed) and Pearson correlation, used by
//! `storyfold eval clustering` and `storyfold eval similarity`.
use std::collections::BTreeMap;

/// Agreement between a predicted and a gold partition of the same items.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct ClusteringScores {
    /// Items compared.
    pub items: usize,
    /// Gold clusters.
    pub gold_clusters: usize,
    /// Predicted clusters.
    pub predicted_clusters: usize,
    /// Normalised mutual information (arithmetic-mean normalisation, as scikit-learn's default).
    pub nmi: f64,
    /// Adjusted Rand index.
    pub ari: f64,
    /// B-cubed precision.
    pub bcubed_precision: f64,
    /// B-cubed recall.
    pub bcubed_recall: f64,
    /// B-cubed F1.
    pub bcubed_f1: f64,
}

/// One report line, as `storyfold eval clustering` and the cluster harnesses print it.
impl std::fmt::Display for ClusteringScores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "items {} gold stories {} predicted {} | NMI {:.4} ARI {:.4} B-cubed P {:.4} R {:.4} F1 {:.4}",
            self.items,
            self.gold_clusters,
            self.predicted_clusters,
            self.nmi,
            self.ari,
            self.bcubed_precision,
            self.bcubed_recall,
            self.bcubed_f1
        )
    }
}

fn choose2(n: u64) -> f64 {
    (n as f64) * (n.saturating_sub(1) as f64) / 2.0
}

/// Scores `predicted` against `gold` (same length, item `i` in both). Labels are any ordered values.
///
/// # Panics
/// When the two slices differ in length.
pub fn clustering<G: Ord, P: Ord>(gold: &[G], predicted: &[P]) -> ClusteringScores {
    assert_eq!(
        gold.len(),
        predicted.len(),
        "gold and predicted differ in length"
    );
    let n = gold.len();
    let mut g_ids: BTreeMap<&G, usize> = BTreeMap::new();
    let mut p_ids: BTreeMap<&P, usize> = BTreeMap::new();
    let g: Vec<usize> = gold
        .iter()
        .map(|x| {
            let k = g_ids.len();
            *g_ids.entry(x).or_insert(k)
        })
        .collect();
    let p: Vec<usize> = predicted
        .iter()
        .map(|x| {
            let k = p_ids.len();
            *p_ids.entry(x).or_insert(k)
        })
        .collect();
    let mut joint: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    let mut g_size = vec![0u64; g_ids.len()];
    let mut p_size = vec![0u64; p_ids.len()];
    for i in 0..n {
        *joint.entry((g[i], p[i])).or_insert(0) += 1;
        g_size[g[i]] += 1;
        p_size[p[i]] += 1;
    }
    let nf = n as f64;
    let entropy = |sizes: &[u64]| -> f64 {
        sizes
            .iter()
            .filter(|&&s| s > 0)
            .map(|&s| {
                let q = s as f64 / nf;
                -q * q.ln()
            })
            .sum()
    };
    let (hg, hp) = (entropy(&g_size), entropy(&p_size));
    let mut mi = 0.0;
    for (&(a, b), &c) in &joint {
        let c = c as f64;
        mi += c / nf * ((c * nf) / (g_size[a] as f64 * p_size[b] as f64)).ln();
    }
    let nmi = if hg + hp > 0.0 {
        2.0 * mi / (hg + hp)
    } else {
        1.0
    };
    let index: f64 = joint.values().map(|&c| choose2(c)).sum();
    let sum_g: f64 = g_size.iter().map(|&s| choose2(s)).sum();
    let sum_p: f64 = p_size.iter().map(|&s| choose2(s)).sum();
    let expected = sum_g * sum_p / choose2(n as u64).max(1.0);
    let max_index = (sum_g + sum_p) / 2.0;
    let ari = if (max_index - expected).abs() < f64::EPSILON {
        1.0
    } else {
        (index - expected) / (max_index - expected)
    };
    // B-cubed: each item's precision is the share of its predicted cluster that shares its gold
    // label; summed per (gold, predicted) cell that is c * c / |predicted|.
    let mut precision = 0.0;
    let mut recall = 0.0;
    for (&(a, b), &c) in &joint {
        let c = c as f64;
        precision += c * c / p_size[b] as f64;
        recall += c * c / g_size[a] as f64;
    }
    let (precision, recall) = if n > 0 {
        (precision / nf, recall / nf)
    } else {
        (1.0, 1.0)
    };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    ClusteringScores {
        items: n,
        gold_clusters: g_ids.len(),
        predicted_clusters: p_ids.len(),
        nmi,
        ari,
        bcubed_precision: precision,
        bcubed_recall: recall,
        bcubed_f1: f1,
    }
}

/// Pearson correlation of two equally long series; `None` when shorter than 2 or constant.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 2 {
        return None;
    }
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_partitions_score_one() {
        let s = clustering(&[1, 1, 2, 2, 3], &["a", "a", "b", "b", "c"]);
        assert!((s.nmi - 1.0).abs() < 1e-9);
        assert!((s.ari - 1.0).abs() < 1e-9);
        assert!((s.bcubed_f1 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn known_values_match_scikit_learn() {
        // sklearn: normalized_mutual_info_score([0,0,1,1],[0,0,1,2]) = 0.8, ARI = 0.5714...
        let s = clustering(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((s.nmi - 0.8).abs() < 1e-9, "{}", s.nmi);
        assert!((s.ari - 0.571_428_571_4).abs() < 1e-6, "{}", s.ari);
        assert!((s.bcubed_precision - 1.0).abs() < 1e-9);
        assert!((s.bcubed_recall - 0.75).abs() < 1e-9);
    }

    #[test]
    fn pearson_of_a_line_is_one() {
        let r = pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5]).unwrap_or(0.0);
        assert!(r > 0.99);
        assert_eq!(pearson(&[1.0, 1.0], &[1.0, 2.0]), None);
    }
}
