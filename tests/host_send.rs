//! Sending and recall through a real CLAP host: paced to the sample, in every block size and
//! across a sample-rate change, triggered by automation and program changes, recalled once per
//! load, cancellable, and retried when the host's queue is full.

mod common;
mod fixture;

use common::{sysex, In, Out, Session};
use sysex_vault::library::{Entry, Library, ProgramMap, Source};
use sysex_vault::pacing::{Pacing, PacingChoice};

/// A session whose saved state holds `lib`, activated at `sr` with `frames`-frame blocks.
fn session_with(
    lib: &Library,
    sr: f64,
    frames: u32,
    extra: &[(&str, serde_json::Value)],
) -> Session {
    let mut s = Session::load();
    assert!(s.load_state(&common::state_with(lib, extra)));
    s.activate(sr, frames);
    s
}

/// State override: USB / fast pacing, for tests about other things than DIN timing.
fn usb_fast() -> [(&'static str, serde_json::Value); 1] {
    let choice = serde_json::to_string(&PacingChoice::UsbFast).unwrap();
    [("fields/pacing", serde_json::json!(choice))]
}

fn bank(n: usize, seed: u8) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| sysex(40 + (i * 7) % 60, seed.wrapping_add(i as u8)))
        .collect()
}

fn library(entries: Vec<Entry>) -> Library {
    let mut lib = Library::default();
    for e in entries {
        lib.add(e);
    }
    lib
}

/// SysEx output with absolute sample times; `events` go into the first block. Until the first
/// message comes out, blocks are paced at about real time (a host does not run faster than its
/// audio clock, and the job is queued by a background thread); then `blocks` more are run.
fn run(s: &mut Session, frames: u32, blocks: usize, events: &[In]) -> Vec<(u64, Vec<u8>)> {
    if !events.is_empty() {
        // A user's click comes after the host has finished restoring the project.
        s.settle();
    }
    let mut out = Vec::new();
    let mut clock = 0u64;
    let block_time = std::time::Duration::from_secs_f64(f64::from(frames) / s.sample_rate);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut remaining = blocks;
    let mut first = true;
    while remaining > 0 {
        let input = if first { events } else { &[] };
        first = false;
        for e in s.process(frames, input) {
            if let Out::SysEx(t, bytes) = e {
                out.push((clock + u64::from(t), bytes));
            }
        }
        clock += u64::from(frames);
        if out.is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(block_time.min(std::time::Duration::from_millis(2)));
        } else {
            remaining -= 1;
        }
    }
    out
}

/// Checks starts against the pacing plan: each within one sample of it and never early, each
/// message fully gone at the byte rate before the next starts, and the average rate over the job
/// within 1 % of the configured rate and never above it.
fn assert_paced(out: &[(u64, Vec<u8>)], sr: f64, pacing: Pacing) {
    let lens: Vec<usize> = out.iter().map(|(_, m)| m.len()).collect();
    let plan = pacing.start_times(lens.iter().copied());
    let t0 = out[0].0;
    for (i, (t, _)) in out.iter().enumerate() {
        let actual = (t - t0) as f64;
        let planned = plan[i] * sr;
        assert!(
            actual - planned >= -1e-6,
            "message {i} early: {actual} < {planned}"
        );
        assert!(
            actual - planned <= 1.0 + 1e-6,
            "message {i} late: {actual} vs {planned}"
        );
    }
    let gap = f64::from(pacing.gap_after_message_ms) / 1000.0;
    let rate = f64::from(pacing.bytes_per_second);
    let mut wire_total = 0.0;
    for i in 0..out.len() - 1 {
        let spacing = (out[i + 1].0 - out[i].0) as f64 / sr;
        assert!(
            spacing >= lens[i] as f64 / rate,
            "message {} started before message {i} had left",
            i + 1
        );
        wire_total += spacing - gap;
    }
    let average = lens[..lens.len() - 1].iter().sum::<usize>() as f64 / wire_total;
    assert!(
        average <= rate * (1.0 + 1e-9),
        "average {average} B/s above {rate}"
    );
    assert!(
        average >= rate * 0.99,
        "average {average} B/s below 99 % of {rate}"
    );
}

