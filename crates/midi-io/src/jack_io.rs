//! The direct ports' JACK clients (the `jack` feature): an input and an output client of our
//! own, each deactivated before it closes, each waiting after it connects until the server runs
//! it on the new connection (see the notes of the parent module).

use super::{backend_error, find_port, Claim, DirectIn, DirectOut, Match, MAX_PIECE};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a JACK input does with each event's bytes, on the process thread.
type OnBytes = dyn FnMut(&[u8]) + Send;

/// The process callback of a JACK input: hands every event's bytes to the callback, in the
/// process thread, as midir's JACK input does (no queue in between that could fill up).
pub struct JackInHandler {
    port: jack::Port<jack::MidiIn>,
    on_bytes: Box<OnBytes>,
    /// Whether the graph this cycle ran on connects the port ([`wait_connected`]).
    linked: Arc<AtomicBool>,
}

impl jack::ProcessHandler for JackInHandler {
    fn process(&mut self, _: &jack::Client, ps: &jack::ProcessScope) -> jack::Control {
        for event in self.port.iter(ps) {
            (self.on_bytes)(event.bytes);
        }
        let linked = self.port.connected_count().is_ok_and(|n| n > 0);
        self.linked.store(linked, Ordering::Release);
        jack::Control::Continue
    }
}

impl Drop for DirectIn {
    fn drop(&mut self) {
        // Deactivate first: once it returns the server runs no more process cycles of this
        // client, so its port (and the callback's captures) can go. midir's JACK input
        // unregisters the port first, while a cycle may still read it (the SIGSEGV at exit).
        if let Some(client) = self.client.take() {
            if let Ok((client, _, handler)) = client.deactivate() {
                drop(handler);
                drop(client);
            }
        }
    }
}

/// Opens input port `port` (a JACK MIDI port that sends) with a client of our own named
/// `client`, whose input port `in` is connected from it, and calls `on_bytes` with every event
/// (SysEx included, a long message in pieces) on the JACK process thread.
pub fn open_input(
    client: &str,
    port: &str,
    how: Match,
    on_bytes: impl FnMut(&[u8]) + Send + 'static,
) -> Result<DirectIn, String> {
    let (c, _) =
        jack::Client::new(client, jack::ClientOptions::NO_START_SERVER).map_err(backend_error)?;
    // The ports midir lists as inputs: JACK MIDI ports that send.
    let spec = jack::MidiIn::default();
    let midi = jack::PortSpec::jack_port_type(&spec);
    let names = c.ports(None, Some(midi), jack::PortFlags::IS_OUTPUT);
    let port = find_port("input", port, how, &names)?;
    let claim = Claim::take(format!("in {port}"))?;
    let ours = c
        .register_port("in", jack::MidiIn::default())
        .map_err(|e| format!("{port}: {e}"))?;
    let name = ours.name().map_err(|e| format!("{port}: {e}"))?;
    let linked = Arc::new(AtomicBool::new(false));
    let handler = JackInHandler {
        port: ours,
        on_bytes: Box::new(on_bytes),
        linked: linked.clone(),
    };
    let active = c
        .activate_async((), handler)
        .map_err(|e| format!("{port}: {e}"))?;
    // Dropped on an error: deactivated, then closed.
    let input = DirectIn {
        client: Some(active),
        _claim: claim,
        port,
    };
    if let Some(c) = &input.client {
        c.as_client()
            .connect_ports_by_name(&input.port, &name)
            .map_err(|e| format!("{}: {e}", input.port))?;
        wait_connected(&linked).map_err(|e| format!("{}: {e}", input.port))?;
    }
    Ok(input)
}

/// Opens output port `port`: one JACK client of our own lists the ports, then connects; no
/// second client is opened and closed next to it (see the module notes).
pub fn open_output(client: &str, port: &str, how: Match) -> Result<DirectOut, String> {
    let (c, _) = jack::Client::new(
        &format!("{client} out"),
        jack::ClientOptions::NO_START_SERVER,
    )
    .map_err(backend_error)?;
    // The ports midir lists as outputs: JACK MIDI ports that receive.
    let spec = jack::MidiIn::default();
    let midi = jack::PortSpec::jack_port_type(&spec);
    let names = c.ports(None, Some(midi), jack::PortFlags::IS_INPUT);
    let port = find_port("output", port, how, &names)?;
    let claim = Claim::take(format!("out {port}"))?;
    let connection = JackOut::connect(c, &port)?;
    Ok(DirectOut {
        connection,
        stop: Arc::default(),
        _claim: claim,
        port,
    })
}

/// JACK output through a client and ring of our own (midir's JACK output has a 16 KiB ring it
/// cannot report the room of, and overfilling it corrupts or panics): the sender waits for room
/// in the ring, the process callback writes whole queued events into the port buffer and leaves
/// the rest for the next cycle when the buffer is full. Nothing is ever cut.
pub struct JackOut {
    pub(super) client: jack::AsyncClient<(), JackOutHandler>,
    writer: jack::RingBufferWriter,
    /// Set by the callback when queued events could not be written for a long time (dropped).
    too_big: Arc<AtomicBool>,
    /// The largest event the port buffer takes (0 until the first process cycle).
    pub(super) max_event: Arc<AtomicUsize>,
}

/// Bytes of the ring between the sender and the JACK process callback.
const JACK_RING: usize = 1 << 16;

/// The process callback of [`JackOut`]: each queued event is a 4-byte little-endian length and
/// its bytes.
pub struct JackOutHandler {
    port: jack::Port<jack::MidiOut>,
    reader: jack::RingBufferReader,
    /// One event, allocated once (no allocation in the callback).
    buf: Box<[u8]>,
    too_big: Arc<AtomicBool>,
    max_event: Arc<AtomicUsize>,
    /// Cycles in a row in which the first queued event did not fit the empty port buffer.
    stuck: u32,
    /// Whether the graph this cycle ran on connects the port ([`wait_connected`]).
    linked: Arc<AtomicBool>,
}

