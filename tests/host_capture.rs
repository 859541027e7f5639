//! Capture through a real CLAP host: SysEx arriving while armed lands in the saved state as
//! takes, byte-identical, and survives a save/load into a fresh instance.

mod common;

use common::{decode_state, dx7_voice, encode_state, sysex, In, Session};
use sysex_vault::devices::MessageKind;

fn armed(frames: u32) -> (Session, u32) {
    let mut s = Session::start(48_000.0, frames);
    let rec = s.param_id("Record");
    s.process(frames, &[In::Param(0, rec, 1.0)]);
    (s, rec)
}

#[test]
fn bank_across_blocks_becomes_takes_that_survive_a_reload() {
    let (mut s, _) = armed(64);
    // Take 1: 40 voices, one every 20 blocks (27 ms apart), then silence.
    let voices: Vec<Vec<u8>> = (0..40)
        .map(|i| dx7_voice(format!("VOICE {i:<4}").as_bytes().try_into().unwrap()))
        .collect();
    for v in &voices {
        s.process(64, &[In::SysEx(7, v.clone())]);
        for _ in 0..19 {
            s.process(64, &[]);
        }
    }
    s.idle(1.1);
    // Take 2: one message split across two host events and two blocks.
    let single = sysex(300, 5);
    s.process(64, &[In::SysEx(0, single[..100].to_vec())]);
    s.process(64, &[In::SysEx(0, single[100..].to_vec())]);
    s.idle(1.1);

    let lib = s.saved_library();
    assert_eq!(
        lib.entries.len(),
        2,
        "{:?}",
        lib.entries.iter().map(|e| &e.name).collect::<Vec<_>>()
    );
    let bank = &lib.entries[0];
    assert_eq!(bank.messages, voices);
    assert_eq!(bank.kind, MessageKind::Bank);
    assert_eq!(bank.name, "Yamaha DX7 bank, 40 presets (VOICE 0…)");
    assert_eq!(lib.entries[1].messages, vec![single]);

    // Reload into a fresh instance, as reopening the project does.
    let state = s.save_state();
    let mut fresh = Session::load();
    assert!(fresh.load_state(&state));
    assert_eq!(fresh.saved_library(), lib);
}

#[test]
fn recording_off_ends_the_take_and_unarmed_sysex_is_not_captured() {
    let (mut s, rec) = armed(64);
    s.process(64, &[In::SysEx(0, sysex(10, 1))]);
    s.process(64, &[In::Param(0, rec, 0.0)]);
    s.process(64, &[In::SysEx(0, sysex(10, 2))]);
    let lib = s.saved_library();
    assert_eq!(lib.entries.len(), 1);
    assert_eq!(lib.entries[0].messages, vec![sysex(10, 1)]);
}

#[test]
fn one_mebibyte_bank_in_one_block_and_a_64k_message_are_captured_intact() {
    let (mut s, _) = armed(512);
    let bank: Vec<Vec<u8>> = (0..256).map(|i| sysex(4_104, i as u8)).collect();
    let events: Vec<In> = bank.iter().map(|m| In::SysEx(0, m.clone())).collect();
    assert!(bank.iter().map(Vec::len).sum::<usize>() >= 1 << 20);
    s.process(512, &events);
    s.idle(1.1);
    let big = sysex(65_536, 3);
    s.process(512, &[In::SysEx(100, big.clone())]);
    s.idle(1.1);
    let lib = s.saved_library();
    assert_eq!(lib.entries.len(), 2);
    assert_eq!(lib.entries[0].messages, bank);
    assert_eq!(lib.entries[0].lost_messages, 0);
    assert_eq!(lib.entries[1].messages, vec![big]);
}

#[test]
fn ring_overflow_is_counted_on_the_take() {
    // A 64 KiB ring cannot hold a 100 KiB message: it is lost, counted and shown on the take.
    let mut s = Session::load();
    let mut state = decode_state(&s.save_state());
    state["fields"]["capture-buffer-bytes"] = serde_json::json!("65536");
    state["fields"]["idle-gap-ms"] = serde_json::json!("200");
    assert!(s.load_state(&encode_state(&state)));
    s.activate(48_000.0, 512);
    let rec = s.param_id("Record");
    s.process(
        512,
        &[
            In::Param(0, rec, 1.0),
            In::SysEx(1, sysex(100 << 10, 1)),
            In::SysEx(2, sysex(20, 2)),
        ],
    );
    s.idle(0.3);
    let lib = s.saved_library();
    assert_eq!(lib.entries.len(), 1);
    assert_eq!(lib.entries[0].lost_messages, 1);
    assert_eq!(lib.entries[0].messages, vec![sysex(20, 2)]);
    assert!(lib.entries[0].has_problems());
}

#[test]
fn duplicate_capture_is_kept_and_marked() {
    let (mut s, _) = armed(512);
    for _ in 0..2 {
        s.process(512, &[In::SysEx(0, sysex(50, 1))]);
        s.idle(1.1);
    }
    let lib = s.saved_library();
    assert_eq!(lib.entries.len(), 2);
    assert_eq!(lib.entries[1].duplicate_of, Some(lib.entries[0].id));
}

fn library_field(state: &[u8]) -> String {
    decode_state(state)["fields"]["library"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn corrupt_and_future_libraries_are_kept_verbatim_and_resaved_unchanged() {
    let mut future = sysex_vault::state::encode(&Default::default());
    future[4] = 9; // format version 9, from a newer SysEx Vault
    let base64 = |b: &[u8]| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    for text in ["this is not a library".to_owned(), base64(&future)] {
        let mut s = Session::load();
        let mut state = decode_state(&s.save_state());
        let field = serde_json::to_string(&text).unwrap();
        state["fields"]["library"] = serde_json::json!(field.clone());
        assert!(s.load_state(&encode_state(&state)));
        s.activate(48_000.0, 512);
        // Capture something new meanwhile: it must not replace the kept library.
        let rec = s.param_id("Record");
        s.process(512, &[In::Param(0, rec, 1.0), In::SysEx(0, sysex(12, 7))]);
        s.idle(1.1);
        let saved = s.save_state();
        assert_eq!(library_field(&saved), field, "kept verbatim");
        let pending = decode_state(&saved)["fields"]["library-pending"]
            .as_str()
            .unwrap()
            .to_owned();
        let pending: String = serde_json::from_str(&pending).unwrap();
        let pending = sysex_vault::state::decode_text(&pending).unwrap();
        assert_eq!(pending.entries[0].messages, vec![sysex(12, 7)]);
        // And again after a reload.
        let mut again = Session::load();
        assert!(again.load_state(&saved));
        assert_eq!(library_field(&again.save_state()), field);
    }
}