#[test]
fn hundred_message_bank_is_paced_to_the_sample_by_the_send_trigger() {
    let messages = bank(100, 1);
    let lib = library(vec![Entry::new(
        sysex_vault::devices::registry(),
        messages.clone(),
        Source::Capture,
        0,
    )]);
    let mut s = session_with(&lib, 48_000.0, 512, &[]);
    let send = s.param_id("Send");
    // 100 messages of ~70 bytes: about 100 × (22 ms + 150 ms) = 17.5 s.
    let out = run(
        &mut s,
        512,
        (19.0 * 48_000.0 / 512.0) as usize,
        &[In::Param(0, send, 1.0)],
    );
    let bytes: Vec<Vec<u8>> = out.iter().map(|(_, m)| m.clone()).collect();
    assert_eq!(bytes, messages);
    assert_paced(&out, 48_000.0, Pacing::DIN);
}

#[test]
fn block_size_and_sample_rate_do_not_change_the_schedule() {
    let messages = bank(12, 2);
    let lib = library(vec![Entry::new(
        sysex_vault::devices::registry(),
        messages.clone(),
        Source::Capture,
        0,
    )]);
    let lens: Vec<usize> = messages.iter().map(Vec::len).collect();
    let plan = Pacing::DIN.start_times(lens.iter().copied());
    for frames in [32u32, 512, 4096] {
        let mut s = session_with(&lib, 48_000.0, frames, &[]);
        let send = s.param_id("Send");
        let blocks = (3.0 * 48_000.0 / f64::from(frames)) as usize;
        let out = run(&mut s, frames, blocks, &[In::Param(0, send, 1.0)]);
        assert_eq!(out.len(), 12, "{frames}-frame blocks");
        assert_paced(&out, 48_000.0, Pacing::DIN);
    }
    // Start at 44.1 kHz, switch to 96 kHz mid-job (the host re-activates): times in seconds hold.
    let mut s = session_with(&lib, 44_100.0, 441, &[]);
    s.settle();
    let send = s.param_id("Send");
    let mut seconds = Vec::new();
    let mut t = 0.0;
    let mut first = true;
    for _ in 0..70 {
        let events = if first {
            vec![In::Param(0, send, 1.0)]
        } else {
            vec![]
        };
        first = false;
        for e in s.process_realtime(441, &events) {
            if let Out::SysEx(offset, _) = e {
                seconds.push(t + f64::from(offset) / 44_100.0);
            }
        }
        t += 441.0 / 44_100.0;
    }
    assert!(
        seconds.len() >= 3 && seconds.len() < 12,
        "{} sent before the switch",
        seconds.len()
    );
    s.deactivate();
    s.activate(96_000.0, 960);
    for _ in 0..300 {
        for e in s.process(960, &[]) {
            if let Out::SysEx(offset, _) = e {
                seconds.push(t + f64::from(offset) / 96_000.0);
            }
        }
        t += 960.0 / 96_000.0;
    }
    assert_eq!(seconds.len(), 12);
    for (i, start) in seconds.iter().enumerate() {
        let rel = start - seconds[0];
        assert!(
            (rel - plan[i]).abs() <= 1.0 / 44_100.0 + 1e-9,
            "message {i}: {rel} vs {}",
            plan[i]
        );
    }
}

#[test]
fn program_change_sends_the_mapped_entry_and_passes_through() {
    let mut mapped = Entry::new(
        sysex_vault::devices::registry(),
        vec![sysex(20, 9)],
        Source::Capture,
        0,
    );
    mapped.program_change = Some(ProgramMap {
        channel: Some(0),
        ..ProgramMap::any(5)
    });
    let lib = library(vec![
        Entry::new(
            sysex_vault::devices::registry(),
            vec![sysex(20, 1)],
            Source::Capture,
            0,
        ),
        mapped,
    ]);
    let mut s = session_with(&lib, 48_000.0, 512, &[]);
    let mut seen_pc = false;
    let mut sent = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut first = true;
    while sent.is_empty() && std::time::Instant::now() < deadline {
        let events = if first {
            vec![In::Midi(3, [0xC0, 5, 0])]
        } else {
            vec![]
        };
        first = false;
        for e in s.process_realtime(512, &events) {
            match e {
                Out::Midi(3, [0xC0, 5, 0]) => seen_pc = true,
                Out::SysEx(_, m) => sent.push(m),
                _ => {}
            }
        }
    }
    for _ in 0..20 {
        assert!(s.process_realtime(512, &[]).is_empty(), "sent twice");
    }
    assert!(seen_pc);
    assert_eq!(sent, vec![sysex(20, 9)]);
    // An unmapped program sends nothing.
    for b in 0..50 {
        let events = if b == 0 {
            vec![In::Midi(0, [0xC0, 6, 0])]
        } else {
            vec![]
        };
        let out = s.process_realtime(512, &events);
        assert!(out.iter().all(|e| !matches!(e, Out::SysEx(..))));
    }
}

