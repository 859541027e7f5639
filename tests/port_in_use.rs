//! A synth port held by another program (WinMM ports have one user: a DAW that opened the
//! synth's port keeps it). The hold is simulated at the port layer, as Linux ports are shared:
//! the editor and the worker then behave as on Windows. The musician reads what to do, frees the
//! port, presses Reconnect, and the route opens without touching anything else.
#![cfg(feature = "jack")]

mod common;

use common::fake::Fake;
use common::jack::Jack;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use sysex_vault::background::ports::{self, RouteSettings};
use sysex_vault::editor::{Handles, VaultUi};

fn wait_for_log(h: &mut Harness<'_, VaultUi>, handles: &Handles, wanted: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        h.run();
        if let Some(line) = handles
            .store
            .log_lines()
            .into_iter()
            .find(|l| l.text.contains(wanted))
        {
            return line.text;
        }
        assert!(
            Instant::now() < deadline,
            "no log line with {wanted:?}: {:?}",
            handles.store.log_lines()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_port_held_elsewhere_is_explained_and_reconnect_opens_it_once_free() {
    let _jack = Jack::start_with_period(256);
    let _fake = Fake::start();
    ports::simulate_in_use("fake:in", true);

    let plugin = common::direct::plugin(RouteSettings {
        direct: true,
        input: None,
        output: Some("fake:in".into()),
    });
    let handles = plugin.handles.clone();
    let mut h = common::direct::editor(&handles);
    h.run();

    let said = wait_for_log(&mut h, &handles, "Direct output");
    assert_eq!(
        said.split_once("Direct output: ").map(|(_, m)| m),
        Some(
            "MIDI output port \"fake:in\" is in use by another program, probably your DAW: turn \
             that port off in the DAW's MIDI preferences (or give the DAW a loopback port such \
             as loopMIDI instead); then press Reconnect"
        ),
        "{said}"
    );
    assert!(
        !handles
            .store
            .log_lines()
            .iter()
            .any(|l| l.text.contains("Sending to")),
        "a held port is not open"
    );

    // The DAW lets go; the musician presses Reconnect on the Record tab.
    ports::simulate_in_use("fake:in", false);
    h.get_by_label("Record").click();
    h.run();
    h.get_by_label("Reconnect").click();
    h.run();
    assert_eq!(handles.capture.reconnects.load(Ordering::Relaxed), 1);
    wait_for_log(&mut h, &handles, "Sending to fake:in");
    let route = handles.route.read().unwrap().clone();
    assert_eq!(
        (route.direct, route.input, route.output),
        (true, None, Some("fake:in".to_owned())),
        "Reconnect changes nothing the project saves"
    );
}
