//! `sysex-vault send` backs up what it overwrites: against a scripted synth on a real JACK
//! server, a bank send first asks the synth for its bank and keeps the answer in the library
//! (before the new bank leaves); a silent synth stops the send unless `--no-backup`; without
//! `--in` the command warns that no backup was taken. One test function: one JACK server per
//! process.
#![cfg(feature = "jack")]

mod common;

use common::fake::Fake;
use common::jack::{cli, Jack};
use sysex_vault::library::{file, Entry, Library, Source};
use sysex_vault_cli::EXIT_MIDI;

const BANK_REQUEST: [u8; 5] = [0xF0, 0x43, 0x20, 0x09, 0xF7];

/// A DX7 32-voice bank (VMEM) built byte by byte: header, 4096 data bytes, checksum, F7.
fn dx7_bank(seed: u8) -> Vec<u8> {
    let data: Vec<u8> = (0..4096u32)
        .map(|i| ((i * 7 + u32::from(seed) * 13) % 100) as u8)
        .collect();
    let sum: u32 = data.iter().map(|&b| u32::from(b)).sum();
    let mut m = vec![0xF0, 0x43, 0x00, 0x09, 0x20, 0x00];
    m.extend(&data);
    m.push(((128 - sum % 128) % 128) as u8);
    m.push(0xF7);
    m
}

/// Waits (up to 10 s) until the synth has received `n` messages; returns what it has.
fn seen_after(fake: &Fake, n: usize) -> Vec<Vec<u8>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while fake.seen().len() < n && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    fake.seen()
}

/// Short names for what the synth received (the bytes are 4 KiB each).
fn names(seen: &[Vec<u8>], new: &[u8], old: &[u8]) -> Vec<&'static str> {
    seen.iter()
        .map(|m| match m {
            m if m == &BANK_REQUEST => "request",
            m if m == new => "new bank",
            m if m == old => "old bank",
            _ => "other",
        })
        .collect()
}

fn run(args: &[&str]) -> (i32, String) {
    let started = std::time::Instant::now();
    let out = cli().args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    eprintln!("{:?}: {:.1} s", &args[..1], started.elapsed().as_secs_f64());
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn a_bank_send_keeps_the_synths_bank_first() {
    let _jack = Jack::start_with_period(256);
    let fake = Fake::start();
    let dir = std::env::temp_dir().join(format!("sxv-cli-backup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let lib_path = dir.join("lib.sxvl");
    let lib_s = lib_path.to_str().unwrap();
    let (old, new) = (dx7_bank(1), dx7_bank(2));
    let mut lib = Library::default();
    lib.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![new.clone()],
        Source::Import("new.syx".into()),
        0,
    ));
    file::save(&lib_path, &lib).unwrap();
    let send = ["send", lib_s, "fake:in", "--entry", "1", "--preset", "usb"];

    // 1. The synth answers: its bank is kept (as entry 2) before the new one is sent.
    let answer = old.clone();
    let watched = lib_path.clone();
    let held_when_sent: std::sync::Arc<std::sync::Mutex<Option<usize>>> = Default::default();
    let held = held_when_sent.clone();
    let new_seen = new.clone();
    fake.script(move |m, _| {
        if m == BANK_REQUEST {
            return vec![(30, answer.clone())];
        }
        if m == new_seen.as_slice() {
            *held.lock().unwrap() = file::load(&watched).ok().map(|l| l.entries.len());
        }
        Vec::new()
    });
    let mut args = send.to_vec();
    args.extend(["--in", "fake-tx:out", "--reply-timeout", "1000"]);
    let (code, text) = run(&args);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("kept \"On the synth before restore, "),
        "{text}"
    );
    assert_eq!(
        names(&seen_after(&fake, 2), &new, &old),
        ["request", "new bank"],
        "asked, then sent"
    );
    assert_eq!(
        *held_when_sent.lock().unwrap(),
        Some(2),
        "the backup was saved in the library file before the new bank arrived"
    );
    let l = file::load(&lib_path).unwrap();
    assert!(l.entries[1].messages == [old.clone()], "byte for byte");
    assert!(l.entries[1].tags.iter().any(|t| t == "before restore"));

    // 2. A silent synth: nothing is sent, exit 69, the library is unchanged.
    fake.script(|_, _| Vec::new());
    let (code, text) = run(&args);
    assert_eq!(code, EXIT_MIDI, "{text}");
    assert!(
        text.contains("no backup") && text.contains("nothing was sent"),
        "{text}"
    );
    assert!(
        fake.seen().iter().all(|m| m == &BANK_REQUEST),
        "only requests"
    );
    assert_eq!(file::load(&lib_path).unwrap().entries.len(), 2);

    // 3. --no-backup sends at once.
    fake.script(|_, _| Vec::new());
    let mut no = args.clone();
    no.push("--no-backup");
    let (code, text) = run(&no);
    assert_eq!(code, 0, "{text}");
    assert_eq!(names(&seen_after(&fake, 1), &new, &old), ["new bank"]);

    // 4. Without --in: sent, with a warning that no backup was taken.
    fake.script(|_, _| Vec::new());
    let (code, text) = run(&send);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("warning: no backup taken"), "{text}");
    assert_eq!(names(&seen_after(&fake, 1), &new, &old), ["new bank"]);
    let _ = std::fs::remove_dir_all(&dir);
}
