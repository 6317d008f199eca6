//! Folders: children in sorted order, hidden and documentation files left out.
use crate::read::io_error;
use crate::Result;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Remembers the folders already walked, so a symlink loop is walked once.
#[derive(Default)]
pub(crate) struct Walker {
    seen: BTreeSet<PathBuf>,
}

impl Walker {
    /// The entries of a folder to read, sorted by name, so that walking depth-first gives the
    /// files in `Path` order (component by component): deterministic on every filesystem.
    pub fn children(&mut self, dir: &Path, name: &str) -> Result<Vec<PathBuf>> {
        let canonical = dir.canonicalize().map_err(|e| io_error(name, &e))?;
        if !self.seen.insert(canonical) {
            tracing::debug!(input = %name, "Skipped a folder already walked (symlink loop).");
            return Ok(Vec::new());
        }
        let entries = std::fs::read_dir(dir).map_err(|e| io_error(name, &e))?;
        let mut children = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| io_error(name, &e))?;
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            if skipped(&file_name) {
                tracing::debug!(input = %entry.path().display(), "Skipped a hidden or documentation file.");
                continue;
            }
            children.push(entry.path());
        }
        children.sort();
        Ok(children)
    }
}

/// Hidden files and a corpus folder's own documentation (`README.md`, `LICENSE`, `*.md`, `*.rst`)
/// are not articles. Named explicitly on the command line they are still read.
fn skipped(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    let stem = lower.split('.').next().unwrap_or("");
    lower.starts_with('.')
        || lower.ends_with('~')
        || [".md", ".markdown", ".rst"]
            .iter()
            .any(|e| lower.ends_with(e))
        || [
            "readme",
            "license",
            "licence",
            "copying",
            "changelog",
            "notice",
        ]
        .contains(&stem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{collect, write};
    use crate::Error;

    #[test]
    fn folders_are_walked_recursively_in_sorted_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "b.txt", b"b");
        write(root, "a.txt", b"a");
        std::fs::create_dir_all(root.join("a/deeper")).unwrap();
        write(&root.join("a"), "z.txt", b"az");
        write(&root.join("a/deeper"), "m.txt", b"adm");
        write(
            &root.join("a"),
            "c.jsonl",
            b"{\"id\":\"c1\",\"text\":\"x\"}\n{\"id\":\"c2\",\"text\":\"y\"}\n",
        );
        write(root, ".hidden.txt", b"secret");
        write(root, "README.md", b"# corpus");
        std::fs::create_dir(root.join(".git")).unwrap();
        write(&root.join(".git"), "HEAD", b"ref");
        let ids: Vec<String> = collect(&[root.to_path_buf()])
            .into_iter()
            .map(|r| r.unwrap().id.0)
            .collect();
        assert_eq!(ids, ["c1", "c2", "m", "z", "a", "b"]);
        let again: Vec<String> = collect(&[root.to_path_buf()])
            .into_iter()
            .map(|r| r.unwrap().id.0)
            .collect();
        assert_eq!(ids, again);
    }

    #[test]
    fn a_folder_of_binary_junk_gives_one_error_per_file() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "one.bin", &[0u8, 159, 146, 150, 1, 2, 3]);
        write(dir.path(), "two.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
        write(dir.path(), "three", &[0xFF; 64]);
        let got = collect(&[dir.path().to_path_buf()]);
        assert_eq!(got.len(), 3);
        for item in &got {
            let e = item.as_ref().unwrap_err();
            assert!(matches!(e, Error::Binary { .. }), "{e}");
            assert!(e.to_string().ends_with(": binary data, not text"));
        }
    }

    #[test]
    fn documentation_is_skipped_in_folders_but_read_when_named() {
        assert!(
            skipped("README.md") && skipped("LICENSE") && skipped("notes.rst") && skipped(".x")
        );
        assert!(!skipped("article.txt") && !skipped("readme-not.txt"));
        let dir = tempfile::tempdir().unwrap();
        let readme = write(dir.path(), "README.md", b"About this corpus.");
        assert!(collect(&[dir.path().to_path_buf()]).is_empty());
        assert_eq!(
            collect(&[readme])[0].as_ref().unwrap().id.as_str(),
            "README"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", b"a");
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
        let got = collect(&[dir.path().to_path_buf()]);
        assert_eq!(got.len(), 1);
    }
}
