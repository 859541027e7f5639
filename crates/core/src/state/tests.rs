//! Tests of the saved form: round trips, every older format read through the chain, refusals.

use super::*;
use crate::library::{Entry, ProgramMap, Source};
use proptest::prelude::*;

fn library() -> Library {
    let mut lib = Library::default();
    lib.add(Entry::new(
        crate::devices::test_registry(),
        vec![vec![0xF0, 0x43, 0x00, 0xF7]],
        Source::Capture,
        1,
    ));
    let mut e = Entry::new(
        crate::devices::test_registry(),
        vec![vec![0xF0, 0x04, 0x01, 0xF7]; 3],
        Source::Import("a.syx".into()),
        2,
    );
    e.unterminated.push(vec![0xF0, 0x04]);
    e.recall_on_load = true;
    e.program_change = Some(ProgramMap::any(5));
    lib.add(e);
    lib
}

/// The blob a build of format `version` wrote for `old`, that format's library.
fn blob<T: serde::Serialize>(version: u16, old: &T) -> Vec<u8> {
    let payload = postcard::to_stdvec(old).unwrap();
    let mut blob = MAGIC.to_vec();
    blob.extend(version.to_le_bytes());
    blob.extend((payload.len() as u64).to_le_bytes());
    blob.extend(zstd::bulk::compress(&payload, 3).unwrap());
    blob
}

/// The blob a format 1 build wrote for `library` (its tags dropped).
fn encode_v1(library: &Library) -> Vec<u8> {
    let entries = library.entries.iter().map(|e| v1::Entry {
        id: e.id,
        name: e.name.clone(),
        messages: e.messages.clone(),
        unterminated: e.unterminated.clone(),
        lost_messages: e.lost_messages,
        created_unix_ms: e.created_unix_ms,
        source: e.source.clone(),
        device: e.device.clone(),
        profile: e.profile.clone(),
        kind: e.kind,
        invalid_checksums: e.invalid_checksums,
        hash: e.hash,
        duplicate_of: e.duplicate_of,
        recall_on_load: e.recall_on_load,
        program_change: e.program_change.map(|m| m.program),
    });
    let next_id = library.next_id;
    blob(
        1,
        &v1::Library {
            entries: entries.collect(),
            next_id,
        },
    )
}

/// The blob a format 2 build wrote for `library` (program locations dropped).
fn encode_v2(library: &Library) -> Vec<u8> {
    let entries = library.entries.iter().map(|e| v2::Entry {
        id: e.id,
        name: e.name.clone(),
        messages: e.messages.clone(),
        unterminated: e.unterminated.clone(),
        lost_messages: e.lost_messages,
        created_unix_ms: e.created_unix_ms,
        source: e.source.clone(),
        device: e.device.clone(),
        profile: e.profile.clone(),
        kind: e.kind,
        invalid_checksums: e.invalid_checksums,
        hash: e.hash,
        duplicate_of: e.duplicate_of,
        recall_on_load: e.recall_on_load,
        program_change: e.program_change.map(|m| m.program),
        tags: e.tags.clone(),
    });
    let next_id = library.next_id;
    blob(
        2,
        &v2::Library {
            entries: entries.collect(),
            next_id,
        },
    )
}

/// The blob a format 3 build wrote for `library` (favourites and notes dropped).
fn encode_v3(library: &Library) -> Vec<u8> {
    let entries = library.entries.iter().map(|e| v3::Entry {
        id: e.id,
        name: e.name.clone(),
        messages: e.messages.clone(),
        unterminated: e.unterminated.clone(),
        lost_messages: e.lost_messages,
        created_unix_ms: e.created_unix_ms,
        source: e.source.clone(),
        device: e.device.clone(),
        profile: e.profile.clone(),
        kind: e.kind,
        invalid_checksums: e.invalid_checksums,
        hash: e.hash,
        duplicate_of: e.duplicate_of,
        recall_on_load: e.recall_on_load,
        program_change: e.program_change.map(|m| m.program),
        tags: e.tags.clone(),
        stored_at: e.stored_at,
    });
    let next_id = library.next_id;
    blob(
        3,
        &v3::Library {
            entries: entries.collect(),
            next_id,
        },
    )
}

/// The blob a format 4 build wrote for `library` (mappings reduced to their program number).
fn encode_v4(library: &Library) -> Vec<u8> {
    let entries = library.entries.iter().map(|e| v4::Entry {
        id: e.id,
        name: e.name.clone(),
        messages: e.messages.clone(),
        unterminated: e.unterminated.clone(),
        lost_messages: e.lost_messages,
        created_unix_ms: e.created_unix_ms,
        source: e.source.clone(),
        device: e.device.clone(),
        profile: e.profile.clone(),
        kind: e.kind,
        invalid_checksums: e.invalid_checksums,
        hash: e.hash,
        duplicate_of: e.duplicate_of,
        recall_on_load: e.recall_on_load,
        program_change: e.program_change.map(|m| m.program),
        tags: e.tags.clone(),
        stored_at: e.stored_at,
        favourite: e.favourite,
        note: e.note.clone(),
    });
    let next_id = library.next_id;
    blob(
        4,
        &v4::Library {
            entries: entries.collect(),
            next_id,
        },
    )
}

