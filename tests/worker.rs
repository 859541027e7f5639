//! The background thread without a host: a dump request from the editor becomes a send job whose
//! only message is the device definition's dump request (or an identity request), ready for the
//! audio thread's send engine.

mod fixture;

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use sysex_vault::audio::capture::{self, CaptureShared};
use sysex_vault::audio::pool;
use sysex_vault::audio::sender::{self, SendShared};
use sysex_vault::background::worker::{Worker, WorkerContext};
use sysex_vault::devices::Fields;
use sysex_vault::store::{LibraryStore, WorkerRequest};

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
        send_check: Arc::new(RwLock::new(Default::default())),
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

#[test]
fn part_of_an_entry_becomes_a_job_of_just_those_messages() {
    let mut rig = Rig::start();
    let msgs: Vec<Vec<u8>> = (0..5u8).map(|i| vec![0xF0, 0x7D, i, 0xF7]).collect();
    let id = rig.store.add(sysex_vault::library::Entry::new(
        sysex_vault::devices::registry(),
        msgs.clone(),
        sysex_vault::library::Source::Capture,
        0,
    ));
    assert!(rig.store.request(WorkerRequest::SendPart {
        entry: id,
        from: 2,
        to: 4
    }));
    let heard = std::cell::RefCell::new(0usize);
    let got = rig.talk(
        |_| {
            *heard.borrow_mut() += 1;
            Vec::new()
        },
        |_| *heard.borrow() >= 2,
    );
    assert_eq!(got, msgs[2..4].to_vec());
}

/// The worker with a scripted synth on the host route: the test plays the audio thread (send
/// engine blocks) and the synth (answers pushed into the capture ring as the host would deliver
/// them).
struct Rig {
    store: Arc<LibraryStore>,
    engine: sender::SendEngine,
    producer: capture::CaptureProducer,
    _worker: Worker,
    clock: u64,
}

impl Rig {
    fn start() -> Rig {
        pool::init();
        let shared = Arc::new(CaptureShared::default());
        let send = Arc::new(SendShared::default());
        let (producer, reader) = capture::ring(1 << 20, shared.clone());
        let (engine, queue) = sender::channel(send.clone());
        let store = Arc::new(LibraryStore::default());
        let fast = sysex_vault::pacing::PacingChoice::Custom(sysex_vault::pacing::Pacing::whole(
            1_000_000, 0,
        ));
        let ctx = WorkerContext {
            store: store.clone(),
            capture: shared,
            send,
            pacing: Arc::new(RwLock::new(fast)),
            send_check: Arc::new(RwLock::new(Default::default())),
            route: Arc::new(RwLock::new(Default::default())),
        };
        let worker = Worker::start(ctx, reader, queue);
        Rig {
            store,
            engine,
            producer,
            _worker: worker,
            clock: 0,
        }
    }

