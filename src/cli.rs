//! The `sysex-vault` command line: browse, import and export a library file, decode SysEx files,
//! and pull patches out of saved DAW projects. Each command returns its output text or an
//! [`Failure`] whose exit code and message say exactly what went wrong.

use crate::engine::pool::MAX_MESSAGE_LEN;
use crate::engine::ports;
use crate::files::{self, project, Format};
use crate::library::{file, Entry, Library, Source, TakeRecorder};
use crate::pacing::Pacing;
use crate::sysex::checksum::ChecksumStatus;
use crate::sysex::message::SysEx;
use crate::sysex::{manufacturer, profiles};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Exit code for a wrong command line.
pub const EXIT_USAGE: i32 = 64;
/// Exit code for unreadable input (file, format, offset).
pub const EXIT_INPUT: i32 = 65;
/// Exit code for output that could not be written.
pub const EXIT_OUTPUT: i32 = 73;

/// Usage text.
pub const USAGE: &str = "\
sysex-vault: SysEx librarian for the SysEx Vault plugin

usage:
  sysex-vault list LIBRARY                         list the entries of a library file
  sysex-vault info FILE...                         decode .syx / .mid / hex text files
  sysex-vault import LIBRARY FILE...               add files to a library (created if missing)
  sysex-vault export LIBRARY OUT [--entry N]...    write entries (all by default) as .syx/.mid/.txt
  sysex-vault extract PROJECT OUTDIR [--format syx|mid|txt]
                                                   export every SysEx Vault instance of a REAPER
                                                   (.rpp) or Ardour session, one folder per track
  sysex-vault ports                                list MIDI input and output ports
  sysex-vault send LIBRARY PORT [--entry N]... [--rate B/S] [--gap MS]
                                                   send entries to a synth, paced (default 3125 B/s,
                                                   150 ms after each message)
  sysex-vault capture LIBRARY PORT [--gap MS] [--timeout S]
                                                   record one dump from a port into the library (ends
                                                   after MS of silence, default 1000)

Entries are numbered from 1 as `list` shows them. .mid files are written with DIN pacing.";

/// A failed command: exit code and message.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    /// Process exit code.
    pub code: i32,
    /// What went wrong, naming the file and, where known, the offset.
    pub message: String,
}

fn usage(msg: &str) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message: format!("{msg}\n\n{USAGE}"),
    }
}

fn input(message: String) -> Failure {
    Failure {
        code: EXIT_INPUT,
        message,
    }
}

fn output(message: String) -> Failure {
    Failure {
        code: EXIT_OUTPUT,
        message,
    }
}

/// Runs a command line (without the program name).
pub fn run(args: &[String]) -> Result<String, Failure> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(usage("no command"));
    };
    match cmd.as_str() {
        "list" => match rest {
            [lib] => list(Path::new(lib)),
            _ => Err(usage("list takes one library file")),
        },
        "info" if !rest.is_empty() => info(rest),
        "import" if rest.len() >= 2 => import(Path::new(&rest[0]), &rest[1..]),
        "export" if rest.len() >= 2 => {
            let mut picks = Vec::new();
            let mut it = rest[2..].iter();
            while let Some(flag) = it.next() {
                match (flag.as_str(), it.next().map(|n| n.parse::<usize>())) {
                    ("--entry", Some(Ok(n))) if n > 0 => picks.push(n),
                    _ => return Err(usage(&format!("unexpected argument {flag}"))),
                }
            }
            export(Path::new(&rest[0]), Path::new(&rest[1]), &picks)
        }
        "extract" if rest.len() >= 2 => {
            let format = match rest.get(2..) {
                Some([]) | None => Format::Syx,
                Some([flag, f]) if flag == "--format" => match f.as_str() {
                    "syx" => Format::Syx,
                    "mid" => Format::Mid,
                    "txt" | "hex" => Format::Hex,
                    other => return Err(usage(&format!("unknown format {other}"))),
                },
                Some(_) => {
                    return Err(usage("extract takes PROJECT OUTDIR [--format syx|mid|txt]"))
                }
            };
            extract(Path::new(&rest[0]), Path::new(&rest[1]), format)
        }
        "ports" if rest.is_empty() => ports_list(),
        "send" if rest.len() >= 2 => {
            let mut picks = Vec::new();
            let mut pacing = Pacing::DIN;
            let mut it = rest[2..].iter();
            while let Some(flag) = it.next() {
                let value = it.next().and_then(|v| v.parse::<u32>().ok());
                match (flag.as_str(), value) {
                    ("--entry", Some(n)) if n > 0 => picks.push(n as usize),
                    ("--rate", Some(r)) if r > 0 => pacing.bytes_per_second = r,
                    ("--gap", Some(g)) => pacing.gap_after_message_ms = g,
                    _ => return Err(usage(&format!("unexpected argument {flag}"))),
                }
            }
            send(Path::new(&rest[0]), &rest[1], &picks, pacing)
        }
        "capture" if rest.len() >= 2 => {
            let (mut gap_ms, mut timeout_s) = (1000u64, 60u64);
            let mut it = rest[2..].iter();
            while let Some(flag) = it.next() {
                let value = it.next().and_then(|v| v.parse::<u64>().ok());
                match (flag.as_str(), value) {
                    ("--gap", Some(g)) if g > 0 => gap_ms = g,
                    ("--timeout", Some(t)) if t > 0 => timeout_s = t,
                    _ => return Err(usage(&format!("unexpected argument {flag}"))),
                }
            }
            capture(Path::new(&rest[0]), &rest[1], gap_ms, timeout_s)
        }
        "help" | "--help" | "-h" => Ok(USAGE.to_owned()),
        other => Err(usage(&format!("unknown or incomplete command: {other}"))),
    }
}

