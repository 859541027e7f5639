//! Pass-through through a real CLAP host: SysEx of every size, other MIDI, the pass-through
//! switch, oversized messages, note-port dialects and state.

mod common;

use clack_extensions::note_ports::NoteDialects;
use common::{decode_state, encode_state, sysex, In, Out, Session};

fn sysex_out(events: &[Out]) -> Vec<(u32, Vec<u8>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Out::SysEx(t, b) => Some((*t, b.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn sysex_of_every_size_passes_byte_identical() {
    for frames in [64u32, 512] {
        let mut s = Session::start(48_000.0, frames);
        for (len, time) in [(6usize, 0u32), (4_104, 17), (65_536, frames - 1)] {
            let msg = sysex(len, len as u8);
            let out = s.process(frames, &[In::SysEx(time, msg.clone())]);
            assert_eq!(
                sysex_out(&out),
                vec![(time, msg)],
                "{len} bytes in {frames}-frame block"
            );
        }
    }
}

#[test]
fn one_mebibyte_message_passes() {
    let mut s = Session::start(48_000.0, 512);
    let msg = sysex(1 << 20, 9);
    let out = s.process(512, &[In::SysEx(3, msg.clone())]);
    assert_eq!(sysex_out(&out), vec![(3, msg)]);
}

#[test]
fn three_hundred_short_messages_in_one_block_keep_order_and_offsets() {
    let mut s = Session::start(48_000.0, 512);
    let input: Vec<(u32, Vec<u8>)> = (0..300u32)
        .map(|i| (i * 512 / 300, sysex(6 + (i as usize % 5), i as u8)))
        .collect();
    let events: Vec<In> = input
        .iter()
        .map(|(t, m)| In::SysEx(*t, m.clone()))
        .collect();
    let out = s.process(512, &events);
    assert_eq!(sysex_out(&out), input);
    // The next block still has room: slots were released.
    let out = s.process(512, &events);
    assert_eq!(sysex_out(&out).len(), 300);
}

#[test]
fn notes_cc_and_program_change_pass_and_can_be_blocked() {
    let mut s = Session::start(48_000.0, 64);
    let events = [
        In::Midi(1, [0x90, 60, 100]),
        In::Midi(5, [0xB0, 7, 99]),
        In::Midi(9, [0xC2, 12, 0]),
        In::SysEx(10, sysex(8, 1)),
        In::Midi(20, [0x80, 60, 0]),
    ];
    let out = s.process(64, &events);
    assert_eq!(out.len(), 5, "{out:?}");
    assert!(
        matches!(out[0], Out::NoteOn { time: 1, channel: 0, key: 60, velocity } if (velocity - 100.0 / 127.0).abs() < 1e-6)
    );
    assert_eq!(out[1], Out::Midi(5, [0xB0, 7, 99]));
    assert_eq!(out[2], Out::Midi(9, [0xC2, 12, 0]));
    assert_eq!(out[3], Out::SysEx(10, sysex(8, 1)));
    assert!(matches!(
        out[4],
        Out::NoteOff {
            time: 20,
            channel: 0,
            key: 60
        }
    ));

    // Turn pass-through off through the saved state, as a host restoring a project does.
    let state = s.save_state();
    let mut json = decode_state(&state);
    json["params"]["thru"] = serde_json::json!({ "bool": false });
    s.deactivate();
    assert!(s.load_state(&encode_state(&json)));
    s.activate(48_000.0, 64);
    let out = s.process(64, &events);
    assert!(out.is_empty(), "pass-through off still sent {out:?}");
}

#[test]
fn audio_passes_through_untouched() {
    let mut s = Session::start(44_100.0, 64);
    let (_, audio) = s.process_audio(64, &[], 0.5);
    assert!(audio.iter().all(|&x| x == 0.5));
}

#[test]
fn oversized_message_is_rejected_counted_and_the_next_one_passes() {
    let mut s = Session::start(48_000.0, 512);
    let too_big = sysex((1 << 20) + 1, 3);
    let next = sysex(10, 4);
    let out = s.process(512, &[In::SysEx(0, too_big), In::SysEx(1, next.clone())]);
    assert_eq!(sysex_out(&out), vec![(1, next)]);
    let counters = &decode_state(&s.save_state())["fields"]["counters"];
    let counters: serde_json::Value = serde_json::from_str(counters.as_str().unwrap()).unwrap();
    assert_eq!(counters["rejected_too_long"], 1);
    assert_eq!(counters["last_rejected_len"], (1 << 20) + 1);
    assert_eq!(counters["sysex_in"], 1);
    assert_eq!(counters["sysex_out"], 1);
}

#[test]
fn note_ports_declare_clap_and_midi_dialects() {
    let mut s = Session::load();
    for (supported, _) in s.note_port_dialects() {
        assert!(
            supported.contains(NoteDialects::CLAP | NoteDialects::MIDI),
            "{supported:?}"
        );
    }
}

#[test]
fn state_round_trips_into_a_fresh_instance() {
    let mut a = Session::start(48_000.0, 64);
    a.process(64, &[In::SysEx(0, sysex(100, 1))]);
    let mut json = decode_state(&a.save_state());
    json["params"]["thru"] = serde_json::json!({ "bool": false });
    let saved = encode_state(&json);
    a.deactivate();
    assert!(a.load_state(&saved));

    let state = a.save_state();
    let mut b = Session::load();
    assert!(b.load_state(&state));
    let again = b.save_state();
    // Save → load → save with nothing happening in between gives the same bytes: loading adds
    // nothing to what is saved (its log line is shown, not saved).
    assert_eq!(decode_state(&again), decode_state(&state));
    assert!(again == state, "state bytes differ after a reload");
    // Also with an activation and a few quiet blocks in between, as a host does at load.
    b.activate(48_000.0, 64);
    assert!(b.process(64, &[In::Midi(0, [0x90, 1, 1])]).is_empty());
    b.idle(0.5);
    assert!(
        b.save_state() == state,
        "activation changed the saved state"
    );
}

/// Resident memory an instance adds, read from /proc (Linux only). The capture ring holds pool
/// handles, not bytes (96 KiB, written once at activation so the audio thread never faults on
/// it); the shared pool is resident once per process.
#[cfg(target_os = "linux")]
#[test]
fn instances_are_light() {
    fn rss_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
    // Warm up: library loaded, pool created, one instance processed.
    let mut first = Session::start(48_000.0, 512);
    first.process(512, &[In::SysEx(0, sysex(64, 1))]);
    let before = rss_kib();
    let mut sessions: Vec<Session> = (0..20).map(|_| Session::start(48_000.0, 512)).collect();
    for s in &mut sessions {
        s.process(512, &[In::SysEx(0, sysex(64, 1))]);
    }
    let per_instance = (rss_kib().saturating_sub(before)) / 20;
    eprintln!("resident memory per active instance: {per_instance} KiB");
    assert!(per_instance < 1024, "{per_instance} KiB per instance");
}

#[test]
fn stripped_framing_is_restored_and_fragments_pass_verbatim() {
    let mut s = Session::start(48_000.0, 64);
    // A VST3-style message without F0/F7 comes out framed.
    let out = s.process(64, &[In::SysEx(3, vec![0x7E, 0x7F, 0x06, 0x01])]);
    assert_eq!(
        out,
        vec![Out::SysEx(3, vec![0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7])]
    );
    // A message split over two events passes as the same two pieces.
    let msg = sysex(40, 2);
    let out = s.process(
        64,
        &[
            In::SysEx(0, msg[..10].to_vec()),
            In::SysEx(1, msg[10..].to_vec()),
        ],
    );
    assert_eq!(
        out,
        vec![
            Out::SysEx(0, msg[..10].to_vec()),
            Out::SysEx(1, msg[10..].to_vec())
        ]
    );
}
