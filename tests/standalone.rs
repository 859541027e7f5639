//! The standalone app: starts without a display on the dummy audio backend, opens its library
//! file, and exits cleanly on Ctrl-C (SIGINT) without touching the file.
#![cfg(all(feature = "standalone", unix))]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use sysex_vault::library::{file, Entry, Library, Source};

#[test]
fn starts_headless_with_the_dummy_backend_and_exits_on_request() {
    let dir = std::env::temp_dir().join(format!("sxv-standalone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let lib_path = dir.join("library.sxvl");
    let mut lib = Library::default();
    lib.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![vec![0xF0, 0x43, 0x10, 0xF7]],
        Source::Capture,
        0,
    ));
    file::save(&lib_path, &lib).unwrap();
    let before = std::fs::read(&lib_path).unwrap();

    let (status, err) = run_app_briefly(&lib_path);
    assert!(status.success(), "{status}: {err}");
    assert!(
        err.contains(&format!("Opened {} (1 entries)", lib_path.display())),
        "{err}"
    );
    assert!(
        err.contains("No display: running without a window"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&lib_path).unwrap(),
        before,
        "library file untouched"
    );
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        left.iter()
            .all(|n| n == "library.sxvl" || n == "library.sxvl.lock"),
        "no temporary files left: {left:?}"
    );
}

/// Runs the app headless on the dummy backend with this library file for two seconds (it must
/// not quit on its own), then quits it with Ctrl-C; returns its exit status and what it printed.
fn run_app_briefly(lib_path: &std::path::Path) -> (std::process::ExitStatus, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sysex_vault"))
        .args([
            "--backend",
            "dummy",
            "--library",
            lib_path.to_str().unwrap(),
        ])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the app quit on its own"
    );
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("did not exit within 10 s of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status, err)
}

/// A library file the app cannot read (damaged, or from a newer version) is left untouched, and
/// the app says where its captures go instead; the next start uses the same recovery file.
#[test]
fn an_unreadable_library_file_sends_captures_to_a_recovery_file() {
    let dir = std::env::temp_dir().join(format!("sxv-standalone-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let lib_path = dir.join("library.sxvl");
    std::fs::write(&lib_path, b"damaged").unwrap();
    let (_, err) = run_app_briefly(&lib_path);
    let said = |err: &str| {
        err.lines()
            .find_map(|l| {
                l.split_once("captures are saved to ")
                    .map(|(_, p)| p.to_owned())
            })
            .unwrap_or_else(|| panic!("no recovery file named: {err}"))
    };
    let recovery = said(&err);
    assert!(recovery.contains("library (recovered "), "{recovery}");
    let (_, err) = run_app_briefly(&lib_path);
    assert!(err.contains("still unreadable"), "{err}");
    assert_eq!(said(&err), recovery, "the same recovery file again");
    assert_eq!(std::fs::read(&lib_path).unwrap(), b"damaged");
    let _ = std::fs::remove_dir_all(&dir);
}