fn load(path: &Path) -> Result<Library, Failure> {
    if !path.exists() {
        return Err(input(format!("{}: no such library file", path.display())));
    }
    file::load(path).map_err(input)
}

fn list(path: &Path) -> Result<String, Failure> {
    let lib = load(path)?;
    let mut out = String::new();
    for (i, e) in lib.entries.iter().enumerate() {
        let mut notes = Vec::new();
        if let Some(d) = e.duplicate_of {
            notes.push(format!("duplicate of #{d}"));
        }
        if e.has_problems() {
            notes.push("problems: see info".into());
        }
        if e.recall_on_load {
            notes.push("recall on load".into());
        }
        if let Some(pc) = e.program_change {
            notes.push(format!("PC {}", u16::from(pc) + 1));
        }
        let _ = writeln!(
            out,
            "{:>3}  {:<40} {:<28} {:<8} {:>5} msg {:>9} B  {}",
            i + 1,
            e.name,
            e.device,
            e.kind.label(),
            e.messages.len(),
            e.byte_len(),
            notes.join(", ")
        );
    }
    let _ = write!(
        out,
        "{} entries, {} bytes",
        lib.entries.len(),
        lib.byte_len()
    );
    Ok(out)
}

fn read_file(path: &Path) -> Result<(String, Vec<u8>), Failure> {
    let bytes = std::fs::read(path).map_err(|e| input(format!("{}: {e}", path.display())))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok((name, bytes))
}

fn info(paths: &[String]) -> Result<String, Failure> {
    let mut out = String::new();
    for p in paths {
        let (name, bytes) = read_file(Path::new(p))?;
        let imported = files::import(&name, &bytes, 0).map_err(input)?;
        let _ = writeln!(
            out,
            "{p}: {} message(s), {} bytes",
            imported.entry.messages.len(),
            imported.entry.byte_len()
        );
        for (i, m) in imported.entry.messages.iter().enumerate() {
            let Ok(msg) = SysEx::new(m) else { continue };
            let r = profiles::recognise(&msg);
            let maker = msg
                .manufacturer()
                .map_or("none".into(), manufacturer::describe);
            let checksum = match r.checksum {
                ChecksumStatus::Valid => "checksum ok".to_owned(),
                ChecksumStatus::Invalid { expected, found } => {
                    format!("CHECKSUM BAD (expected {expected:02X}, found {found:02X})")
                }
                ChecksumStatus::NotApplicable => "no checksum".to_owned(),
            };
            let names = if r.preset_names.is_empty() {
                String::new()
            } else {
                format!(" [{}]", r.preset_names.join(", "))
            };
            let _ = writeln!(
                out,
                "  #{:<4} {:>8} B  {maker}; {} ({}): {} {}; {checksum}{names}",
                i + 1,
                m.len(),
                r.device,
                r.profile,
                r.kind.label(),
                r.detail
            );
        }
        for w in &imported.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
        for u in &imported.entry.unterminated {
            let _ = writeln!(
                out,
                "  unterminated message of {} bytes kept aside",
                u.len()
            );
        }
    }
    Ok(out.trim_end().to_owned())
}

