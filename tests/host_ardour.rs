//! The VST3 end to end in a real DAW: Ardour 7, headless (`ardour7-lua`, dummy backend), driven
//! by `tests/ardour/run.sh`. SysEx written into the track's input through Ardour's
//! `x-virtual-keyboard` port is captured, saved with the session and extracted byte-identical by
//! `sysex-vault extract`; reloading and re-saving keeps the library; and while the session loads
//! the plugin emits no MIDI at all (a Lua probe after it counts every event), without nice-plug
//! growing its event queue on the audio thread, while a controller played after the load still
//! passes through. The plugin under test is built with
//! `assert_process_allocs`, so an allocation in `process()` would abort Ardour and fail here.
//! A session saved by the plugin built at commit 1cfe0f7 (`tests/fixtures/ardour-1cfe0f7`) is
//! opened by today's plugin, re-saved, and must still extract to the SysEx it captured.
//!
//! Needs Debian's `ardour` package (`.ci/run` installs it). Without it the test is skipped,
//! except under CI, where a missing Ardour is a failure. Linux only: Ardour runs here through a
//! shell script and the Linux VST3 bundle.
#![cfg(target_os = "linux")]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use sysex_vault::files::project;

/// What `run.sh` reported: its RESULT lines and, for assertion messages, all of its output.
struct Run {
    results: BTreeMap<String, String>,
    context: String,
}

impl Run {
    fn get(&self, key: &str) -> &str {
        self.results.get(key).map_or("missing", String::as_str)
    }
}

/// Runs `tests/ardour/run.sh` with today's plugin and CLI in a temp dir named `name`-pid, with
/// `env` added; `None` when Ardour is absent (outside CI).
fn run_ardour(name: &str, env: &[(&str, &Path)]) -> Option<Run> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ardour/run.sh");
    let plugin = common::plugin_library();
    let work = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let out = Command::new("sh")
        .arg(script)
        .arg(&plugin)
        .arg(&work)
        .arg(common::cli_bin::path())
        .envs(env.iter().copied())
        .output()
        .expect("run tests/ardour/run.sh");
    let _ = std::fs::remove_dir_all(&work);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(77) {
        assert!(
            std::env::var_os("CI").is_none(),
            "Ardour 7 is required in CI: {stderr}"
        );
        eprintln!("skipped: {stderr}");
        return None;
    }
    let results = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Some(Run {
        results,
        context: format!("{stdout}\n{stderr}"),
    })
}

#[test]
fn ardour_captures_saves_reloads_and_loads_silently() {
    let Some(run) = run_ardour("sxv-ardour", &[]) else {
        return;
    };
    let get = |k: &str| run.get(k);
    let context = &run.context;
    assert_eq!(get("status"), "pass", "{context}");
    // Captured through the host's MIDI input, saved, extracted byte-identical; kept on reload.
    assert_eq!(get("create_pre_sysex"), "3", "{context}");
    assert_eq!(get("create_post_sysex"), "3", "passed through: {context}");
    assert_eq!(get("extract1_identical"), "1", "{context}");
    assert_eq!(get("extract2_identical"), "1", "{context}");
    assert_eq!(get("library_unchanged_after_reload"), "1", "{context}");
    // Loading the session sends nothing to the synth.
    assert_eq!(get("create_post_events_before_send"), "0", "{context}");
    assert_eq!(get("reload_post_events"), "0", "load burst: {context}");
    assert_eq!(get("reload_input_event_buffer_warnings"), "0", "{context}");
    assert_eq!(
        get("reload_input_note_event_buffer_warnings"),
        "0",
        "{context}"
    );
    // A controller and a note played live after the load still pass through (VST3 delivers the
    // controller as one of the hidden MIDI parameters that the load replays).
    assert_eq!(get("reload_live_new_events"), "2", "{context}");
    assert_eq!(
        get("reload_live_post_first"),
        "B0-07-64,90-3C-64",
        "{context}"
    );
    eprintln!(
        "Ardour: load burst {} events, round trip {} ms",
        get("reload_post_events"),
        get("total_ms")
    );
}

/// An old project keeps opening: the session the 1cfe0f7 plugin saved (library format 1 in its
/// state) extracts to what it captured, loads in Ardour with today's plugin, and after today's
/// plugin saves it again (a state chunk of its own) holds the same library and still extracts to
/// the same files.
#[test]
fn ardour_opens_a_session_saved_by_1cfe0f7() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ardour-1cfe0f7");
    let session = fixture.join("session");
    let expected = fixture.join("sent.syx");
    let saved_dir =
        std::env::temp_dir().join(format!("sxv-ardour-1cfe0f7-saved-{}", std::process::id()));
    std::fs::create_dir_all(&saved_dir).unwrap();
    let saved = saved_dir.join("sxv.ardour");
    let run = run_ardour(
        "sxv-ardour-1cfe0f7",
        &[
            ("SXV_ARDOUR_OPEN", session.as_path()),
            ("SXV_ARDOUR_EXPECT", expected.as_path()),
            ("SXV_ARDOUR_SAVED", saved.as_path()),
        ],
    );
    let saved_text = std::fs::read_to_string(&saved);
    let _ = std::fs::remove_dir_all(&saved_dir);
    let Some(run) = run else {
        return;
    };
    let get = |k: &str| run.get(k);
    let context = &run.context;
    assert_eq!(get("status"), "pass", "{context}");
    assert_eq!(get("opened"), session.display().to_string(), "{context}");
    // Before today's plugin touched it, and after it loaded and saved it again: one entry of
    // three messages, 150 bytes, identical to what was sent.
    for step in ["extract1", "extract2"] {
        assert_eq!(get(&format!("{step}_syx_files")), "1", "{context}");
        assert_eq!(get(&format!("{step}_bytes")), "150", "{context}");
        assert_eq!(get(&format!("{step}_identical")), "1", "{context}");
    }
    assert_eq!(get("library_unchanged_after_reload"), "1", "{context}");
    // Today's plugin wrote the state (Ardour would keep the old chunk for a plugin it could not
    // load), and that state holds the library the old one saved, entry for entry.
    assert_eq!(get("resaved_chunk_changed"), "1", "{context}");
    let old = std::fs::read_to_string(session.join("sxv.ardour")).unwrap();
    let library = |text: &str| {
        let (_, instances) = project::extract(text).expect("session readable");
        assert_eq!(instances.len(), 1, "{context}");
        instances[0].library.clone().expect("library readable")
    };
    let saved_text = saved_text.expect("the re-saved session");
    let old_library = library(&old);
    assert_eq!(old_library.entries.len(), 1);
    assert_eq!(library(&saved_text), old_library, "{context}");
    // Nothing in that library is sent on load.
    assert_eq!(get("reload_post_events"), "0", "load burst: {context}");
}
