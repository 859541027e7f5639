//! `send-file`: a `.syx` file (a firmware update) sent whole to a synth through a direct port,
//! without a library. The core plans it ([`FirmwarePlan`]: the file checked, the synth it is for,
//! the definition's firmware pacing or Slow); with `--in` the synth is asked who it is first and
//! a file for another maker or model is refused; Ctrl-C stops it before the next piece, ending a
//! cut message with `F7`, and exits with [`super::EXIT_CANCELLED`].

use super::args::{PacingPreset, SendFileArgs};
use super::failure::{input, midi, ok, usage, Failure, Output};
use super::progress::Progress;
use crate::devices;
use crate::pacing::Pacing;
use crate::ports;
use crate::sysex::{universal, Assembler, AssemblerEvent, U7};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use sysex_vault_core::firmware::{FirmwarePlan, PacingFrom};

/// Ctrl-C presses seen by this process: the first cancels the send cleanly, the second exits.
static INTERRUPTS: AtomicU32 = AtomicU32::new(0);

/// Installs the Ctrl-C handler once; true when it is in place.
fn catch_ctrl_c() -> bool {
    static INSTALLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *INSTALLED.get_or_init(|| {
        ctrlc::set_handler(|| {
            if INTERRUPTS.fetch_add(1, Ordering::SeqCst) >= 1 {
                eprintln!("sysex-vault: interrupted again: leaving now");
                std::process::exit(super::EXIT_CANCELLED);
            }
        })
        .is_ok()
    })
}

/// `send-file`: plans, checks the synth's identity, warns, and sends.
pub(super) fn send_file(args: SendFileArgs) -> Result<Output, Failure> {
    let bytes =
        std::fs::read(&args.file).map_err(|e| input(format!("{}: {e}", args.file.display())))?;
    let mut plan = FirmwarePlan::from_syx(devices::registry(), &bytes)
        .map_err(|e| input(format!("{}: {e}", args.file.display())))?;
    let custom = args.rate.is_some()
        || args.gap.is_some()
        || args.chunk.is_some()
        || args.chunk_pause.is_some();
    if args.preset.is_some() || custom {
        let base = match args.preset {
            None => plan.pacing,
            Some(PacingPreset::Din) => Pacing::DIN,
            Some(PacingPreset::Usb) => Pacing::USB_FAST,
            Some(PacingPreset::Slow) => Pacing::SLOW,
            Some(PacingPreset::Device) => plan
                .definition
                .as_deref()
                .and_then(|id| devices::registry().get(id))
                .map_or(Pacing::SLOW, |d| d.pacing),
        };
        let pacing = Pacing {
            bytes_per_second: args.rate.unwrap_or(base.bytes_per_second),
            gap_after_message_ms: args.gap.unwrap_or(base.gap_after_message_ms),
            chunk_bytes: args.chunk.unwrap_or(base.chunk_bytes),
            chunk_pause_ms: args.chunk_pause.unwrap_or(base.chunk_pause_ms),
        };
        plan.set_pacing(pacing, PacingFrom::User);
    }
    let summary = describe(&args, &plan);
    if args.dry_run {
        return Ok(ok(format!("{summary}\n(dry run: nothing sent)")));
    }
    let port = args
        .port
        .as_deref()
        .ok_or_else(|| usage("send-file: give the output port".into()))?;
    // From here Ctrl-C cancels cleanly: before the first byte, or ending the message in flight.
    let interrupts_before = INTERRUPTS.load(Ordering::SeqCst);
    if !catch_ctrl_c() {
        eprintln!("Ctrl-C could not be caught: it would stop the send without ending the message");
    }
    let mut out = ports::open_output("sysex-vault", port, ports::Match::Typed).map_err(midi)?;
    if let Some(in_port) = args.input.as_deref() {
        check_identity(&mut out, in_port, &plan, args.identity_timeout)?;
    }
    eprintln!("{summary}");
    eprintln!(
        "WARNING: a firmware update cut short can leave the synth unusable until it is sent again. Keep the synth powered and connected; Ctrl-C stops cleanly (the message in flight is ended with F7)."
    );
    send(&mut out, &plan, interrupts_before)
}

