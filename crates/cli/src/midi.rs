//! The MIDI commands: `ports`, `send` (paced, with a progress bar; `--handshake` and `--verify`
//! in [`super::transfers`]), `get` and `capture`.

use super::args::{GetArgs, PacingPreset, SendArgs};
use super::failure::{input, midi, ok, usage, Failure, Output};
use super::json;
use super::library_io::{chosen_ids, load, load_for_change, load_or_create, save};
use super::progress::Progress;
use super::transfers;
use crate::devices;
use crate::library::{Entry, TakeRecorder};
use crate::pacing::Pacing;
use crate::ports;
use crate::sysex::MAX_MESSAGE_LEN;
use crate::transfer;
use std::fmt::Write as _;
use std::path::Path;

/// `ports`: the MIDI input and output ports.
pub(super) fn ports(json: bool) -> Result<Output, Failure> {
    let inputs = ports::input_ports().map_err(midi)?;
    let outputs = ports::output_ports().map_err(midi)?;
    if json {
        return Ok(ok(json::ports_document(&inputs, &outputs)));
    }
    let mut out = format!("MIDI ports ({}):\ninputs (capture from):\n", ports::BACKEND);
    for p in inputs {
        let _ = writeln!(out, "  {p}");
    }
    out.push_str("outputs (send to):\n");
    for p in outputs {
        let _ = writeln!(out, "  {p}");
    }
    Ok(ok(out.trim_end().to_owned()))
}

