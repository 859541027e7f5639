//! A scripted synth on JACK: a client that receives on `fake:in` and answers on `fake-tx:out`
//! what a test script says (dump requests answered, acknowledges, silence, corruption).

use midir::os::unix::{VirtualInput, VirtualOutput};
use midir::{MidiInput, MidiInputConnection, MidiOutput, MidiOutputConnection};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use sysex_vault::sysex::{Assembler, AssemblerEvent};

/// What the synth answers to the n-th message it receives (1-based): (delay in ms, bytes).
pub type Respond = Box<dyn FnMut(&[u8], usize) -> Vec<(u64, Vec<u8>)> + Send>;

/// A scripted synth: `fake:in` receives, `fake-tx:out` answers.
pub struct Fake {
    _input: MidiInputConnection<()>,
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
    respond: Arc<Mutex<Respond>>,
}

impl Fake {
    /// Starts the synth's JACK clients (it answers nothing until [`Fake::script`]).
    pub fn start() -> Fake {
        Fake::start_named("fake")
    }

    /// Like [`Fake::start`], with ports `NAME:in` and `NAME-tx:out` (several synths at once).
    pub fn start_named(name: &str) -> Fake {
        let out: Arc<Mutex<MidiOutputConnection>> = Arc::new(Mutex::new(
            MidiOutput::new(&format!("{name}-tx"))
                .unwrap()
                .create_virtual("out")
                .unwrap(),
        ));
        let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let respond: Arc<Mutex<Respond>> = Arc::new(Mutex::new(Box::new(|_, _| Vec::new())));
        let (seen2, respond2) = (seen.clone(), respond.clone());
        let mut assembler = Assembler::new(1 << 20);
        let mut input = MidiInput::new(name).unwrap();
        input.ignore(midir::Ignore::None);
        let conn = input
            .create_virtual(
                "in",
                move |_, bytes, _| {
                    for e in assembler.push_collect(bytes) {
                        if let AssemblerEvent::Message { bytes: m, .. } = e {
                            let n = {
                                let mut s = seen2.lock().unwrap();
                                s.push(m.clone());
                                s.len()
                            };
                            let replies = (respond2.lock().unwrap())(&m, n);
                            let out = out.clone();
                            std::thread::spawn(move || {
                                for (delay, r) in replies {
                                    std::thread::sleep(Duration::from_millis(delay));
                                    out.lock().unwrap().send(&r).unwrap();
                                }
                            });
                        }
                    }
                },
                (),
            )
            .unwrap();
        Fake {
            _input: conn,
            seen,
            respond,
        }
    }

    /// New behaviour, and forget what was seen.
    pub fn script(&self, r: impl FnMut(&[u8], usize) -> Vec<(u64, Vec<u8>)> + Send + 'static) {
        *self.respond.lock().unwrap() = Box::new(r);
        self.seen.lock().unwrap().clear();
    }

    /// The whole messages the synth received since the last script.
    pub fn seen(&self) -> Vec<Vec<u8>> {
        self.seen.lock().unwrap().clone()
    }
}

/// A Waldorf Blofeld sound dump (392 bytes) for bank/program, named `name`, built byte by byte.
pub fn blofeld(bank: u8, prog: u8, name: &str, seed: u8) -> Vec<u8> {
    let mut data: Vec<u8> = (0..383u32)
        .map(|i| ((i * 7 + u32::from(seed)) % 128) as u8)
        .collect();
    let mut n = name.as_bytes().to_vec();
    n.resize(16, b' ');
    data[363..379].copy_from_slice(&n);
    let mut m = vec![0xF0, 0x3E, 0x13, 0x00, 0x10, bank, prog];
    m.extend(&data);
    m.push((data.iter().map(|&b| u32::from(b)).sum::<u32>() & 0x7F) as u8);
    m.push(0xF7);
    m
}
