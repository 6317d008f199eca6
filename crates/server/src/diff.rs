//! Word-level differences between a quote's reference wording and an altered variant, for the
//! page's `<del>`/`<ins>` highlighting.

/// One run of words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    /// Words both wordings share.
    Same(String),
    /// Reference words the variant dropped or replaced.
    Removed(String),
    /// Words the variant added.
    Added(String),
}

/// Wordings longer than this are shown whole (the table is quadratic; quotes are short).
const MAX_WORDS: usize = 400;

/// Compares words by letters and digits only, ignoring case, so punctuation and capitals do
/// not count as alterations.
fn key(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The runs of shared, removed and added words turning `reference` into `variant` (a longest
/// common subsequence of words; removals come before additions at each change).
pub(crate) fn word_diff(reference: &str, variant: &str) -> Vec<Change> {
    let a: Vec<&str> = reference.split_whitespace().collect();
    let b: Vec<&str> = variant.split_whitespace().collect();
    if a.len() > MAX_WORDS || b.len() > MAX_WORDS {
        return vec![Change::Removed(a.join(" ")), Change::Added(b.join(" "))];
    }
    let ka: Vec<String> = a.iter().map(|w| key(w)).collect();
    let kb: Vec<String> = b.iter().map(|w| key(w)).collect();
    // lcs[i][j]: longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u16; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if ka[i] == kb[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out: Vec<Change> = Vec::new();
    let push = |out: &mut Vec<Change>, change: Change| match (out.last_mut(), change) {
        (Some(Change::Same(run)), Change::Same(w))
        | (Some(Change::Removed(run)), Change::Removed(w))
        | (Some(Change::Added(run)), Change::Added(w)) => {
            run.push(' ');
            run.push_str(&w);
        }
        (_, change) => out.push(change),
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && ka[i] == kb[j] {
            // Shared word: show the variant's spelling (what the reader of that outlet saw).
            push(&mut out, Change::Same(b[j].to_string()));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            push(&mut out, Change::Removed(a[i].to_string()));
            i += 1;
        } else {
            push(&mut out, Change::Added(b[j].to_string()));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaced_word_is_removed_then_added() {
        let diff = word_diff(
            "We will rebuild the terminal quickly.",
            "We might rebuild the terminal eventually.",
        );
        assert_eq!(
            diff,
            vec![
                Change::Same("We".into()),
                Change::Removed("will".into()),
                Change::Added("might".into()),
                Change::Same("rebuild the terminal".into()),
                Change::Removed("quickly.".into()),
                Change::Added("eventually.".into()),
            ]
        );
    }

    #[test]
    fn punctuation_and_case_are_not_changes() {
        let diff = word_diff("Safety first, always.", "safety first always");
        assert_eq!(diff, vec![Change::Same("safety first always".into())]);
    }

    #[test]
    fn added_and_dropped_words_at_the_ends() {
        let diff = word_diff("the ferry runs", "now the ferry");
        assert_eq!(
            diff,
            vec![
                Change::Added("now".into()),
                Change::Same("the ferry".into()),
                Change::Removed("runs".into()),
            ]
        );
    }
}
