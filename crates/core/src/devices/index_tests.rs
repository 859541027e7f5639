//! The registry's index by maker byte finds exactly what a scan of every definition finds.

use super::*;
use proptest::prelude::*;

/// The old way: every message kind of every definition, most specific header first.
fn full_scan<'a>(r: &'a Registry, msg: &[u8]) -> Option<(&'a str, &'a str)> {
    let mut best: Option<(&Definition, &MessageDef, u32)> = None;
    for d in r.all() {
        for m in &d.messages {
            if d.matches(m, msg).is_none() {
                continue;
            }
            let s = m.header.specificity();
            if best.as_ref().is_none_or(|b| s > b.2) {
                best = Some((d, m, s));
            }
        }
    }
    best.map(|(d, m, _)| (d.id.as_str(), m.id.as_str()))
}

fn indexed<'a>(r: &'a Registry, msg: &[u8]) -> Option<(&'a str, &'a str)> {
    r.identify(msg)
        .map(|(d, m, _)| (d.id.as_str(), m.id.as_str()))
}

#[test]
fn every_shipped_message_kind_is_found_as_by_a_full_scan() {
    let r = test_registry();
    let mut checked = 0;
    for d in r.all() {
        for m in &d.messages {
            let Some(data) = m.data else { continue };
            let _ = data;
            let len = m.length.0.max(8);
            let fields = d.default_fields(Fields {
                program: Some(1),
                bank: Some(0),
                ..Fields::default()
            });
            let body = vec![0u8; len];
            if let Ok(msg) = d.build(m, &fields, &body) {
                assert_eq!(indexed(r, &msg), full_scan(r, &msg), "{} {}", d.id, m.id);
                checked += 1;
            }
        }
    }
    // And every message of the committed real dumps.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/real");
    for file in std::fs::read_dir(&dir).expect("tests/fixtures/real") {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        for msg in crate::sysex::bank::split(&bytes) {
            assert_eq!(indexed(r, &msg), full_scan(r, &msg));
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} messages checked");
}

proptest! {
    #[test]
    fn any_message_is_found_as_by_a_full_scan(
        maker in prop::sample::select(vec![0x00u8, 0x04, 0x10, 0x3E, 0x41, 0x42, 0x43, 0x7E, 0x7D]),
        body in prop::collection::vec(0u8..0x80, 0..400),
    ) {
        let mut msg = vec![0xF0, maker];
        msg.extend(&body);
        msg.push(0xF7);
        let r = test_registry();
        prop_assert_eq!(indexed(r, &msg), full_scan(r, &msg));
    }
}