#[test]
fn recall_on_load_fires_exactly_once_per_load() {
    let mut recall = Entry::new(
        sysex_vault::devices::registry(),
        bank(3, 4),
        Source::Capture,
        0,
    );
    recall.recall_on_load = true;
    let lib = library(vec![
        Entry::new(
            sysex_vault::devices::registry(),
            vec![sysex(10, 1)],
            Source::Capture,
            0,
        ),
        recall,
    ]);
    let mut s = session_with(&lib, 48_000.0, 512, &usb_fast());
    let out = run(&mut s, 512, 100, &[]);
    assert_eq!(
        out.into_iter().map(|(_, m)| m).collect::<Vec<_>>(),
        bank(3, 4)
    );
    // Re-activation is not a new load.
    s.deactivate();
    s.activate(48_000.0, 512);
    assert!(run(&mut s, 512, 100, &[]).is_empty());
}

#[test]
fn recall_never_fires_while_recording() {
    let mut recall = Entry::new(
        sysex_vault::devices::registry(),
        bank(2, 4),
        Source::Capture,
        0,
    );
    recall.recall_on_load = true;
    let lib = library(vec![recall]);
    let mut s = session_with(
        &lib,
        48_000.0,
        512,
        &[("params/rec", serde_json::json!({ "bool": true }))],
    );
    assert!(run(&mut s, 512, 100, &[]).is_empty());
}

#[test]
fn cancel_stops_after_the_message_in_flight() {
    let messages = bank(20, 3);
    let lib = library(vec![Entry::new(
        sysex_vault::devices::registry(),
        messages.clone(),
        Source::Capture,
        0,
    )]);
    let mut s = session_with(&lib, 48_000.0, 512, &[]);
    s.settle();
    let (send, cancel) = (s.param_id("Send"), s.param_id("Cancel Send"));
    let mut sent = Vec::new();
    let mut cancelled = false;
    for _ in 0..2000 {
        let events = match (sent.len(), cancelled) {
            (0, _) => vec![In::Param(0, send, 1.0)],
            (3.., false) => {
                cancelled = true;
                vec![In::Param(0, cancel, 1.0)]
            }
            _ => vec![],
        };
        for e in s.process(512, &events) {
            if let Out::SysEx(_, m) = e {
                sent.push(m);
            }
        }
    }
    assert!(cancelled);
    assert!(
        (3..=4).contains(&sent.len()),
        "{} messages after cancel",
        sent.len()
    );
    assert_eq!(sent[..], messages[..sent.len()], "every message whole");
}

