//! The library's text search: an entry matches when its name, device, tags, note or the name
//! of a patch inside it (a bank's voices) contains the text, in any case.

use super::entry::Entry;
use super::patches;
use crate::devices::Registry;

/// What the search looks through for `e`, lower-case, one field a line: name, device, tags,
/// note, then the names of the patches inside it.
pub fn haystack(registry: &Registry, e: &Entry) -> String {
    let mut s = format!(
        "{}\n{}\n{}\n{}",
        e.name,
        e.device,
        e.tags.join(", "),
        e.note
    );
    for n in patches::patch_names(registry, e) {
        s.push('\n');
        s.push_str(&n);
    }
    s.to_lowercase()
}

/// Whether `haystack` (from [`haystack`]) holds `text` (trimmed, any case; empty matches all).
pub fn matches(haystack: &str, text: &str) -> bool {
    let needle = text.trim().to_lowercase();
    needle.is_empty() || haystack.contains(&needle)
}

/// The names of the patches inside `e` that hold `text` (any case), with their place
/// (0-based): where a search found an entry by a patch in it.
pub fn matching_patches(registry: &Registry, e: &Entry, text: &str) -> Vec<(usize, String)> {
    let needle = text.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    patches::patch_names(registry, e)
        .into_iter()
        .enumerate()
        .filter(|(_, n)| n.to_lowercase().contains(&needle))
        .collect()
}
