//! The library's text search: an entry matches when its name, device, tags, note or the name
//! of a patch inside it (a bank's voices) contains the text, in any case.

use super::entry::Entry;
use super::patches;
use crate::devices::Registry;

/// What the search looks through for `e`, lower-case, one field a line: name, device, tags,
/// note, then the names of the patches inside it, then those read across its messages.
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
    // Names read across addressed messages (a D-50 bulk dump's patches and tones).
    for n in registry.stream_names(&e.messages) {
        s.push('\n');
        s.push_str(&n.name);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::entry::Source;

    #[test]
    fn the_search_finds_names_read_across_messages() {
        // A D-50 DT1 with internal patch 1's patch block (02 00 00 + 384 = 02 03 00): its name
        // "Fantasia" in the D-50 table, no other message.
        let mut m = vec![0xF0, 0x41, 0x00, 0x14, 0x12, 0x02, 0x03, 0x00];
        let mut name = vec![6, 27, 40, 46, 27, 45, 35, 27];
        name.resize(18, 0);
        m.extend(&name);
        let sum: u32 = m[5..].iter().map(|&b| u32::from(b)).sum();
        m.push(((128 - sum % 128) % 128) as u8);
        m.push(0xF7);
        let r = crate::devices::test_registry();
        let e = Entry::new(r, vec![m], Source::Capture, 0);
        assert!(matches(&haystack(r, &e), "fantasia"));
        assert!(!matches(&haystack(r, &e), "brass"));
    }
}
