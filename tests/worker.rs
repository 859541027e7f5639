//! The background thread without a host: a dump request from the editor becomes a send job whose
//! only message is the device definition's dump request (or an identity request), ready for the
//! audio thread's send engine.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use sysex_vault::devices::Fields;
use sysex_vault::engine::capture::{self, CaptureShared};
use sysex_vault::engine::pool;
use sysex_vault::engine::sender::{self, SendShared};
use sysex_vault::engine::store::{LibraryStore, WorkerRequest};
use sysex_vault::engine::worker::{Worker, WorkerContext};

fn requested(definition: &str, request: &str, fields: Fields) -> Vec<u8> {
    pool::init();
    let shared = Arc::new(CaptureShared::default());
    let send = Arc::new(SendShared::default());
    let (_producer, reader) = capture::ring(1 << 20, shared.clone());
    let (mut engine, queue) = sender::channel(send.clone());
    let store = Arc::new(LibraryStore::default());
    let ctx = WorkerContext {
        store: store.clone(),
        capture: shared,
        send,
        pacing: Arc::new(RwLock::new(Default::default())),
        route: Arc::new(RwLock::new(Default::default())),
    };
    let _worker = Worker::start(ctx, reader, queue);
    assert!(store.request(WorkerRequest::RequestDump {
        definition: definition.into(),
        request: request.into(),
        fields,
    }));
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        engine.begin_block(512);
        if let Some(d) = engine.due().first() {
            let bytes = d.message.bytes().to_vec();
            engine.end_block(512);
            return bytes;
        }
        engine.end_block(512);
        assert!(
            Instant::now() < deadline,
            "no dump request was queued: {:?}",
            store.log_lines()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn dump_request_comes_from_the_definition_or_falls_back_to_identity() {
    let channel = |c| Fields {
        channel: Some(c),
        ..Fields::default()
    };
    // Before: F0 43 2F 09 F7, channel 16 whatever the synth's channel.
    assert_eq!(
        requested("yamaha-dx7", "bank", channel(0)),
        [0xF0, 0x43, 0x20, 0x09, 0xF7]
    );
    assert_eq!(
        requested("yamaha-dx7", "voice", channel(4)),
        [0xF0, 0x43, 0x24, 0x00, 0xF7]
    );
    // No definition chosen: ask who is there.
    assert_eq!(
        requested("generic", "identity", Fields::default()),
        [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]
    );
}