#[test]
fn host_queue_full_is_retried_not_lost() {
    let messages = bank(5, 6);
    let lib = library(vec![Entry::new(
        sysex_vault::devices::registry(),
        messages.clone(),
        Source::Capture,
        0,
    )]);
    let mut s = session_with(&lib, 48_000.0, 512, &usb_fast());
    s.settle();
    let send = s.param_id("Send");
    s.process(512, &[In::Param(0, send, 1.0)]);
    // Give the worker time to queue the job, while the host refuses every event.
    let mut refused_blocks = 0;
    while refused_blocks < 40 {
        let (out, _) = s.process_limited(512, &[], 0.0, 0);
        assert!(out.is_empty());
        refused_blocks += 1;
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let out = run(&mut s, 512, 200, &[]);
    assert_eq!(
        out.into_iter().map(|(_, m)| m).collect::<Vec<_>>(),
        messages
    );
}

/// Channel messages the plugin sent on `channel` (0-based), as bytes.
fn channel_out(out: &[Out], channel: u8) -> Vec<Vec<u8>> {
    out.iter()
        .filter_map(|o| match o {
            Out::Midi(_, m) if m[0] & 0x0F == channel => Some(match m[0] & 0xF0 {
                0xC0 => m[..2].to_vec(),
                _ => m.to_vec(),
            }),
            _ => None,
        })
        .collect()
}

#[test]
fn recall_by_program_change_sends_bank_select_and_program_instead_of_the_dump() {
    let mut e = Entry::new(
        sysex_vault::devices::registry(),
        bank(3, 4),
        Source::Capture,
        0,
    );
    e.recall_on_load = true;
    e.program_change = Some(ProgramMap::any(5));
    e.stored_at = Some(sysex_vault::library::StoredAt {
        channel: 2,
        bank_msb: Some(1),
        bank_lsb: None,
        program: 9,
    });
    let lib = library(vec![e]);
    let mut s = session_with(&lib, 48_000.0, 512, &usb_fast());
    let recall = vec![vec![0xB2, 0x00, 0x01], vec![0xC2, 0x09]];
    let mut out = Vec::new();
    for _ in 0..100 {
        out.extend(s.process_realtime(512, &[]));
    }
    assert!(
        out.iter().all(|o| !matches!(o, Out::SysEx(..))),
        "no dump sent on load"
    );
    assert_eq!(
        channel_out(&out, 2),
        recall,
        "bank select then program change"
    );
    // A mapped program change recalls it the same way.
    let mut out = s.process_realtime(512, &[In::Midi(0, [0xC0, 5, 0])]);
    for _ in 0..50 {
        out.extend(s.process_realtime(512, &[]));
    }
    assert!(out.iter().all(|o| !matches!(o, Out::SysEx(..))));
    assert_eq!(channel_out(&out, 2), recall);
}

/// The plugin's log, from its saved state.
fn log_of(s: &mut Session) -> String {
    common::decode_state(&s.save_state())["fields"]["log"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Runs blocks in real time; the synth (`answer`) sees every SysEx the plugin sends and its
/// replies come back as input SysEx a few blocks later. Stops when the log says `until`.
fn converse(
    s: &mut Session,
    mut answer: impl FnMut(&[u8]) -> Option<Vec<u8>>,
    until: &str,
) -> Vec<Vec<u8>> {
    let mut sent = Vec::new();
    let mut replies: Vec<(usize, Vec<u8>)> = Vec::new();
    for block in 0..2_000 {
        let due: Vec<In> = replies
            .iter()
            .filter(|(at, _)| *at == block)
            .map(|(_, r)| In::SysEx(0, r.clone()))
            .collect();
        for o in s.process_realtime(512, &due) {
            match o {
                // The synth's replies come back out through MIDI pass-through: not the plugin's.
                Out::SysEx(_, m) if replies.iter().any(|(_, r)| *r == m) => {}
                Out::SysEx(_, m) => {
                    if let Some(r) = answer(&m) {
                        replies.push((block + 5, r));
                    }
                    sent.push(m);
                }
                _ => {}
            }
        }
        if block % 20 == 0 && log_of(s).contains(until) {
            break;
        }
    }
    sent
}

#[test]
fn the_send_trigger_waits_for_acknowledges_and_verifies_through_the_host() {
    use sysex_vault::background::conversation::SendCheck;
    let check = |c: SendCheck| {
        (
            "fields/send-check",
            serde_json::json!(serde_json::to_string(&c).unwrap()),
        )
    };
    let fast = usb_fast()[0].clone();

    // Acknowledge: the second program leaves only after the first was acknowledged.
    let two = vec![
        fixture::ms2000_program("BASS"),
        fixture::ms2000_program("LEAD"),
    ];
    let lib = library(vec![Entry::new(
        sysex_vault::devices::registry(),
        two.clone(),
        Source::Capture,
        0,
    )]);
    let mut s = session_with(
        &lib,
        48_000.0,
        512,
        &[fast.clone(), check(SendCheck::Acknowledge)],
    );
    s.settle();
    let send = s.param_id("Send");
    s.process(512, &[In::Param(0, send, 1.0)]);
    let acks = std::cell::Cell::new(0);
    let sent = converse(
        &mut s,
        |m| {
            (m.len() == 297).then(|| {
                acks.set(acks.get() + 1);
                vec![0xF0, 0x42, 0x30, 0x58, 0x23, 0xF7]
            })
        },
        "each acknowledged",
    );
    assert!(sent == two, "{} sent; {}", sent.len(), log_of(&mut s));
    assert_eq!(acks.get(), 2);
    assert!(log_of(&mut s).contains("Sent 2 message(s), each acknowledged"));
    // Without an answer the second program is never sent, and the log says where it stopped.
    s.process(512, &[In::Param(0, send, 0.0)]);
    s.process(512, &[In::Param(0, send, 1.0)]);
    let sent = converse(&mut s, |_| None, "stopped at message 1");
    assert!(sent == two[..1], "{} sent; {}", sent.len(), log_of(&mut s));
    drop(s);

    // Verify: the synth keeps a copy with one byte changed and sends it back when asked.
    let voice = common::dx7_voice(b"VERIFY ME ");
    let lib = library(vec![Entry::new(
        sysex_vault::devices::registry(),
        vec![voice.clone()],
        Source::Capture,
        0,
    )]);
    let mut s = session_with(&lib, 48_000.0, 512, &[fast, check(SendCheck::Verify)]);
    s.settle();
    let send = s.param_id("Send");
    s.process(512, &[In::Param(0, send, 1.0)]);
    let mut copy = voice.clone();
    copy[30] ^= 1;
    let sent = converse(
        &mut s,
        |m| (m == [0xF0, 0x43, 0x20, 0x00, 0xF7]).then(|| copy.clone()),
        "differs at byte",
    );
    assert!(
        sent == vec![voice, vec![0xF0, 0x43, 0x20, 0x00, 0xF7]],
        "{} sent",
        sent.len()
    );
    assert!(
        log_of(&mut s).contains("Message 1: the synth's copy differs at byte 30"),
        "{}",
        log_of(&mut s)
    );
}

/// SysEx out of `blocks` real-time blocks of 512 frames; `events` go into the first.
fn sysex_of(s: &mut Session, blocks: usize, events: &[In]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for b in 0..blocks {
        let input = if b == 0 { events } else { &[] };
        for e in s.process_realtime(512, input) {
            if let Out::SysEx(_, m) = e {
                out.push(m);
            }
        }
    }
    out
}

/// Blocks until `n` SysEx messages came out (at most 10 s of wall time); `events` go first.
fn sysex_until(s: &mut Session, n: usize, events: &[In]) -> Vec<Vec<u8>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut out = sysex_of(s, 1, events);
    while out.len() < n && std::time::Instant::now() < deadline {
        out.extend(sysex_of(s, 1, &[]));
    }
    out
}

/// A program change means what the user mapped: its channel and bank select must match (before:
/// any channel's program change 5 sent the entry), an unmapped one never cancels a send, and a
/// mapped one waits for a bank restore in progress to end (before: it cancelled the restore).
#[test]
fn program_changes_answer_their_channel_and_bank_and_wait_for_a_bank_restore() {
    let restore = bank(6, 50);
    let patch = sysex(30, 7);
    let mut mapped = Entry::new(
        sysex_vault::devices::registry(),
        vec![patch.clone()],
        Source::Capture,
        0,
    );
    mapped.program_change = Some(ProgramMap {
        channel: Some(1),
        bank_msb: Some(2),
        ..ProgramMap::any(4)
    });
    let lib = library(vec![
        Entry::new(
            sysex_vault::devices::registry(),
            restore.clone(),
            Source::Capture,
            0,
        ),
        mapped,
    ]);
    let mut s = session_with(&lib, 48_000.0, 512, &[]);
    s.settle();
    let send = s.param_id("Send");
    // Program 5 on channel 2 after bank 3, and on channel 1: neither is the mapped one.
    let wrong = [
        In::Midi(0, [0xB1, 0x00, 3]),
        In::Midi(1, [0xC1, 4, 0]),
        In::Midi(2, [0xC0, 4, 0]),
    ];
    assert!(
        sysex_of(&mut s, 40, &wrong).is_empty(),
        "an unmapped program change sent"
    );

    // A bank restore (the Send trigger, slot 1) with the mapped program change arriving during it.
    let mut out = sysex_until(&mut s, 1, &[In::Param(0, send, 1.0)]);
    out.extend(sysex_of(
        &mut s,
        1,
        &[
            In::Param(0, send, 0.0),
            In::Midi(0, [0xB1, 0x00, 2]),
            In::Midi(1, [0xC1, 4, 0]),
        ],
    ));
    out.extend(sysex_until(&mut s, restore.len() + 1 - out.len(), &[]));
    let mut expected = restore.clone();
    expected.push(patch.clone());
    assert_eq!(out, expected, "the restore was cut, or the patch jumped in");

    // The same program number on another channel during a restore: the restore goes on whole.
    s.settle();
    let mut out = sysex_until(&mut s, 1, &[In::Param(0, send, 1.0)]);
    out.extend(sysex_of(
        &mut s,
        1,
        &[In::Param(0, send, 0.0), In::Midi(0, [0xC0, 4, 0])],
    ));
    out.extend(sysex_until(&mut s, restore.len() - out.len(), &[]));
    out.extend(sysex_of(&mut s, 40, &[]));
    assert_eq!(
        out, restore,
        "an unmapped program change cancelled the restore"
    );
}
