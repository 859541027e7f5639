//! One library file, several writers: the standalone app's library owner (the code the app runs,
//! in this test process) and real `sysex-vault` command-line processes. Each read-modify-write
//! holds the library's lock file, and the app merges what others wrote before it saves, so no
//! writer erases another's change, in either order.

mod common;

use common::{run_cli, temp_dir};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use sysex_vault::library::{file, Entry, Source};
use sysex_vault::store::LibraryStore;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn message(b: u8) -> Vec<u8> {
    vec![0xF0, 0x7D, b, 0x01, 0xF7]
}

/// A one-message .syx file to import.
fn syx(dir: &Path, b: u8) -> PathBuf {
    let p = dir.join(format!("patch-{b}.syx"));
    std::fs::write(&p, message(b)).unwrap();
    p
}

fn messages_in(path: &Path) -> Vec<Vec<u8>> {
    let mut all: Vec<Vec<u8>> = file::load(path)
        .unwrap()
        .entries
        .into_iter()
        .flat_map(|e| e.messages)
        .collect();
    all.sort();
    all
}

/// The app captures and saves; the command line imports while the app runs; the app captures
/// again and saves. Before: the app's save wrote its whole library over the file and the import
/// was gone.
#[test]
fn an_import_while_the_app_runs_survives_the_apps_next_save() {
    let dir = temp_dir("two-writers");
    let lib = dir.join("library.sxvl");
    let app = LibraryStore::default();
    app.open_file(lib.clone());
    app.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![message(1)],
        Source::Capture,
        0,
    ));
    app.save_file();
    let history = app.history();

    let (code, out) = run_cli(&["import", s(&lib), s(&syx(&dir, 2))]);
    assert_eq!(code, 0, "{out}");
    app.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![message(3)],
        Source::Capture,
        0,
    ));
    app.save_file();

    assert_eq!(
        messages_in(&lib),
        vec![message(1), message(2), message(3)],
        "a writer erased another's change"
    );
    // The app shows the import too, and its undo history no longer fits: it starts afresh.
    assert_eq!(app.read(|l| l.entries.len()), 3);
    assert_ne!(app.history(), history);
    let mut ids: Vec<u64> = app.read(|l| l.entries.iter().map(|e| e.id).collect());
    ids.dedup();
    assert_eq!(ids.len(), 3, "ids stay unique");
}

/// The app holds the library while the command line wants to change it, and the other way
/// round: whoever comes second waits, and both changes are in the file.
#[test]
fn a_writer_waits_for_the_lock_in_either_order() {
    let dir = temp_dir("lock-order");
    let lib = dir.join("library.sxvl");
    file::save(&lib, &sysex_vault::library::Library::default()).unwrap();

    // The app first: it holds the lock (as during a save) while a command line imports.
    let held = file::lock(&lib).unwrap();
    let before = std::fs::read(&lib).unwrap();
    let mut cli = Command::new(common::cli_bin::path())
        .args(["import", s(&lib), s(&syx(&dir, 4))])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        std::fs::read(&lib).unwrap(),
        before,
        "the command line wrote while the app held the library"
    );
    drop(held);
    assert!(cli.wait().unwrap().success());
    assert_eq!(messages_in(&lib), vec![message(4)]);

    // The command line first: the app never waits for it (its background thread must go on
    // capturing); it saves on its next try after the command is done, merging its change.
    let app = LibraryStore::default();
    app.open_file(lib.clone());
    app.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![message(5)],
        Source::Capture,
        0,
    ));
    let cli_lock = file::lock(&lib).unwrap();
    let mut cli_view = cli_lock.load().unwrap();
    cli_view.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![message(6)],
        Source::Capture,
        0,
    ));
    let before = std::fs::read(&lib).unwrap();
    let started = std::time::Instant::now();
    app.save_file();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the app waited for the lock ({:?})",
        started.elapsed()
    );
    assert_eq!(
        std::fs::read(&lib).unwrap(),
        before,
        "written without the lock"
    );
    cli_lock.save(&cli_view).unwrap();
    drop(cli_lock);
    app.save_file();
    assert_eq!(messages_in(&lib), vec![message(4), message(5), message(6)]);
    assert_eq!(app.read(|l| l.entries.len()), 3);
}

/// Command lines racing on one library: every import is kept (before: the last writer's
/// library replaced the others').
#[test]
fn racing_command_lines_lose_nothing() {
    let dir = temp_dir("racing");
    let lib = dir.join("library.sxvl");
    file::save(&lib, &sysex_vault::library::Library::default()).unwrap();
    let children: Vec<_> = (10..18u8)
        .map(|b| {
            Command::new(common::cli_bin::path())
                .args(["import", s(&lib), s(&syx(&dir, b))])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let expected: Vec<Vec<u8>> = (10..18u8).map(message).collect();
    assert_eq!(messages_in(&lib), expected);
}

/// A library file keeps backups of what it replaced: going back is copying one.
#[test]
fn a_backup_of_the_previous_version_is_kept_beside_the_library() {
    let dir = temp_dir("backups");
    let lib = dir.join("library.sxvl");
    let (code, out) = run_cli(&["import", s(&lib), s(&syx(&dir, 20)), "--create"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_cli(&["delete", s(&lib), "1"]);
    assert_eq!(code, 0, "{out}");
    assert!(messages_in(&lib).is_empty());
    let backup = file::backup_path(&lib, 1);
    assert_eq!(
        messages_in(&backup),
        vec![message(20)],
        "{}",
        backup.display()
    );
    assert!(file::lock_path(&lib).exists());
}

/// A newer version (or damage) makes the library unreadable while the app runs: the app leaves
/// it as it is and saves what it holds, and what it records next, to the recovery file beside
/// it, and says so.
#[test]
fn a_library_made_unreadable_under_the_running_app_is_left_alone() {
    let dir = temp_dir("unreadable-later");
    let lib = dir.join("library.sxvl");
    let app = LibraryStore::default();
    app.open_file(lib.clone());
    app.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![message(30)],
        Source::Capture,
        0,
    ));
    app.save_file();
    let newer = b"SXVL\x63\x00 a library from the future".to_vec();
    std::fs::write(&lib, &newer).unwrap();
    app.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![message(31)],
        Source::Capture,
        0,
    ));
    for _ in 0..3 {
        app.save_file();
    }
    assert_eq!(
        std::fs::read(&lib).unwrap(),
        newer,
        "the unreadable file was overwritten"
    );
    let note = app
        .file_note()
        .expect("the status line says where captures go");
    let recovery = sysex_vault::store::recovery_path(&lib);
    assert!(note.contains(&recovery.display().to_string()), "{note}");
    assert_eq!(messages_in(&recovery), vec![message(30), message(31)]);
}