/// Cycles an event may fail to fit an empty port buffer before it is dropped (a write can fail
/// now and then; one that never fits would otherwise block the queue for good).
const STUCK_CYCLES: u32 = 256;

impl jack::ProcessHandler for JackOutHandler {
    fn process(&mut self, _: &jack::Client, ps: &jack::ProcessScope) -> jack::Control {
        let linked = self.port.connected_count().is_ok_and(|n| n > 0);
        self.linked.store(linked, Ordering::Release);
        let mut writer = self.port.writer(ps);
        self.max_event
            .store(writer.max_event_size(), Ordering::Relaxed);
        let mut written = 0;
        loop {
            let mut head = [0u8; 4];
            if self.reader.space() < 4 || self.reader.peek(&mut head) < 4 {
                break;
            }
            let n = u32::from_le_bytes(head) as usize;
            if 4 + n > self.buf.len() {
                // Never queued by `send`; a corrupt frame would block the ring forever.
                self.reader.advance(self.reader.space());
                self.too_big.store(true, Ordering::Relaxed);
                break;
            }
            if self.reader.space() < 4 + n {
                break;
            }
            self.reader.peek(&mut self.buf[..4 + n]);
            let event = jack::RawMidi {
                time: 0,
                bytes: &self.buf[4..4 + n],
            };
            // A full port buffer keeps the event for the next cycle; one that does not fit an
            // empty buffer never will: it is dropped and the sender told.
            if writer.write(&event).is_err() {
                if written == 0 {
                    self.stuck += 1;
                    if self.stuck >= STUCK_CYCLES {
                        // Never a hole inside a message: everything queued is dropped and the
                        // sender stops with an error.
                        self.stuck = 0;
                        self.reader.advance(self.reader.space());
                        self.too_big.store(true, Ordering::Relaxed);
                    }
                }
                break;
            }
            self.stuck = 0;
            written += 1;
            self.reader.advance(4 + n);
        }
        jack::Control::Continue
    }
}

impl JackOut {
    /// Gives client `c` an output port connected to `target` and activates it.
    fn connect(c: jack::Client, target: &str) -> Result<JackOut, String> {
        let port = c
            .register_port("out", jack::MidiOut::default())
            .map_err(|e| format!("{target}: {e}"))?;
        let ours = port.name().map_err(|e| format!("{target}: {e}"))?;
        let mut ring = jack::RingBuffer::new(JACK_RING).map_err(|e| format!("{target}: {e}"))?;
        // The JACK thread reads it: keep it in memory (no page faults there).
        ring.mlock();
        let (reader, writer) = ring.into_reader_writer();
        let too_big = Arc::new(AtomicBool::new(false));
        let max_event = Arc::new(AtomicUsize::new(0));
        let linked = Arc::new(AtomicBool::new(false));
        let handler = JackOutHandler {
            port,
            reader,
            buf: vec![0u8; 4 + MAX_PIECE.unwrap_or(0)].into_boxed_slice(),
            too_big: too_big.clone(),
            max_event: max_event.clone(),
            stuck: 0,
            linked: linked.clone(),
        };
        let active = c
            .activate_async((), handler)
            .map_err(|e| format!("{target}: {e}"))?;
        active
            .as_client()
            .connect_ports_by_name(&ours, target)
            .map_err(|e| format!("{target}: {e}"))?;
        wait_connected(&linked).map_err(|e| format!("{target}: {e}"))?;
        Ok(JackOut {
            client: active,
            writer,
            too_big,
            max_event,
        })
    }

    /// Whether `len` more bytes fit in the ring now.
    pub(super) fn has_room(&mut self, len: usize) -> bool {
        self.writer.space() >= 4 + len
    }

    /// How long `n` JACK periods last.
    pub(super) fn periods(&self, n: u32) -> Duration {
        let c = self.client.as_client();
        Duration::from_secs_f64(
            f64::from(n) * f64::from(c.buffer_size()) / f64::from(c.sample_rate().max(1)),
        )
    }

    /// Whether everything queued has been written into the port.
    pub(super) fn drained(&mut self) -> bool {
        self.writer.space() >= JACK_RING - 1
    }

    /// Queues one event.
    pub(super) fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        if self.too_big.swap(false, Ordering::Relaxed) {
            return Err(format!(
                "JACK took none of the queued MIDI for {STUCK_CYCLES} periods: what was queued was dropped (use a larger JACK period, or chunks)"
            ));
        }
        if !self.has_room(bytes.len()) {
            return Err("the JACK queue had no room".into());
        }
        let mut frame = Vec::with_capacity(4 + bytes.len());
        frame.extend((bytes.len() as u32).to_le_bytes());
        frame.extend(bytes);
        if self.writer.write_buffer(&frame) == frame.len() {
            Ok(())
        } else {
            Err("the JACK queue had no room".into())
        }
    }
}

/// Waits until the client's process callback runs on a graph that connects its port (it sets
/// `linked`): `jack_connect` returns before the server switches to the new graph, which it does
/// at a cycle boundary and, on a loaded machine, can put off for a while; events sent before
/// that miss the connection. A `get` sends its request right after opening its ports, and the
/// stress test's dump is sent as soon as `capture` says it waits: without this wait a dump was
/// now and then lost whole. Fails after 2 s (the server is not running the client).
fn wait_connected(linked: &AtomicBool) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(2);
    while !linked.load(Ordering::Acquire) {
        if Instant::now() > deadline {
            return Err("JACK did not make the connection within 2 s".into());
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    Ok(())
}