fn import(lib_path: &Path, paths: &[String]) -> Result<String, Failure> {
    let mut lib = file::load(lib_path).map_err(input)?;
    let mut out = String::new();
    for p in paths {
        let (name, bytes) = read_file(Path::new(p))?;
        let imported =
            files::import(&name, &bytes, crate::engine::store::now_unix_ms()).map_err(input)?;
        for w in &imported.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        let n = imported.entry.messages.len();
        let entry_name = imported.entry.name.clone();
        let id = lib.add(imported.entry);
        let dup = lib.get(id).and_then(|e| e.duplicate_of);
        let _ = writeln!(
            out,
            "imported {p} as \"{entry_name}\" ({n} message(s)){}",
            dup.map_or(String::new(), |d| format!(", identical to entry #{d}"))
        );
    }
    file::save(lib_path, &lib).map_err(output)?;
    let _ = write!(
        out,
        "{} now holds {} entries",
        lib_path.display(),
        lib.entries.len()
    );
    Ok(out)
}

fn picked<'a>(lib: &'a Library, picks: &[usize]) -> Result<Vec<&'a Entry>, Failure> {
    if picks.is_empty() {
        return Ok(lib.entries.iter().collect());
    }
    picks
        .iter()
        .map(|&n| {
            lib.entries.get(n - 1).ok_or_else(|| {
                input(format!(
                    "no entry {n}: the library has {}",
                    lib.entries.len()
                ))
            })
        })
        .collect()
}

fn export(lib_path: &Path, out_path: &Path, picks: &[usize]) -> Result<String, Failure> {
    let lib = load(lib_path)?;
    let entries = picked(&lib, picks)?;
    let messages: Vec<Vec<u8>> = entries.iter().flat_map(|e| e.messages.clone()).collect();
    if messages.is_empty() {
        return Err(input(format!("{}: nothing to export", lib_path.display())));
    }
    let format = Format::from_name(&out_path.to_string_lossy());
    std::fs::write(out_path, files::export(&messages, format, &Pacing::DIN))
        .map_err(|e| output(format!("{}: {e}", out_path.display())))?;
    Ok(format!(
        "wrote {} message(s) from {} entries to {}",
        messages.len(),
        entries.len(),
        out_path.display()
    ))
}

/// A file-name-safe version of a track or entry name.
fn safe(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_.()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim().trim_matches('.').to_owned();
    if s.is_empty() {
        "unnamed".into()
    } else {
        s
    }
}

fn extract(project_path: &Path, out_dir: &Path, format: Format) -> Result<String, Failure> {
    let (_, bytes) = read_file(project_path)?;
    let text = String::from_utf8_lossy(&bytes);
    let (daw, instances) =
        project::extract(&text).map_err(|e| input(format!("{}: {e}", project_path.display())))?;
    if instances.is_empty() {
        return Err(input(format!(
            "{}: no SysEx Vault instance found",
            project_path.display()
        )));
    }
    let mut out = format!(
        "{} ({daw:?}): {} SysEx Vault instance(s)\n",
        project_path.display(),
        instances.len()
    );
    let mut failed = 0;
    for inst in &instances {
        let folder = out_dir.join(safe(&format!("{} {}", inst.track, inst.slot + 1)));
        match &inst.library {
            Ok(lib) => {
                std::fs::create_dir_all(&folder)
                    .map_err(|e| output(format!("{}: {e}", folder.display())))?;
                for (i, e) in lib.entries.iter().enumerate() {
                    let path: PathBuf = folder.join(format!(
                        "{:02} {}.{}",
                        i + 1,
                        safe(&e.name),
                        format.extension()
                    ));
                    std::fs::write(&path, files::export(&e.messages, format, &Pacing::DIN))
                        .map_err(|err| output(format!("{}: {err}", path.display())))?;
                }
                file::save(&folder.join("library.sxvl"), lib).map_err(output)?;
                let _ = writeln!(
                    out,
                    "  track \"{}\" #{} ({}): {} entries -> {}",
                    inst.track,
                    inst.slot + 1,
                    inst.format,
                    lib.entries.len(),
                    folder.display()
                );
            }
            Err(e) => {
                failed += 1;
                let _ = writeln!(
                    out,
                    "  track \"{}\" #{} ({}): NOT READABLE: {e}",
                    inst.track,
                    inst.slot + 1,
                    inst.format
                );
            }
        }
    }
    if failed > 0 {
        return Err(input(format!(
            "{out}{failed} instance(s) could not be read"
        )));
    }
    Ok(out.trim_end().to_owned())
}