    /// Runs the audio side until `done` says so (or 10 s): each message the plugin sends goes
    /// to `synth`, whose answers (delay in ms, bytes) reach the plugin's input.
    fn talk(
        &mut self,
        mut synth: impl FnMut(&[u8]) -> Vec<(u64, Vec<u8>)>,
        done: impl Fn(&LibraryStore) -> bool,
    ) -> Vec<Vec<u8>> {
        let mut heard = Vec::new();
        let mut pending: Vec<(Instant, Vec<u8>)> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(&self.store) && Instant::now() < deadline {
            self.engine.begin_block(512);
            for d in self.engine.due() {
                let m = d.message.bytes().to_vec();
                for (delay, r) in synth(&m) {
                    pending.push((Instant::now() + Duration::from_millis(delay), r));
                }
                heard.push(m);
            }
            self.engine.end_block(512);
            self.clock += 512;
            let now = Instant::now();
            pending.sort_by_key(|(t, _)| *t);
            while pending.first().is_some_and(|(t, _)| *t <= now) {
                let (_, r) = pending.remove(0);
                assert!(self.producer.push_bytes(self.clock, &r));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        heard
    }

    fn log(&self) -> String {
        self.store
            .log_lines()
            .iter()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[test]
fn conversations_get_dumps_wait_for_acknowledges_and_verify() {
    use sysex_vault::background::conversation::Conversation;
    use sysex_vault::transfer::CaptureRules;
    let mut rig = Rig::start();
    let rules = CaptureRules {
        answer_within: Duration::from_millis(300),
        idle: Duration::from_millis(300),
        retries: 2,
    };
    // Get: the synth ignores the first request, then answers in three slow pieces.
    let voice = common_voice();
    let answer = voice.clone();
    let mut asked = 0;
    assert!(rig
        .store
        .request(WorkerRequest::Converse(Conversation::Get {
            definition: "yamaha-dx7".into(),
            request: "voice".into(),
            fields: Fields {
                channel: Some(0),
                ..Fields::default()
            },
            programs: None,
            rules,
        })));
    let heard = rig.talk(
        |m| {
            asked += 1;
            if m != [0xF0, 0x43, 0x20, 0x00, 0xF7] || asked == 1 {
                return Vec::new();
            }
            answer
                .chunks(60)
                .enumerate()
                .map(|(i, c)| (10 + 150 * i as u64, c.to_vec()))
                .collect()
        },
        |s| s.read(|l| !l.entries.is_empty()),
    );
    assert_eq!(
        heard.len(),
        2,
        "asked again once, after the silence: {}",
        rig.log()
    );
    let got = rig.store.read(|l| l.entries[0].clone());
    assert_eq!(got.messages, vec![voice.clone()]);
    assert_eq!(got.name, "Yamaha DX7: CONVERSED");
    // Nothing became a take while the conversation listened.
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(rig.store.read(|l| l.entries.len()), 1, "{}", rig.log());

    // Wait for acknowledges (the MS2000's definition: 23 = data load completed).
    let id = rig.store.add(sysex_vault::library::Entry::new(
        sysex_vault::devices::registry(),
        vec![
            fixture::ms2000_program("BASS"),
            fixture::ms2000_program("LEAD"),
        ],
        sysex_vault::library::Source::Capture,
        0,
    ));
    rig.store
        .request(WorkerRequest::Converse(Conversation::Send {
            entries: vec![id],
            verify: false,
            plain: false,
            backup: sysex_vault::backup::BackupRule::OFF,
            timeout: Duration::from_millis(500),
            retries: 1,
        }));
    let heard = rig.talk(
        |m| {
            if m.len() == 297 {
                vec![(20, vec![0xF0, 0x42, 0x30, 0x58, 0x23, 0xF7])]
            } else {
                Vec::new()
            }
        },
        |s| {
            s.log_lines()
                .iter()
                .any(|l| l.text.contains("acknowledged"))
        },
    );
    assert_eq!(heard.len(), 2);
    assert!(
        rig.log().contains("Sent 2 message(s), each acknowledged"),
        "{}",
        rig.log()
    );

    // Verify: the synth sends back a copy with one byte changed.
    let id = rig.store.read(|l| l.entries[0].id);
    rig.store
        .request(WorkerRequest::Converse(Conversation::Send {
            entries: vec![id],
            verify: true,
            plain: false,
            backup: sysex_vault::backup::BackupRule::OFF,
            timeout: Duration::from_millis(500),
            retries: 1,
        }));
    let mut stored = Vec::new();
    rig.talk(
        |m| {
            if m.len() == 163 {
                stored = m.to_vec();
                stored[30] ^= 1;
                Vec::new()
            } else if m == [0xF0, 0x43, 0x20, 0x00, 0xF7] {
                vec![(20, stored.clone())]
            } else {
                Vec::new()
            }
        },
        |s| {
            s.log_lines()
                .iter()
                .any(|l| l.text.contains("differs at byte"))
        },
    );
    assert!(
        rig.log()
            .contains("Message 1: the synth's copy differs at byte 30"),
        "{}",
        rig.log()
    );
}

/// A DX7 voice named "CONVERSED", built byte by byte.
fn common_voice() -> Vec<u8> {
    let mut data = vec![0u8; 155];
    data[145..155].copy_from_slice(b"CONVERSED ");
    let sum: u32 = data.iter().map(|&b| u32::from(b)).sum();
    let mut m = vec![0xF0, 0x43, 0x00, 0x00, 0x01, 0x1B];
    m.extend(&data);
    m.push(((128 - sum % 128) % 128) as u8);
    m.push(0xF7);
    m
}
