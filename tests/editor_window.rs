//! The editor's keyboard shortcuts through a real window: the standalone app on an X server
//! (Xvfb), keys typed by `xdotool` (XTEST, as a keyboard would), read by baseview and translated
//! by egui-baseview into egui's keys. The kittest tests hand egui its keys directly and cannot
//! see a key the window drops (F2 is one: see docs/egui-baseview-function-keys.md). The result is
//! read back from the app's library file, which the app saves after every change.
//!
//! Needs `Xvfb` and `xdotool` (`.ci/run` installs them); fails, saying so, without them.
#![cfg(all(feature = "standalone", target_os = "linux"))]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use sysex_vault::library::{file, Entry, Library, Source};

/// Kills a child process when dropped (the app, the X server).
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn voice(name: &str) -> Vec<u8> {
    let mut data = vec![0u8; 155];
    data[145..155].copy_from_slice(format!("{name:<10}").as_bytes());
    let sum: u32 = data.iter().map(|&b| u32::from(b)).sum();
    let mut m = vec![0xF0, 0x43, 0x00, 0x00, 0x01, 0x1B];
    m.extend(&data);
    m.push(((128 - sum % 128) % 128) as u8);
    m.push(0xF7);
    m
}

/// Starts Xvfb on a free display number; returns it and the display name.
fn x_server() -> (Killed, String) {
    for n in 140..200u32 {
        if std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            || std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists()
        {
            continue;
        }
        let display = format!(":{n}");
        let child = Command::new("Xvfb")
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is needed for this test (Debian: apt-get install xvfb xdotool)");
        let server = Killed(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                return (server, display);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("no X server started");
}

fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool is needed for this test (Debian: apt-get install xdotool)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn names(path: &std::path::Path) -> Vec<String> {
    file::load(path)
        .map(|l| l.entries.iter().map(|e| e.name.clone()).collect())
        .unwrap_or_default()
}

/// Waits until the library file holds `want`; returns what it last held.
fn wait_for(path: &std::path::Path, want: &[&str]) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = names(path);
        if now == want || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn shortcuts_work_through_the_real_window() {
    let dir = std::env::temp_dir().join(format!("sxv-window-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let lib_path = dir.join("library.sxvl");
    let mut lib = Library::default();
    for name in ["ALPHA", "BRAVO", "CHARLIE"] {
        lib.add(Entry::new(
            sysex_vault::devices::registry(),
            vec![voice(name)],
            Source::Capture,
            0,
        ));
    }
    file::save(&lib_path, &lib).unwrap();

    let (_x, display) = x_server();
    let _app = Killed(
        Command::new(env!("CARGO_BIN_EXE_sysex_vault"))
            .args([
                "--backend",
                "dummy",
                "--library",
                lib_path.to_str().unwrap(),
            ])
            .env("DISPLAY", &display)
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // The window, once mapped; the pointer over its list (no window manager: keys go to the
    // window under the pointer).
    let deadline = Instant::now() + Duration::from_secs(60);
    let window = loop {
        let found = xdotool(
            &display,
            &["search", "--onlyvisible", "--name", "SysEx Vault"],
        );
        if let Some(w) = found.lines().next() {
            break w.trim().to_owned();
        }
        assert!(Instant::now() < deadline, "the app's window never opened");
        std::thread::sleep(Duration::from_millis(200));
    };
    std::thread::sleep(Duration::from_secs(2));
    xdotool(&display, &["mousemove", "--window", &window, "300", "300"]);
    let key = |keys: &[&str]| {
        let mut args = vec!["key", "--delay", "100"];
        args.extend(keys);
        xdotool(&display, &args);
        std::thread::sleep(Duration::from_millis(400));
    };
    // Down selects the first entry; Ctrl+R opens its name; Ctrl+A, a new name and Enter keep it.
    key(&["Down"]);
    key(&["ctrl+r"]);
    key(&["ctrl+a"]);
    xdotool(&display, &["type", "--delay", "60", "keyed"]);
    key(&["Return"]);
    assert_eq!(
        wait_for(
            &lib_path,
            &["keyed", "Yamaha DX7: BRAVO", "Yamaha DX7: CHARLIE"]
        ),
        ["keyed", "Yamaha DX7: BRAVO", "Yamaha DX7: CHARLIE"],
        "Down, Ctrl+R, typing and Enter rename the first entry"
    );
    // The list has the keyboard again: Down moves to BRAVO, Delete deletes it.
    key(&["Down"]);
    key(&["Delete"]);
    assert_eq!(
        wait_for(&lib_path, &["keyed", "Yamaha DX7: CHARLIE"]),
        ["keyed", "Yamaha DX7: CHARLIE"],
        "Down and Delete delete the second entry"
    );
    // Ctrl+R then Escape leaves the name as it was.
    key(&["ctrl+r"]);
    xdotool(&display, &["type", "--delay", "60", "zz"]);
    key(&["Escape"]);
    key(&["Up"]);
    key(&["Delete"]);
    assert_eq!(
        wait_for(&lib_path, &["Yamaha DX7: CHARLIE"]),
        ["Yamaha DX7: CHARLIE"],
        "Escape kept the name, Up and Delete deleted the first entry"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
