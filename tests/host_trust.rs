//! The promises a backup tool lives on, checked the way real hosts behave rather than the way
//! clack-host is polite: restored trigger values and parameter replays at load send nothing,
//! rapid triggers are all served, a save a moment after a dump holds it, refused input shows on
//! its take, pacing holds across jobs, a host that sleeps quiet plugins does not stop a send, an
//! oversized entry never stalls the queue, and `process()` takes no page faults.

mod common;

use clack_host::prelude::ProcessStatus;
use common::{decode_state, state_with, sysex, In, Out, Session};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use sysex_vault::library::{Entry, Library, ProgramMap, Source};
use sysex_vault::pacing::{Pacing, PacingChoice};

/// Tests that need the shared pool's 1 MiB slots to themselves.
static BIG_SLOTS: Mutex<()> = Mutex::new(());

fn library(entries: Vec<Entry>) -> Library {
    let mut lib = Library::default();
    for e in entries {
        lib.add(e);
    }
    lib
}

fn loaded(state: &[u8], frames: u32) -> Session {
    let mut s = Session::load();
    assert!(s.load_state(state));
    s.activate(48_000.0, frames);
    s
}

fn pacing(choice: PacingChoice) -> (&'static str, serde_json::Value) {
    (
        "fields/pacing",
        serde_json::json!(serde_json::to_string(&choice).unwrap()),
    )
}

/// SysEx out of `blocks` blocks run about in real time (the worker queues jobs on its own
/// thread), with absolute sample times.
fn sysex_over(s: &mut Session, frames: u32, blocks: usize, first: &[In]) -> Vec<(u64, Vec<u8>)> {
    let mut out = Vec::new();
    for b in 0..blocks {
        let events = if b == 0 { first } else { &[] };
        let clock = b as u64 * u64::from(frames);
        for e in s.process_realtime(frames, events) {
            if let Out::SysEx(t, m) = e {
                out.push((clock + u64::from(t), m));
            }
        }
    }
    out
}

/// The `Slot` parameter's CLAP value for library slot `n` (nice-plug exposes an integer
/// parameter as its step index, 0 for the range's minimum).
fn slot(n: u32) -> f64 {
    f64::from(n - 1)
}