#[test]
fn round_trip() {
    let lib = library();
    assert_eq!(decode(&encode(&lib)).unwrap(), lib);
    assert_eq!(decode_text(&encode_text(&lib)).unwrap(), lib);
}

#[test]
fn future_versions_and_garbage_are_refused_with_reasons() {
    let mut blob = encode(&library());
    blob[4] = (CURRENT_VERSION + 1) as u8;
    assert_eq!(
        decode(&blob),
        Err(StateError::FutureVersion {
            found: CURRENT_VERSION + 1
        })
    );
    assert_eq!(
        decode(b"hello world, not a library"),
        Err(StateError::NotALibrary)
    );
    assert!(matches!(
        decode_text("***"),
        Err(StateError::NotBase64 { .. })
    ));
    let mut blob = encode(&library());
    let n = blob.len();
    blob.truncate(n - 3);
    assert!(matches!(decode(&blob), Err(StateError::Corrupt { .. })));
}

#[test]
fn older_versions_load_and_each_keeps_what_it_had() {
    let mut lib = library();
    let old = encode_v1(&lib);
    assert_eq!(u16::from_le_bytes([old[4], old[5]]), 1);
    assert_eq!(decode(&old).unwrap(), lib);
    lib.entries[0].tags = vec!["favourite".into(), "pads".into()];
    let v2 = encode_v2(&lib);
    assert_eq!(u16::from_le_bytes([v2[4], v2[5]]), 2);
    assert_eq!(decode(&v2).unwrap(), lib, "version 2 keeps its tags");
    lib.entries[0].stored_at = Some(crate::library::StoredAt {
        channel: 1,
        bank_msb: Some(0),
        bank_lsb: Some(2),
        program: 9,
    });
    let v3 = encode_v3(&lib);
    assert_eq!(u16::from_le_bytes([v3[4], v3[5]]), 3);
    assert_eq!(
        decode(&v3).unwrap(),
        lib,
        "version 3 keeps its program location"
    );
    lib.entries[0].favourite = true;
    lib.entries[0].note = "second verse, needs aftertouch".into();
    let v4 = encode_v4(&lib);
    assert_eq!(u16::from_le_bytes([v4[4], v4[5]]), 4);
    assert_eq!(
        decode(&v4).unwrap(),
        lib,
        "version 4 keeps favourites and notes"
    );
    lib.entries[1].program_change = Some(ProgramMap {
        program: 5,
        channel: Some(9),
        bank_msb: Some(1),
        bank_lsb: None,
        interrupt: true,
    });
    let blob = try_encode(&lib).unwrap();
    assert_eq!(u16::from_le_bytes([blob[4], blob[5]]), 5);
    assert_eq!(
        decode(&blob).unwrap(),
        lib,
        "version 5 keeps channel, bank and interrupt"
    );
}

#[test]
fn decompression_bomb_is_refused() {
    // 2 GiB of zeros compress to a few KiB; the header's claim is checked before inflating.
    let mut blob = MAGIC.to_vec();
    blob.extend(1u16.to_le_bytes());
    blob.extend((2u64 << 30).to_le_bytes());
    blob.extend(zstd::bulk::compress(&vec![0u8; 1 << 20], 19).unwrap());
    assert_eq!(
        decode(&blob),
        Err(StateError::TooLarge { claimed: 2 << 30 })
    );
    // A header that lies low: inflation stops one byte past the claim.
    let mut blob = MAGIC.to_vec();
    blob.extend(1u16.to_le_bytes());
    blob.extend(10u64.to_le_bytes());
    blob.extend(zstd::bulk::compress(&vec![0u8; 1 << 20], 19).unwrap());
    assert!(matches!(decode(&blob), Err(StateError::Corrupt { .. })));
}

fn arb_entry() -> impl Strategy<Value = Entry> {
    (
        proptest::collection::vec(proptest::collection::vec(0u8..0x80, 0..20), 0..4),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..8), 0..2),
        any::<u64>(),
        ".{0,12}",
        any::<bool>(),
        proptest::option::of(0u8..128),
    )
        .prop_map(|(bodies, unterminated, lost, name, recall, pc)| {
            let msgs = bodies
                .into_iter()
                .map(|b| [vec![0xF0], b, vec![0xF7]].concat())
                .collect();
            let mut e = Entry::new(
                crate::devices::test_registry(),
                msgs,
                Source::Import(name.clone()),
                lost,
            );
            e.name = name;
            e.unterminated = unterminated;
            e.lost_messages = lost;
            e.recall_on_load = recall;
            e.program_change = pc.map(ProgramMap::any);
            e.favourite = recall;
            e.note = format!("{} {lost}", e.name);
            e
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn encode_decode_is_identity(entries in proptest::collection::vec(arb_entry(), 0..5)) {
        let mut lib = Library::default();
        for e in entries {
            lib.add(e);
        }
        prop_assert_eq!(decode(&encode(&lib)).unwrap(), lib);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100_000))]
    #[test]
    fn decode_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..64), version in 0u16..7, claimed in 0u64..4096) {
        let mut blob = MAGIC.to_vec();
        blob.extend(version.to_le_bytes());
        blob.extend(claimed.to_le_bytes());
        blob.extend(tail);
        if let Ok(lib) = decode(&blob) {
            // Whatever decodes came out of at most `claimed` payload bytes.
            prop_assert!(lib.byte_len() as u64 <= claimed);
        }
    }
}
