//! The device definitions on the command line: `devices` (list them, show one, or check
//! definition files) and `request` (a definition's dump request, printed or sent).

use super::args::RequestArgs;
use super::failure::{input, ok, usage, Failure, Output};
use super::midi::send_messages;
use crate::devices::{self, Definition};
use crate::files;
use std::fmt::Write as _;
use std::path::PathBuf;

/// `devices`: with `check`, those files checked (exit 65 on a problem); with `id`, that
/// definition shown; else every definition listed with any problems found.
pub(super) fn devices(id: Option<String>, check: &[PathBuf]) -> Result<Output, Failure> {
    if !check.is_empty() {
        return check_files(check);
    }
    let reg = devices::registry();
    if let Some(id) = id {
        let d = reg.get(&id).ok_or_else(|| {
            input(format!(
                "no device definition `{id}`; `sysex-vault devices` lists them"
            ))
        })?;
        return Ok(ok(show(d)));
    }
    let mut out = format!("{} device definitions", reg.all().len());
    if let Some(folder) = devices::user_folder() {
        let _ = write!(out, " (your folder: {})", folder.display());
    }
    out.push('\n');
    for d in reg.all() {
        let user = if d.file.starts_with("built-in/") {
            ""
        } else {
            "  [yours]"
        };
        let _ = writeln!(out, "  {:<24} {}{user}", d.id, d.name);
    }
    for e in reg.errors() {
        let _ = writeln!(out, "error: {e}");
    }
    Ok(ok(out.trim_end().to_owned()))
}

/// `devices --check`: each file parsed as a definition, a line each (or its errors).
fn check_files(check: &[PathBuf]) -> Result<Output, Failure> {
    let mut out = String::new();
    let mut bad = false;
    for path in check {
        let text =
            std::fs::read_to_string(path).map_err(|e| input(format!("{}: {e}", path.display())))?;
        match devices::definition::parse(&path.display().to_string(), &text) {
            Ok(d) => {
                let _ = writeln!(
                    out,
                    "{}: ok ({}, {} message kinds, {} requests)",
                    path.display(),
                    d.name,
                    d.messages.len(),
                    d.requests.len()
                );
            }
            Err(errors) => {
                bad = true;
                for e in errors {
                    let _ = writeln!(out, "{e}");
                }
            }
        }
    }
    let text = out.trim_end().to_owned();
    if bad {
        Err(input(text))
    } else {
        Ok(ok(text))
    }
}

/// `devices ID`: a definition's models, pacing (firmware pacing too), messages, names read across
/// messages, requests, dump guide and sources.
fn show(d: &Definition) -> String {
    let mut out = format!("{} ({}), from {}\n", d.name, d.id, d.file);
    if !d.models.is_empty() {
        let _ = writeln!(out, "models: {}", d.models.join(", "));
    }
    let _ = writeln!(
        out,
        "pacing: {} B/s, {} ms after each message",
        d.pacing.bytes_per_second, d.pacing.gap_after_message_ms
    );
    let _ = writeln!(
        out,
        "firmware pacing: {}",
        d.firmware_pacing
            .map_or("none given (send-file uses Slow)".into(), |p| format!(
                "{} B/s, {} ms after each message, chunks of {} bytes with {} ms after each",
                p.bytes_per_second, p.gap_after_message_ms, p.chunk_bytes, p.chunk_pause_ms
            ))
    );
    out.push_str("messages:\n");
    for m in &d.messages {
        let params = match m.params.len() {
            0 => String::new(),
            n => format!(" ({n} parameters)"),
        };
        let _ = writeln!(
            out,
            "  {:<14} {:<12} {}{params}",
            m.id,
            m.kind.label(),
            m.label
        );
    }
    if !d.memory_names.is_empty() {
        out.push_str("names read across messages:\n");
        for t in &d.memory_names {
            let address: Vec<String> = t.address.iter().map(|b| format!("{b:02X}")).collect();
            let _ = writeln!(
                out,
                "  {} 1-{}: {} bytes apart from address {}",
                t.label,
                t.count,
                t.stride,
                address.join(" ")
            );
        }
    }
    out.push_str("requests:\n");
    for r in &d.requests {
        let _ = writeln!(out, "  {:<14} {}", r.id, r.label);
    }
    if d.requests.is_empty() {
        out.push_str("  (none)\n");
    }
    if !d.guide.is_empty() {
        let _ = writeln!(
            out,
            "how to start a dump:\n  {}",
            d.guide.replace('\n', "\n  ")
        );
    }
    out.push_str("sources:\n");
    for s in &d.sources {
        let _ = writeln!(out, "  - {s}");
    }
    if !d.left_out.is_empty() {
        out.push_str("left out (not confirmed):\n");
        for s in &d.left_out {
            let _ = writeln!(out, "  - {s}");
        }
    }
    out.trim_end().to_owned()
}

/// `request`: a definition's dump request for the synth's channel, device ID, program and
/// bank, printed as hex (`--print`) or sent to `--port`.
pub(super) fn request(args: RequestArgs) -> Result<Output, Failure> {
    let RequestArgs {
        device,
        request,
        port,
        print,
        channel,
        device_id,
        program,
        bank,
    } = args;
    let fields = devices::Fields {
        channel: Some(channel - 1),
        device: device_id,
        program,
        bank,
        sub: None,
    };
    let d = devices::registry().get(&device).ok_or_else(|| {
        usage(format!(
            "no device definition `{device}`; `sysex-vault devices` lists them"
        ))
    })?;
    let messages = d
        .request(&request, fields)
        .map_err(|e| usage(format!("{}: {e} (requests: {})", d.name, d.request_ids())))?;
    if print {
        return Ok(ok(files::hex::write(&messages).trim_end().to_owned()));
    }
    let port = port.ok_or_else(|| usage("--port is needed to send".into()))?;
    send_messages(&messages, &port, d.pacing).map(ok)
}