/// The plan in words.
fn describe(args: &SendFileArgs, plan: &FirmwarePlan) -> String {
    let p = plan.pacing;
    let chunks = p.chunk().map_or(String::from("whole messages"), |c| {
        format!("{c}-byte chunks, {} ms after each", p.chunk_pause_ms)
    });
    format!(
        "{}: {} message(s), {} bytes for {}; pacing {}: {} B/s, {chunks}, {} ms after each message; about {:.1} s",
        args.file.display(),
        plan.messages.len(),
        plan.bytes,
        plan.target,
        plan.pacing_from,
        p.bytes_per_second,
        p.gap_after_message_ms,
        plan.seconds
    )
}

/// Asks the synth on `in_port` who it is (universal identity request, all-call) and refuses a
/// file for another maker or model; no answer within `timeout_ms` is said and the file goes
/// unchecked.
fn check_identity(
    out: &mut ports::DirectOut,
    in_port: &str,
    plan: &FirmwarePlan,
    timeout_ms: u64,
) -> Result<(), Failure> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let mut assembler = Assembler::new(4096);
    let listening = ports::open_input("sysex-vault", in_port, ports::Match::Typed, move |b| {
        for e in assembler.push_collect(b) {
            if let AssemblerEvent::Message { bytes, .. } = e {
                let _ = tx.send(bytes);
            }
        }
    })
    .map_err(midi)?;
    let request = universal::identity_request(U7::MAX);
    out.wait_for_room(request.len()).map_err(midi)?;
    out.send(&request).map_err(midi)?;
    let deadline = Instant::now() + Duration::from_millis(timeout_ms);
    let reply = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(m) if is_identity_reply(&m) => break Some(m),
            Ok(_) => continue,
            Err(_) => break None,
        }
    };
    drop(listening);
    match reply {
        Some(reply) => {
            plan.check_identity(devices::registry(), &reply)
                .map_err(|e| input(format!("{}: {e}", out.port)))?;
            eprintln!("the synth on {in_port} answers as the file expects");
        }
        None => eprintln!(
            "no identity reply on {in_port} within {timeout_ms} ms: the file could not be checked against the synth"
        ),
    }
    Ok(())
}

fn is_identity_reply(m: &[u8]) -> bool {
    crate::sysex::SysEx::new(m)
        .ok()
        .and_then(|s| universal::decode(&s))
        .is_some_and(|u| matches!(u, universal::Universal::IdentityReply(_)))
}

/// Sends the plan with a progress bar (time left); a Ctrl-C since `interrupts_before` stops
/// before the next piece, ending a cut message with `F7`.
fn send(
    out: &mut ports::DirectOut,
    plan: &FirmwarePlan,
    interrupts_before: u32,
) -> Result<Output, Failure> {
    let cancelled = || INTERRUPTS.load(Ordering::SeqCst) != interrupts_before;
    let total = plan.messages.len();
    let mut progress = Progress::new("sending firmware", Some(plan.bytes), "bytes");
    let started = Instant::now();
    let mut free_at = started;
    let report = ports::send_paced(
        out,
        &plan.messages,
        plan.pacing,
        &mut free_at,
        cancelled,
        cancelled,
        |m, b, t| {
            let left = (plan.seconds - t).max(0.0);
            progress.set(b, &format!("{m}/{total} messages, {left:.1} s left"));
        },
    );
    progress.finish();
    let report = report.map_err(|e| midi(format!("{}: {e}", out.port)))?;
    // Let the last piece (or the closing F7) leave the backend before the port closes.
    let last = plan
        .messages
        .last()
        .map_or(0.0, |m| out.last_piece_seconds(&plan.pacing, m.len()));
    std::thread::sleep(Duration::from_secs_f64(last + 0.05));
    out.wait_drained();
    if report.cancelled {
        let what = match report.cut {
            Some((m, b)) => format!(
                "message {} of {total} cut after {b} bytes and ended with F7",
                m + 1
            ),
            None => "between messages".into(),
        };
        return Err(Failure {
            code: super::EXIT_CANCELLED,
            message: format!(
                "{}: cancelled after {} of {total} message(s) ({what}); the synth has an incomplete update: send the file again",
                out.port, report.messages
            ),
        });
    }
    Ok(ok(format!(
        "sent {} message(s), {} bytes to {} in {:.2} s (planned {:.2} s)",
        report.messages,
        report.bytes,
        out.port,
        started.elapsed().as_secs_f64(),
        plan.seconds
    )))
}
