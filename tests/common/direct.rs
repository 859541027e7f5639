//! The plugin's background side without a host, for editor tests on the direct MIDI route: the
//! editor's handles, the worker on them (with the capture ring and send queue an audio thread
//! would feed), and the real editor in a headless harness that steps it until it settles.

use egui_kittest::Harness;
use sysex_vault::audio::{capture, pool, sender};
use sysex_vault::background::ports::RouteSettings;
use sysex_vault::background::worker::{Worker, WorkerContext};
use sysex_vault::editor::{Handles, HostParams, VaultUi};

/// A host whose Record parameter is off and stays off.
pub struct NoHost;

impl HostParams for NoHost {
    fn record(&self) -> bool {
        false
    }
    fn set_record(&self, _: bool) {}
}

/// The worker on fresh handles, with what keeps it running.
pub struct Plugin {
    /// The handles the editor and the worker share.
    pub handles: Handles,
    _worker: Worker,
    _producer: capture::CaptureProducer,
    _engine: sender::SendEngine,
}

/// Fresh handles on `route`, and the plugin's worker running on them.
pub fn plugin(route: RouteSettings) -> Plugin {
    pool::init();
    let handles = Handles::detached();
    *handles.route.write().unwrap() = route;
    let (producer, reader) = capture::ring(1 << 20, handles.capture.clone());
    let (engine, queue) = sender::channel(handles.send.clone());
    let worker = Worker::start(
        WorkerContext {
            store: handles.store.clone(),
            capture: handles.capture.clone(),
            send: handles.send.clone(),
            pacing: handles.pacing.clone(),
            send_check: handles.send_check.clone(),
            route: handles.route.clone(),
        },
        reader,
        queue,
    );
    Plugin {
        handles,
        _worker: worker,
        _producer: producer,
        _engine: engine,
    }
}

/// The direct route through a scripted synth's ports (`fake:in`, `fake-tx:out`).
pub fn fake_route() -> RouteSettings {
    RouteSettings {
        direct: true,
        input: Some("fake-tx:out".into()),
        output: Some("fake:in".into()),
    }
}

/// The real editor on `handles`, 1100 × 720, without its watcher (the harness steps it).
pub fn editor(handles: &Handles) -> Harness<'static, VaultUi> {
    editor_sized(handles, 1100.0, 720.0)
}

/// [`editor`] in a window of this size.
pub fn editor_sized(handles: &Handles, width: f32, height: f32) -> Harness<'static, VaultUi> {
    let ui = VaultUi::new(handles.clone(), Box::new(NoHost)).without_watcher();
    Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_ui_state(|ui, app: &mut VaultUi| app.ui(ui), ui)
}
