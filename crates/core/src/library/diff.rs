//! Comparing two dumps message by message: what changed in a patch since the last backup.
//! Messages are compared by position (message *n* of one side against message *n* of the
//! other); within a pair, the differing bytes are reported as ranges. Pure: no plugin framework.

use serde::Serialize;
use std::ops::Range;

/// How message *n* of the two sides compares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MessageDiff {
    /// Byte-identical.
    Same,
    /// Both sides have a message here, with these byte ranges differing (a length difference
    /// shows as a range running to the end of the longer message).
    Changed {
        /// Differing byte ranges, in offsets from the message's `F0`.
        ranges: Vec<Range<usize>>,
        /// Length on the first side.
        len_a: usize,
        /// Length on the second side.
        len_b: usize,
    },
    /// Only the first side has a message here.
    OnlyA,
    /// Only the second side has a message here.
    OnlyB,
}

/// Differing byte ranges of two messages (empty when identical).
pub fn byte_ranges(a: &[u8], b: &[u8]) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let longest = a.len().max(b.len());
    for i in 0..longest {
        if a.get(i) == b.get(i) {
            continue;
        }
        match ranges.last_mut() {
            Some(r) if r.end == i => r.end = i + 1,
            _ => ranges.push(i..i + 1),
        }
    }
    ranges
}

/// Compares two lists of messages position by position.
pub fn diff_messages<T: AsRef<[u8]>>(a: &[T], b: &[T]) -> Vec<MessageDiff> {
    (0..a.len().max(b.len()))
        .map(|i| match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => {
                let (x, y) = (x.as_ref(), y.as_ref());
                let ranges = byte_ranges(x, y);
                if ranges.is_empty() {
                    MessageDiff::Same
                } else {
                    MessageDiff::Changed {
                        ranges,
                        len_a: x.len(),
                        len_b: y.len(),
                    }
                }
            }
            (Some(_), None) => MessageDiff::OnlyA,
            _ => MessageDiff::OnlyB,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ranges_merge_neighbours_and_cover_a_length_change() {
        assert!(byte_ranges(&[1, 2, 3], &[1, 2, 3]).is_empty());
        assert_eq!(
            byte_ranges(&[1, 2, 3, 4, 5], &[1, 9, 9, 4, 6]),
            vec![1..3, 4..5]
        );
        assert_eq!(byte_ranges(&[1, 2], &[1, 2, 3, 4]), vec![2..4]);
    }

    #[test]
    fn messages_compare_by_position() {
        let a = [
            vec![0xF0, 1, 0xF7],
            vec![0xF0, 2, 0xF7],
            vec![0xF0, 3, 0xF7],
        ];
        let b = [vec![0xF0, 1, 0xF7], vec![0xF0, 5, 0xF7]];
        assert_eq!(
            diff_messages(&a, &b),
            vec![
                MessageDiff::Same,
                MessageDiff::Changed {
                    ranges: std::iter::once(1..2).collect(),
                    len_a: 3,
                    len_b: 3
                },
                MessageDiff::OnlyA
            ]
        );
        assert_eq!(diff_messages(&b[..1], &a[..2])[1], MessageDiff::OnlyB);
    }

    proptest! {
        #[test]
        fn ranges_hold_exactly_the_differing_bytes(
            a in proptest::collection::vec(0u8..4, 0..40),
            b in proptest::collection::vec(0u8..4, 0..40),
        ) {
            let ranges = byte_ranges(&a, &b);
            for i in 0..a.len().max(b.len()) {
                let inside = ranges.iter().any(|r| r.contains(&i));
                prop_assert_eq!(inside, a.get(i) != b.get(i));
            }
        }
    }
}