/// `send`: entries (or a range of one entry's messages) to a port, paced; with `--handshake`
/// or `--verify` through the synth's output port too.
pub(super) fn send(args: SendArgs) -> Result<Output, Failure> {
    let tweak = |base: Pacing| Pacing {
        bytes_per_second: args.rate.unwrap_or(base.bytes_per_second),
        gap_after_message_ms: args.gap.unwrap_or(base.gap_after_message_ms),
        chunk_bytes: args.chunk.unwrap_or(base.chunk_bytes),
        chunk_pause_ms: args.chunk_pause.unwrap_or(base.chunk_pause_ms),
    };
    let (messages, pacing) = send_plan(
        &args.library,
        &args.entries,
        args.messages.as_deref(),
        args.preset,
        tweak,
    )?;
    let rules = transfer::CaptureRules {
        answer_within: std::time::Duration::from_millis(args.reply_timeout),
        idle: std::time::Duration::from_millis(args.reply_timeout.min(1000)),
        retries: args.retries,
    };
    let port = args.port.as_str();
    let rule = crate::backup::BackupRule {
        banks: !args.no_backup,
        programs: args.backup_programs,
    };
    let plan = crate::backup::plan(devices::registry(), &messages, rule);
    for what in &plan.unasked {
        eprintln!("note: no backup of the {what}: its definition has no request for it");
    }
    if !plan.overwrites.is_empty() {
        match args.input.as_deref() {
            Some(input) => transfers::back_up(&args.library, &plan, (port, input), pacing, rules)?,
            None => eprintln!(
                "warning: no backup taken: with --in (the synth's output port) the synth is first asked for what this send overwrites ({}); --no-backup silences this",
                plan.overwrites
                    .iter()
                    .map(|o| format!("{} {}", o.synth, o.what))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    match (args.input.as_deref(), args.handshake, args.verify) {
        (Some(input), true, _) => {
            let hs = transfers::handshake_for(
                messages.first().map(Vec::as_slice),
                &args.ack,
                &args.nak,
                &args.error,
                args.reply_timeout,
                args.retries,
            )?;
            transfers::send_handshake(&messages, (port, input), pacing, &hs).map(ok)
        }
        (Some(input), _, true) => transfers::send_verify(&messages, (port, input), pacing, rules),
        _ => send_messages(&messages, port, pacing).map(ok),
    }
}

/// The messages and pacing of a `send`.
fn send_plan(
    lib_path: &Path,
    picks: &[usize],
    range: Option<&str>,
    preset: PacingPreset,
    tweak: impl Fn(Pacing) -> Pacing,
) -> Result<(Vec<Vec<u8>>, Pacing), Failure> {
    let lib = load(lib_path)?;
    let ids = chosen_ids(&lib, picks)?;
    let entries: Vec<&Entry> = ids.iter().filter_map(|id| lib.get(*id)).collect();
    let mut messages: Vec<Vec<u8>> = entries.iter().flat_map(|e| e.messages.clone()).collect();
    if let Some(range) = range {
        if picks.len() != 1 {
            return Err(usage("--messages goes with exactly one --entry".into()));
        }
        let (from, to) = parse_range(range, messages.len())?;
        messages = messages[from - 1..to].to_vec();
    }
    if messages.is_empty() {
        return Err(input(format!("{}: nothing to send", lib_path.display())));
    }
    let base = match preset {
        PacingPreset::Din => Pacing::DIN,
        PacingPreset::Usb => Pacing::USB_FAST,
        PacingPreset::Slow => Pacing::SLOW,
        PacingPreset::Device => entries
            .first()
            .and_then(|e| devices::registry().get(&e.profile))
            .map_or(Pacing::DIN, |d| d.pacing),
    };
    Ok((messages, tweak(base)))
}

/// A program range as the synth numbers programs in SysEx, from 0: `5` or `0-127`.
fn parse_programs(text: &str) -> Result<(u16, u16), Failure> {
    let bad = || usage(format!("--programs {text}: give N or N-M, from 0 to 16383"));
    let number = |s: &str| {
        s.trim()
            .parse::<u16>()
            .ok()
            .filter(|n| *n < 16_384)
            .ok_or_else(bad)
    };
    let (a, b) = match text.split_once('-') {
        None => (number(text)?, number(text)?),
        Some((a, b)) => (number(a)?, number(b)?),
    };
    if a > b {
        return Err(bad());
    }
    Ok((a, b))
}

/// A 1-based message range (`7`, `3-5`, `3-`) within `count` messages, checked.
fn parse_range(text: &str, count: usize) -> Result<(usize, usize), Failure> {
    let bad = || {
        usage(format!(
            "--messages {text}: give N, N-M or N- within 1-{count} (the entry has {count} message(s))"
        ))
    };
    let number = |s: &str| s.trim().parse::<usize>().map_err(|_| bad());
    let (from, to) = match text.split_once('-') {
        None => {
            let n = number(text)?;
            (n, n)
        }
        Some((a, "")) => (number(a)?, count),
        Some((a, b)) => (number(a)?, number(b)?),
    };
    if from == 0 || from > to || to > count {
        return Err(bad());
    }
    Ok((from, to))
}

/// Sends messages through an output port, paced, with a progress bar.
pub(super) fn send_messages(
    messages: &[Vec<u8>],
    port: &str,
    pacing: Pacing,
) -> Result<String, Failure> {
    let total = messages.len();
    let total_bytes: u64 = messages.iter().map(|m| m.len() as u64).sum();
    let total_s = pacing.direct_total_seconds(messages.iter().map(Vec::len));
    let mut out = ports::open_output("sysex-vault", port, ports::Match::Typed).map_err(midi)?;
    let port = out.port.clone();
    let chunks = pacing.chunk().map_or(String::new(), |c| {
        format!(
            " in {c}-byte chunks ({} ms after each)",
            pacing.chunk_pause_ms
        )
    });
    eprintln!(
        "sending {total} message(s), {total_bytes} bytes to {port} at {} B/s{chunks} with {} ms gaps: about {total_s:.1} s",
        pacing.bytes_per_second, pacing.gap_after_message_ms
    );
    let mut progress = Progress::new("sending", Some(total_bytes), "bytes");
    let mut free_at = std::time::Instant::now();
    let report = ports::send_paced(
        &mut out,
        messages,
        pacing,
        &mut free_at,
        || false,
        || false,
        |m, b, t| {
            let eta = (total_s - t).max(0.0);
            progress.set(b, &format!("{m}/{total} messages, ETA {eta:.1} s"));
        },
    );
    progress.finish();
    let report = report.map_err(midi)?;
    // Let the last message leave the driver's buffer before the port closes.
    let last = messages
        .last()
        .map_or(0.0, |m| out.last_piece_seconds(&pacing, m.len()));
    let left = std::time::Instant::now() + std::time::Duration::from_secs_f64(last + 0.05);
    std::thread::sleep(left.saturating_duration_since(std::time::Instant::now()));
    out.wait_drained();
    drop(out);
    Ok(format!(
        "sent {} message(s), {} bytes to {port} in {:.2} s",
        report.messages,
        report.bytes,
        report.starts.last().copied().unwrap_or(0.0)
    ))
}

/// `get`: a definition's dump request sent (once, or once per program of `--programs`), each
/// answer captured into the library as a new entry.
pub(super) fn get(args: GetArgs) -> Result<Output, Failure> {
    let programs = match args.programs.as_deref() {
        Some(text) => Some(parse_programs(text)?),
        None => None,
    };
    transfers::get(transfers::Get {
        library: &args.library,
        create: args.create,
        device: &args.device,
        request: &args.request,
        ports: (&args.output, &args.input),
        fields: devices::Fields {
            channel: Some(args.channel - 1),
            device: args.device_id,
            program: args.program,
            bank: args.bank,
            sub: None,
        },
        programs,
        rules: transfer::CaptureRules {
            answer_within: std::time::Duration::from_millis(args.wait),
            idle: std::time::Duration::from_millis(args.idle),
            retries: args.retries,
        },
    })
    .map(ok)
}

/// `capture`: one dump from an input port (it ends after `gap_ms` without SysEx) into the
/// library; nothing arriving within `timeout_s` fails.
pub(super) fn capture(
    lib_path: &Path,
    port: &str,
    gap_ms: u64,
    timeout_s: u64,
    create: bool,
) -> Result<Output, Failure> {
    // Checked now (before waiting for the synth), read again when the dump is in: another
    // command may have changed the library meanwhile.
    load_or_create(lib_path, create)?;
    let (tx, rx) = crossbeam_channel::unbounded::<(u64, Vec<u8>)>();
    let start = std::time::Instant::now();
    let port_in = ports::open_input("sysex-vault", port, ports::Match::Typed, move |bytes| {
        let _ = tx.send((start.elapsed().as_micros() as u64, bytes.to_vec()));
    })
    .map_err(midi)?;
    let port = port_in.port.clone();
    eprintln!("waiting up to {timeout_s} s for a dump on {port} (start it on the synth)…");
    let mut recorder = TakeRecorder::new(MAX_MESSAGE_LEN, gap_ms * 1000);
    let deadline = start + std::time::Duration::from_secs(timeout_s);
    let mut progress: Option<Progress> = None;
    let take = loop {
        match rx.recv_timeout(std::time::Duration::from_millis(20)) {
            Ok((at, bytes)) if bytes.first().is_some_and(|b| *b < 0xF8) => {
                // Notes and controllers from the synth neither start nor extend the take.
                recorder.feed(at, &bytes);
                if let Some((m, b)) = recorder.in_progress() {
                    progress
                        .get_or_insert_with(|| Progress::new("receiving", None, "bytes"))
                        .set(b, &format!("{m} message(s)"));
                }
            }
            Ok(_) => {}
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => recorder.stop(),
        }
        recorder.tick(start.elapsed().as_micros() as u64);
        if let Some(take) = recorder.drain_finished().into_iter().next() {
            break take;
        }
        if progress.is_none() && std::time::Instant::now() > deadline {
            return Err(input(format!(
                "{port}: nothing arrived within {timeout_s} s"
            )));
        }
    };
    drop(port_in);
    if let Some(p) = progress {
        p.finish();
    }
    let entry = take.into_entry(crate::devices::registry(), crate::library::now_unix_ms());
    let summary = format!(
        "captured \"{}\": {} message(s), {} bytes{}",
        entry.name,
        entry.messages.len(),
        entry.byte_len(),
        if entry.has_problems() {
            " (with problems: see `info LIBRARY --entry N`)"
        } else {
            ""
        }
    );
    let complete = entry.messages.len();
    let (lock, mut lib) = load_for_change(lib_path, Some(create))?;
    lib.add(entry);
    save(&lock, &lib)?;
    let saved = format!(
        "{summary}; {} now holds {} entries",
        lib_path.display(),
        lib.entries.len()
    );
    if complete == 0 {
        // Only a cut message arrived (the sender paused longer than the gap, or stopped):
        // kept for inspection, but the capture failed.
        return Err(input(format!(
            "{saved}\n{port}: no complete message arrived: the dump was cut (the sender paused longer than --gap {gap_ms} ms, or stopped); the cut bytes are kept in entry {} with problems",
            lib.entries.len()
        )));
    }
    Ok(ok(saved))
}