fn log_of(s: &mut Session) -> String {
    decode_state(&s.save_state())["fields"]["log"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

// ---- Nothing leaves the plugin unless the user asked for it --------------------------------

#[test]
fn saved_send_and_cancel_triggers_do_not_fire_on_load_or_activation() {
    let lib = library(vec![Entry::new(
        sysex_vault::devices::registry(),
        vec![sysex(30, 1)],
        Source::Capture,
        0,
    )]);
    let on = serde_json::json!({ "bool": true });
    let state = state_with(
        &lib,
        &[
            ("params/send", on.clone()),
            ("params/cancel", on),
            pacing(PacingChoice::UsbFast),
        ],
    );
    let mut s = loaded(&state, 512);
    let send = s.param_id("Send");
    // The host also replays the restored value as an event in an early block.
    let mut out = sysex_over(&mut s, 512, 10, &[]);
    out.extend(sysex_over(&mut s, 512, 30, &[In::Param(0, send, 1.0)]));
    // Re-activation (a host restarting the engine) is not a click either.
    s.deactivate();
    s.activate(48_000.0, 512);
    out.extend(sysex_over(&mut s, 512, 40, &[]));
    assert!(out.is_empty(), "sent with no user action: {out:?}");
    // A real click after the load has settled still sends.
    s.process(512, &[In::Param(0, send, 0.0)]);
    let out = sysex_over(&mut s, 512, 100, &[In::Param(0, send, 1.0)]);
    assert_eq!(out.len(), 1);
}

/// The project opening recalls its sound; a later state load into the same instance (a host
/// undo, a preset load, a project revert) sends nothing (before: every load re-sent it).
#[test]
fn only_the_first_state_load_of_an_instance_recalls() {
    let mut recall = Entry::new(
        sysex_vault::devices::registry(),
        vec![sysex(40, 3)],
        Source::Capture,
        0,
    );
    recall.recall_on_load = true;
    let state = state_with(&library(vec![recall]), &[pacing(PacingChoice::UsbFast)]);
    let mut s = loaded(&state, 512);
    let first = sysex_over(&mut s, 512, 60, &[]);
    assert_eq!(first.len(), 1, "the project opening recalls: {first:?}");
    // A host undo restores the same state while the plugin runs.
    assert!(s.load_state(&state));
    let again = sysex_over(&mut s, 512, 60, &[]);
    assert!(
        again.is_empty(),
        "a second load re-sent the recall: {again:?}"
    );
    // A duplicated track is a new instance: it recalls.
    let mut dup = loaded(&state, 512);
    assert_eq!(sysex_over(&mut dup, 512, 60, &[]).len(), 1);
}

#[test]
fn a_block_of_2100_events_passes_whole() {
    // A VST3 host restoring nice-plug's 16 × 130 hidden MIDI parameters delivers over 2,000
    // events in one block; with the default 1,024-event queue nice-plug grew its queue on the
    // audio thread ("Input event buffer filled up", counted in Ardour by `host_ardour`). Here,
    // through CLAP, such a block must still pass whole.
    let mut s = Session::start(48_000.0, 512);
    let burst: Vec<In> = (0..2_100u32)
        .map(|i| In::Midi(0, [0xB0 | (i / 128 % 16) as u8, (i % 128) as u8, 64]))
        .collect();
    let out = s.process(512, &burst);
    // CLAP delivers these as real MIDI: they pass through, none lost.
    assert_eq!(out.len(), 2_100);
}

#[test]
fn two_send_triggers_within_one_worker_poll_are_both_served() {
    let lib = library(vec![
        Entry::new(
            sysex_vault::devices::registry(),
            vec![sysex(20, 1)],
            Source::Capture,
            0,
        ),
        Entry::new(
            sysex_vault::devices::registry(),
            vec![sysex(20, 2)],
            Source::Capture,
            0,
        ),
    ]);
    let state = state_with(&lib, &[pacing(PacingChoice::UsbFast)]);
    for trial in 0..4 {
        let mut s = loaded(&state, 64);
        s.settle();
        let (send, slot_id) = (s.param_id("Send"), s.param_id("Slot"));
        // Three blocks back to back, usually faster than the worker's 5 ms poll. On a loaded
        // machine the worker may still wake between them and the first message leave in the
        // second or third block: what those blocks emit counts too.
        let mut out: Vec<Vec<u8>> = Vec::new();
        let mut keep = |events: Vec<Out>| {
            out.extend(events.into_iter().filter_map(|e| match e {
                Out::SysEx(_, m) => Some(m),
                _ => None,
            }))
        };
        keep(s.process(
            64,
            &[In::Param(0, slot_id, slot(1)), In::Param(0, send, 1.0)],
        ));
        keep(s.process(64, &[In::Param(0, send, 0.0)]));
        keep(s.process(
            64,
            &[In::Param(0, slot_id, slot(2)), In::Param(0, send, 1.0)],
        ));
        out.extend(sysex_over(&mut s, 64, 400, &[]).into_iter().map(|(_, m)| m));
        assert_eq!(out, vec![sysex(20, 1), sysex(20, 2)], "trial {trial}");
    }
}

// ---- No dump is lost -----------------------------------------------------------------------

#[test]
fn a_save_100_ms_after_a_dump_holds_it_and_the_take_goes_on() {
    let mut s = Session::start(48_000.0, 480);
    let always = s.param_id("Always Capture");
    s.process(480, &[In::Param(0, always, 1.0)]);
    let dump: Vec<Vec<u8>> = (0..5).map(|i| sysex(60, i)).collect();
    for m in &dump {
        s.process(480, &[In::SysEx(0, m.clone())]);
    }
    // Half of one more message has arrived when the user saves.
    let next = sysex(40, 9);
    s.process(480, &[In::SysEx(0, next[..20].to_vec())]);
    s.idle(0.1);
    let saved = s.save_state();
    let mut reopened = Session::load();
    assert!(reopened.load_state(&saved));
    let lib = reopened.saved_library();
    assert_eq!(lib.entries.len(), 1, "the dump is in the save");
    assert_eq!(lib.entries[0].messages, dump);
    assert_eq!(lib.entries[0].unterminated, vec![next[..20].to_vec()]);
    assert!(lib.entries[0].name.ends_with("(recording when saved)"));
    // The take was not cut by the save: the rest of the message joins it.
    s.process(480, &[In::SysEx(0, next[20..].to_vec())]);
    s.idle(1.2);
    let lib = s.saved_library();
    assert_eq!(lib.entries.len(), 1);
    assert_eq!(lib.entries[0].messages, [dump, vec![next]].concat());
    assert!(lib.entries[0].unterminated.is_empty());
}

#[test]
fn deactivate_closes_the_take() {
    let mut s = Session::start(48_000.0, 512);
    let always = s.param_id("Always Capture");
    s.process(
        512,
        &[In::Param(0, always, 1.0), In::SysEx(0, sysex(30, 1))],
    );
    s.deactivate();
    let lib = s.saved_library();
    assert_eq!(lib.entries.len(), 1);
    assert_eq!(lib.entries[0].messages, vec![sysex(30, 1)]);
    assert!(
        !lib.entries[0].name.contains("recording"),
        "filed, not open"
    );
}

#[test]
fn refused_input_is_counted_on_its_take_and_a_damaged_message_is_never_whole() {
    let mut s = Session::start(48_000.0, 512);
    let always = s.param_id("Always Capture");
    s.process(512, &[In::Param(0, always, 1.0)]);
    let good = sysex(20, 1);
    // Over 1 MiB: refused at the input.
    let huge = sysex((1 << 20) + 10, 2);
    // A message in three fragments whose middle one is refused (over 1 MiB on its own).
    let split = sysex(300, 3);
    let middle = vec![0x11; (1 << 20) + 1];
    let out = s.process(
        512,
        &[
            In::SysEx(0, good.clone()),
            In::SysEx(1, huge),
            In::SysEx(2, split[..100].to_vec()),
            In::SysEx(3, middle),
            In::SysEx(4, split[100..].to_vec()),
            In::SysEx(5, sysex(10, 4)),
        ],
    );
    // Passed on: the good messages, the first fragment (already gone when the middle one was
    // refused) ended with F7 where it was cut, never the tail that would complete a damaged
    // message.
    let passed: Vec<(u32, Vec<u8>)> = out
        .into_iter()
        .filter_map(|e| match e {
            Out::SysEx(t, m) => Some((t, m)),
            _ => None,
        })
        .collect();
    assert_eq!(
        passed,
        vec![
            (0, good.clone()),
            (2, split[..100].to_vec()),
            (3, vec![0xF7]),
            (5, sysex(10, 4))
        ]
    );
    s.idle(1.2);
    let lib = s.saved_library();
    assert_eq!(lib.entries.len(), 1);
    let take = &lib.entries[0];
    assert_eq!(take.messages, vec![good, sysex(10, 4)]);
    assert!(take.unterminated.is_empty(), "{:?}", take.unterminated);
    assert_eq!(
        take.lost_messages, 2,
        "the huge message and the damaged one"
    );
}

#[test]
fn a_refused_first_fragment_takes_its_continuation_with_it() {
    let mut s = Session::start(48_000.0, 512);
    let always = s.param_id("Always Capture");
    s.process(512, &[In::Param(0, always, 1.0)]);
    // The first fragment is over 1 MiB on its own: refused. Its tail must not come out as a
    // message of its own (framed again as if the host had stripped F0/F7).
    let mut first = vec![0x22; (1 << 20) + 5];
    first[0] = 0xF0;
    let out = s.process(
        512,
        &[
            In::SysEx(0, first),
            In::SysEx(1, vec![0x33, 0x44, 0xF7]),
            In::SysEx(2, sysex(10, 4)),
        ],
    );
    let passed: Vec<Out> = out
        .into_iter()
        .filter(|e| matches!(e, Out::SysEx(..)))
        .collect();
    assert_eq!(passed, vec![Out::SysEx(2, sysex(10, 4))]);
    s.idle(1.2);
    let lib = s.saved_library();
    assert_eq!(lib.entries[0].messages, vec![sysex(10, 4)]);
    assert_eq!(lib.entries[0].lost_messages, 1);
}

// ---- Never faster than the synth allows, and never stuck -----------------------------------

/// Starts of the SysEx sent over `blocks` blocks of 64 frames at 48 kHz (absolute samples);
/// `events(b)` go into block `b`.
fn starts(s: &mut Session, blocks: usize, events: impl Fn(usize) -> Vec<In>) -> Vec<u64> {
    let mut starts = Vec::new();
    for b in 0..blocks {
        for e in s.process(64, &events(b)) {
            if let Out::SysEx(t, _) = e {
                starts.push(b as u64 * 64 + u64::from(t));
            }
        }
        // About real time at the start, so the worker queues the jobs as a host would see it.
        if b < 160 {
            std::thread::sleep(Duration::from_micros(1_300));
        }
    }
    starts
}

#[test]
fn a_second_send_waits_for_the_first_jobs_wire_time_and_gap() {
    // A 163-byte voice at DIN: 52.16 ms on the wire + 150 ms = 9,704 samples at 48 kHz.
    let lib = library(vec![
        Entry::new(
            sysex_vault::devices::registry(),
            vec![sysex(163, 1)],
            Source::Capture,
            0,
        ),
        Entry::new(
            sysex_vault::devices::registry(),
            vec![sysex(163, 2)],
            Source::Capture,
            0,
        ),
    ]);
    let mut s = loaded(&state_with(&lib, &[]), 64);
    s.settle();
    let (send, slot_id) = (s.param_id("Send"), s.param_id("Slot"));
    let t = starts(&mut s, 400, |b| match b {
        0 => vec![In::Param(0, slot_id, slot(1)), In::Param(0, send, 1.0)],
        1 => vec![In::Param(0, send, 0.0)],
        20 => vec![In::Param(0, slot_id, slot(2)), In::Param(0, send, 1.0)],
        _ => vec![],
    });
    assert_eq!(t.len(), 2);
    assert!(
        t[1] - t[0] >= 9_704,
        "second job {} samples after the first",
        t[1] - t[0]
    );
    assert!(t[1] - t[0] <= 9_704 + 64);
}

#[test]
fn a_program_change_interrupt_and_a_cancel_keep_the_gap() {
    let mut pc = Entry::new(
        sysex_vault::devices::registry(),
        vec![sysex(163, 9)],
        Source::Capture,
        0,
    );
    pc.program_change = Some(ProgramMap {
        interrupt: true,
        ..ProgramMap::any(3)
    });
    let lib = library(vec![
        Entry::new(
            sysex_vault::devices::registry(),
            (0..5).map(|i| sysex(163, i)).collect(),
            Source::Capture,
            0,
        ),
        pc,
    ]);
    let mut s = loaded(&state_with(&lib, &[]), 64);
    s.settle();
    let send = s.param_id("Send");
    let t = starts(&mut s, 600, |b| match b {
        0 => vec![In::Param(0, send, 1.0)],
        // The bank's first message is out; a program change interrupts it.
        20 => vec![In::Midi(0, [0xC0, 3, 0])],
        _ => vec![],
    });
    assert_eq!(
        t.len(),
        2,
        "bank interrupted after its first message: {t:?}\n{}",
        log_of(&mut s)
    );
    assert!(t[1] - t[0] >= 9_704, "{} samples", t[1] - t[0]);

    // Cancel the bank after its first message, then send the single voice at once: the gap
    // after the message in flight still holds.
    let (cancel, slot_id) = (s.param_id("Cancel Send"), s.param_id("Slot"));
    let t = starts(&mut s, 600, |b| match b {
        0 => vec![In::Param(0, send, 0.0)],
        1 => vec![In::Param(0, send, 1.0)],
        20 => vec![
            In::Param(0, cancel, 1.0),
            In::Param(0, send, 0.0),
            In::Param(0, slot_id, slot(2)),
        ],
        22 => vec![In::Param(0, send, 1.0)],
        _ => vec![],
    });
    assert_eq!(t.len(), 2, "bank cancelled after its first message: {t:?}");
    assert!(t[1] - t[0] >= 9_704, "{} samples", t[1] - t[0]);
}

/// A host that puts quiet plugins to sleep: while the plugin returns `ContinueIfNotQuiet` and
/// the input is silent and has no events, `process` is not called (time passes all the same).
#[test]
fn a_sleeping_host_does_not_stop_a_send_or_the_take_clock() {
    let messages: Vec<Vec<u8>> = (0..4).map(|i| sysex(100, i)).collect();
    let mut recall = Entry::new(
        sysex_vault::devices::registry(),
        messages.clone(),
        Source::Capture,
        0,
    );
    recall.recall_on_load = true;
    let lib = library(vec![recall]);
    let mut s = loaded(&state_with(&lib, &[pacing(PacingChoice::UsbFast)]), 512);
    let mut got = Vec::new();
    let mut asleep_blocks = 0;
    for _ in 0..400 {
        let quiet = matches!(s.last_status, Some(ProcessStatus::ContinueIfNotQuiet));
        if quiet {
            asleep_blocks += 1;
            std::thread::sleep(Duration::from_micros(500));
            continue;
        }
        for e in s.process_audio(512, &[], 0.0).0 {
            if let Out::SysEx(_, m) = e {
                got.push(m);
            }
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    assert_eq!(
        got, messages,
        "recall finished although the host sleeps quiet plugins"
    );
    assert!(asleep_blocks > 0, "idle again once the send is done");

    // A take: keep-alive until its idle gap has passed and it is filed.
    let always = s.param_id("Always Capture");
    s.process_audio(
        512,
        &[In::Param(0, always, 1.0), In::SysEx(0, sysex(30, 7))],
        0.0,
    );
    let mut awake = 0;
    for _ in 0..400 {
        if matches!(s.last_status, Some(ProcessStatus::ContinueIfNotQuiet)) {
            break;
        }
        s.process_audio(512, &[], 0.0);
        awake += 1;
    }
    // 1 s gap = 94 blocks of 512; the plugin kept itself awake at least that long.
    assert!(awake >= 94, "slept after {awake} blocks with a take open");
    std::thread::sleep(Duration::from_millis(50));
    let lib = s.saved_library();
    assert_eq!(lib.entries.len(), 2, "the take was filed before sleeping");
    assert!(!lib.entries[1].name.contains("recording"));
}

#[test]
fn an_entry_over_the_host_limit_is_refused_up_front_and_the_queue_moves_on() {
    let _big = BIG_SLOTS.lock().unwrap_or_else(|e| e.into_inner());
    let lib = library(vec![
        Entry::new(
            sysex_vault::devices::registry(),
            vec![sysex((1 << 20) + 100, 1)],
            Source::Import("big.syx".into()),
            0,
        ),
        Entry::new(
            sysex_vault::devices::registry(),
            vec![sysex(20, 2)],
            Source::Capture,
            0,
        ),
    ]);
    let mut s = loaded(&state_with(&lib, &[pacing(PacingChoice::UsbFast)]), 512);
    s.settle();
    let (send, slot_id) = (s.param_id("Send"), s.param_id("Slot"));
    let mut out = sysex_over(&mut s, 512, 20, &[In::Param(0, send, 1.0)]);
    out.extend(sysex_over(
        &mut s,
        512,
        60,
        &[In::Param(0, send, 0.0), In::Param(0, slot_id, slot(2))],
    ));
    out.extend(sysex_over(&mut s, 512, 60, &[In::Param(0, send, 1.0)]));
    assert_eq!(
        out.into_iter().map(|(_, m)| m).collect::<Vec<_>>(),
        vec![sysex(20, 2)]
    );
    let log = log_of(&mut s);
    assert!(
        log.contains("1048676-byte message is over the 1048576-byte limit of SysEx through the host; send it through the direct MIDI ports"),
        "{log}"
    );
}

#[test]
fn process_takes_no_page_faults_on_first_use_of_the_pool_and_the_capture_ring() {
    let _big = BIG_SLOTS.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = Session::start(48_000.0, 512);
    let (always, thru) = (
        s.param_id("Always Capture"),
        s.param_id("MIDI Pass-Through"),
    );
    // Warm up the host's and nice-plug's own buffers with a small message.
    s.process(512, &[In::Param(0, always, 1.0), In::Param(0, thru, 0.0)]);
    s.process(512, &[In::SysEx(0, sysex(100, 1))]);
    s.process(512, &[In::SysEx(0, sysex(100, 2))]);
    // Fresh memory: a 1 MiB slot of the pool and 1 MiB of the capture ring.
    let mut faults = Vec::new();
    for i in 0..3u8 {
        s.process(512, &[In::SysEx(0, sysex(1 << 20, i))]);
        faults.push(s.last_page_faults);
        s.idle(0.02);
    }
    eprintln!("page faults inside process() for 1 MiB captures: {faults:?}");
    assert!(faults.iter().all(|&f| f < 16), "{faults:?}");
    s.idle(1.2);
    assert_eq!(s.saved_library().entries[0].messages.len(), 5);
}

#[test]
fn deactivate_gives_the_pool_slots_back() {
    let _big = BIG_SLOTS.lock().unwrap_or_else(|e| e.into_inner());
    // Four 1 MiB messages pass through (the pool has four 1 MiB slots) and stay alive for the
    // host until the next block; deactivation is the last block.
    let mut a = Session::start(48_000.0, 512);
    let big: Vec<In> = (0..4)
        .map(|i| In::SysEx(i, sysex(1 << 20, i as u8)))
        .collect();
    assert_eq!(a.process(512, &big).len(), 4);
    a.deactivate();
    let mut b = Session::start(48_000.0, 512);
    let out = b.process(512, &[In::SysEx(0, sysex(1 << 20, 9))]);
    assert_eq!(out.len(), 1, "a 1 MiB slot is free again");
    drop(a);
}

/// Keep the state module's promise visible here too: a state saved while a take is open loads
/// in a fresh instance.
#[test]
fn keep_alive_is_reported_only_while_needed() {
    let mut s = Session::start(48_000.0, 512);
    s.settle();
    s.process(512, &[]);
    assert_eq!(
        s.last_status,
        Some(ProcessStatus::ContinueIfNotQuiet),
        "idle: sleepable"
    );
    let lib = library(vec![Entry::new(
        sysex_vault::devices::registry(),
        vec![sysex(100, 1); 3],
        Source::Capture,
        0,
    )]);
    let mut s = loaded(&state_with(&lib, &[]), 512);
    s.settle();
    let send = s.param_id("Send");
    s.process(512, &[In::Param(0, send, 1.0)]);
    assert_eq!(
        s.last_status,
        Some(ProcessStatus::Continue),
        "request waiting"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        s.process_realtime(512, &[]);
        if s.last_status == Some(ProcessStatus::ContinueIfNotQuiet) {
            break;
        }
    }
    // DIN: three 100-byte messages take 3 × 182 ms; asleep only after the job.
    let _ = Pacing::DIN;
    assert_eq!(s.last_status, Some(ProcessStatus::ContinueIfNotQuiet));
}

// ---- Messages stay whole ----------------------------------------------------------------------

/// What the synth receives: the SysEx output of every block, joined in order.
fn wire(out: &[(u64, Vec<u8>)]) -> Vec<u8> {
    out.iter().flat_map(|(_, m)| m.clone()).collect()
}

/// What the synth receives from one block's output events: their SysEx, joined in order.
fn wire_of(out: &[Out]) -> Vec<u8> {
    out.iter()
        .filter_map(|e| match e {
            Out::SysEx(_, m) => Some(m.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// A message the host passes through in pieces is never split by a sent one: the recall waits
/// until the piece with `F7` has gone out (before: it went out between the pieces, and the synth
/// got two damaged messages). A piece the host never finishes is ended with `F7` after the idle
/// gap, counted, and sending goes on.
#[test]
fn a_sent_message_never_lands_between_the_pieces_of_a_passed_through_one() {
    let recalled = sysex(40, 5);
    let mut recall = Entry::new(
        sysex_vault::devices::registry(),
        vec![recalled.clone()],
        Source::Capture,
        0,
    );
    recall.recall_on_load = true;
    let state = state_with(&library(vec![recall]), &[pacing(PacingChoice::UsbFast)]);
    let mut s = loaded(&state, 512);
    let head = vec![0xF0, 0x7D, 0x01, 0x02];
    let tail = vec![0x03, 0x04, 0xF7];
    // The piece opens the message in the very first block, before the worker queues the recall.
    let mut out = sysex_over(&mut s, 512, 30, &[In::SysEx(0, head.clone())]);
    assert_eq!(
        out,
        vec![(0, head.clone())],
        "nothing may follow an open piece"
    );
    out.extend(sysex_over(&mut s, 512, 30, &[In::SysEx(9, tail.clone())]));
    let bytes: Vec<Vec<u8>> = out.iter().map(|(_, m)| m.clone()).collect();
    assert_eq!(bytes, vec![head.clone(), tail, recalled.clone()]);

    // Never finished: ended after the idle gap (1 s), then the next send goes out.
    let send = s.param_id("Send");
    let mut out = sysex_over(&mut s, 512, 1, &[In::SysEx(0, head.clone())]);
    out.extend(sysex_over(&mut s, 512, 1, &[In::Param(0, send, 1.0)]));
    out.extend(sysex_over(&mut s, 512, 40, &[]));
    assert_eq!(wire(&out), head, "sent into an open message: {out:?}");
    out.extend(sysex_over(&mut s, 512, 100, &[]));
    let late = sysex_over(&mut s, 512, 5, &[In::SysEx(0, vec![0x05, 0xF7])]);
    assert!(
        late.is_empty(),
        "a late piece of the cut message went out: {late:?}"
    );
    let mut expected = head;
    expected.push(0xF7);
    expected.extend(&recalled);
    assert_eq!(wire(&out), expected, "{out:?}");
    let counters = &decode_state(&s.save_state())["fields"]["counters"];
    let counters: serde_json::Value =
        serde_json::from_str(counters.as_str().unwrap_or("{}")).unwrap_or_default();
    assert_eq!(counters["pass_through_cut"], 1, "{counters}");
}

/// The host refuses the middle piece of a passed-through message: its remaining pieces are
/// dropped and the message is ended with `F7`, so the synth never gets a well-framed message
/// joined from the pieces around the gap (before: the last piece went out and closed it).
#[test]
fn a_refused_piece_of_a_passed_through_message_cuts_it_cleanly() {
    let mut s = Session::start(48_000.0, 512);
    let first = vec![0xF0, 0x7D, 0x10, 0x11];
    let mut out = s
        .process_limited(512, &[In::SysEx(0, first.clone())], 0.0, usize::MAX)
        .0;
    // The host's output queue is full for the second piece (and for an F7 right after it).
    out.extend(
        s.process_limited(512, &[In::SysEx(0, vec![0x12, 0x13])], 0.0, 0)
            .0,
    );
    out.extend(
        s.process_limited(512, &[In::SysEx(0, vec![0x14, 0xF7])], 0.0, usize::MAX)
            .0,
    );
    out.extend(s.process(512, &[In::SysEx(0, vec![0xF0, 0x7D, 0x20, 0xF7])]));
    let wire = wire_of(&out);
    assert_eq!(
        wire,
        vec![0xF0, 0x7D, 0x10, 0x11, 0xF7, 0xF0, 0x7D, 0x20, 0xF7],
        "the cut message ends right after what went out"
    );
}

/// A passed-through message whose next piece is refused at the input (over 1 MiB), or whose
/// host starts another message before ending it, is ended with `F7` where it was cut (before:
/// the synth got an unterminated start running into the next message).
#[test]
fn a_passed_through_message_cut_at_the_input_or_left_open_is_ended() {
    let mut s = Session::start(48_000.0, 512);
    let huge = vec![0x22; (1 << 20) + 5];
    let out = s.process(
        512,
        &[
            In::SysEx(0, vec![0xF0, 0x7D, 0x30, 0x31]),
            In::SysEx(1, huge),
            In::SysEx(2, vec![0x33, 0xF7]),
            In::SysEx(3, vec![0xF0, 0x7D, 0x40, 0x41]),
            In::SysEx(4, vec![0xF0, 0x7D, 0x50, 0xF7]),
        ],
    );
    let wire = wire_of(&out);
    assert_eq!(
        wire,
        vec![0xF0, 0x7D, 0x30, 0x31, 0xF7, 0xF0, 0x7D, 0x40, 0x41, 0xF7, 0xF0, 0x7D, 0x50, 0xF7]
    );
}
