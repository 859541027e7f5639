//! Part of an entry sent on its own by the command line (`send --messages`), received whole by
//! a client on a JACK server (dummy driver, 256-frame periods: a loaded machine starves no
//! cycle, so nothing the test did not send is lost).
#![cfg(feature = "jack")]

mod common;

use common::jack::{cli, joined, receiver, Jack};
use common::{library_of, sysex};
use std::time::Duration;
use sysex_vault::library::{file, Entry, Source};

fn run(args: &[&str]) -> String {
    let out = cli().args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

#[test]
fn parts_of_an_entry_through_jack() {
    let _jack = Jack::start_with_period(256);
    let dir = std::env::temp_dir().join(format!("sxv-transfer-parts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (_rx, received) = receiver("synth", "in");
    let three: Vec<Vec<u8>> = (0..3).map(|i| sysex(250, i)).collect();
    let lib_path = dir.join("lib.sxvl");
    file::save(
        &lib_path,
        &library_of(vec![Entry::new(
            sysex_vault::devices::registry(),
            three.clone(),
            Source::Capture,
            0,
        )]),
    )
    .unwrap();
    let lib = lib_path.to_str().unwrap();

    // The second message only, then the second and third.
    received.lock().unwrap().clear();
    run(&[
        "send",
        lib,
        "synth:in",
        "--entry",
        "1",
        "--messages",
        "2",
        "--gap",
        "0",
    ]);
    run(&[
        "send",
        lib,
        "synth:in",
        "--entry",
        "1",
        "--messages",
        "2-",
        "--gap",
        "0",
    ]);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        joined(&received),
        vec![three[1].clone(), three[1].clone(), three[2].clone()]
    );
    let out = cli()
        .args(["send", lib, "synth:in", "--entry", "1", "--messages", "4"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(sysex_vault_cli::EXIT_USAGE));
    assert!(String::from_utf8_lossy(&out.stderr).contains("within 1-3"));
    let _ = std::fs::remove_dir_all(&dir);
}