fn ports_list() -> Result<String, Failure> {
    let inputs = ports::input_ports().map_err(input)?;
    let outputs = ports::output_ports().map_err(input)?;
    let mut out = format!("MIDI ports ({}):\ninputs (capture from):\n", ports::BACKEND);
    for p in inputs {
        let _ = writeln!(out, "  {p}");
    }
    out.push_str("outputs (send to):\n");
    for p in outputs {
        let _ = writeln!(out, "  {p}");
    }
    Ok(out.trim_end().to_owned())
}

fn send(lib_path: &Path, port: &str, picks: &[usize], pacing: Pacing) -> Result<String, Failure> {
    let lib = load(lib_path)?;
    let entries = picked(&lib, picks)?;
    let messages: Vec<Vec<u8>> = entries.iter().flat_map(|e| e.messages.clone()).collect();
    if messages.is_empty() {
        return Err(input(format!("{}: nothing to send", lib_path.display())));
    }
    let total = messages.len();
    let total_s = pacing.total_seconds(messages.iter().map(Vec::len));
    let mut out = ports::open_output("sysex-vault", port).map_err(output)?;
    eprintln!(
        "sending {total} message(s) to {port} at {} B/s with {} ms gaps: about {total_s:.1} s",
        pacing.bytes_per_second, pacing.gap_after_message_ms
    );
    let mut free_at = std::time::Instant::now();
    let report = ports::send_paced(
        &mut out,
        &messages,
        pacing,
        &mut free_at,
        || false,
        |m, b, t| {
            eprint!(
                "\r  {m}/{total} messages, {b} bytes, ETA {:.1} s   ",
                (total_s - t).max(0.0)
            );
        },
    )
    .map_err(|e| output(format!("\n{e}")))?;
    // Let the last message leave the driver's buffer before the port closes.
    let last = messages.last().map_or(0, Vec::len);
    let left = std::time::Instant::now()
        + std::time::Duration::from_secs_f64(pacing.wire_seconds(last) + 0.05);
    std::thread::sleep(
        left.max(out.drained_at())
            .saturating_duration_since(std::time::Instant::now()),
    );
    drop(out);
    eprintln!();
    Ok(format!(
        "sent {} message(s), {} bytes to {port} in {:.2} s",
        report.messages,
        report.bytes,
        report.starts.last().copied().unwrap_or(0.0)
    ))
}

fn capture(lib_path: &Path, port: &str, gap_ms: u64, timeout_s: u64) -> Result<String, Failure> {
    let mut lib = file::load(lib_path).map_err(input)?;
    let (tx, rx) = crossbeam_channel::unbounded::<(u64, Vec<u8>)>();
    let start = std::time::Instant::now();
    let _port = ports::open_input("sysex-vault", port, move |bytes| {
        let _ = tx.send((start.elapsed().as_micros() as u64, bytes.to_vec()));
    })
    .map_err(input)?;
    eprintln!("waiting up to {timeout_s} s for a dump on {port} (start it on the synth)…");
    let mut recorder = TakeRecorder::new(MAX_MESSAGE_LEN, gap_ms * 1000);
    let deadline = start + std::time::Duration::from_secs(timeout_s);
    let mut started = false;
    let take = loop {
        match rx.recv_timeout(std::time::Duration::from_millis(20)) {
            Ok((at, bytes)) if bytes.first().is_some_and(|b| *b < 0xF8) => {
                // Notes and controllers from the synth neither start nor extend the take.
                recorder.feed(at, &bytes);
                if let Some((m, b)) = recorder.in_progress() {
                    started = true;
                    eprint!("\r  {m} message(s), {b} bytes   ");
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
        if !started && std::time::Instant::now() > deadline {
            return Err(input(format!(
                "{port}: nothing arrived within {timeout_s} s"
            )));
        }
    };
    eprintln!();
    let mut entry = Entry::new(
        take.messages,
        Source::Capture,
        crate::engine::store::now_unix_ms(),
    );
    entry.unterminated = take.unterminated;
    entry.lost_messages = take.lost_messages;
    let summary = format!(
        "captured \"{}\": {} message(s), {} bytes{}",
        entry.name,
        entry.messages.len(),
        entry.byte_len(),
        if entry.has_problems() {
            " (with problems: see list)"
        } else {
            ""
        }
    );
    lib.add(entry);
    file::save(lib_path, &lib).map_err(output)?;
    Ok(format!(
        "{summary}; {} now holds {} entries",
        lib_path.display(),
        lib.entries.len()
    ))
}
