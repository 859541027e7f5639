//! `rig` (the saved rig: synths that do not answer an identity request) and `backup-rig`
//! (every synth of the rig backed up into one dated, tagged collection).
//!
//! A backup finds the synths first: an identity request goes to every MIDI output (those the
//! saved rig names are not asked: the rig says what is there), and each reply, from whichever
//! input it comes, pairs that input with the output. The saved rig adds the synths that stay
//! silent to identity requests. Then each synth is asked for everything its definition can
//! request ([`crate::rig::plan`]), and a line per synth says what came back.

use super::args::{BackupRigArgs, RigAction};
use super::failure::{input, midi, ok, output, usage, Failure, Output};
use super::library_io::{load_for_change, load_or_create, save};
use super::transfers::PortLink;
use super::EXIT_MIDI;
use crate::devices::{self, Definition, Fields};
use crate::ports;
use crate::sysex::{Assembler, AssemblerEvent};
use crate::transfer::CaptureRules;
use serde_json::json;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use sysex_vault_core::rig::{self, Plan, Rig, RigSynth, Verdict};

/// The rig file: the one given, else [`rig::rig_file`].
fn rig_path(given: Option<PathBuf>) -> Result<PathBuf, Failure> {
    given.or_else(rig::rig_file).ok_or_else(|| {
        usage("no folder for the saved rig (HOME is not set): give --rig FILE".into())
    })
}

/// The saved rig; a missing file is an empty rig.
fn load_rig(path: &Path) -> Result<Rig, Failure> {
    match std::fs::read_to_string(path) {
        Ok(text) => Rig::parse(&text).map_err(|e| input(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Rig::default()),
        Err(e) => Err(input(format!("{}: {e}", path.display()))),
    }
}

/// Writes the rig file whole (a temporary file renamed over it).
fn save_rig(path: &Path, rig: &Rig) -> Result<(), Failure> {
    let fail = |e: std::io::Error| output(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, rig.to_toml()).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// "0", "0-3": banks for `rig add --banks`.
fn parse_banks(text: &str) -> Result<Vec<u8>, Failure> {
    let bad = || usage(format!("--banks {text}: give N or N-M, from 0 to 127"));
    let n = |s: &str| {
        s.trim()
            .parse::<u8>()
            .ok()
            .filter(|b| *b < 128)
            .ok_or_else(bad)
    };
    let (a, b) = match text.split_once('-') {
        None => (n(text)?, n(text)?),
        Some((a, b)) => (n(a)?, n(b)?),
    };
    if a > b {
        return Err(bad());
    }
    Ok((a..=b).collect())
}

/// `rig add`, `rig list`, `rig remove`.
pub(super) fn rig(action: RigAction, file: Option<PathBuf>) -> Result<Output, Failure> {
    let path = rig_path(file)?;
    let mut rig = load_rig(&path)?;
    match action {
        RigAction::Add {
            output,
            input,
            device,
            channel,
            device_id,
            banks,
        } => {
            let def = devices::registry().get(&device).ok_or_else(|| {
                usage(format!(
                    "no device definition `{device}` (see `sysex-vault devices`)"
                ))
            })?;
            let banks = banks.as_deref().map(parse_banks).transpose()?;
            let synth = RigSynth {
                output,
                input,
                device,
                channel,
                device_id,
                banks: banks.unwrap_or_default(),
            };
            // Several synths may share an output (a MIDI chain, each on its own channel).
            if rig.synths.iter().any(|s| {
                s.output == synth.output && s.device == synth.device && s.channel == synth.channel
            }) {
                return Err(usage(format!(
                    "{}: the saved rig already has this synth on this output and channel",
                    synth.output
                )));
            }
            let line = describe(rig.synths.len() + 1, &synth, def);
            rig.synths.push(synth);
            save_rig(&path, &rig)?;
            Ok(ok(format!("added {line}\nsaved {}", path.display())))
        }
        RigAction::List { json } => {
            if json {
                let doc = json!({ "file": path, "synths": rig.synths });
                return Ok(ok(serde_json::to_string_pretty(&doc).unwrap_or_default()));
            }
            if rig.synths.is_empty() {
                return Ok(ok(format!("{}: no saved synths", path.display())));
            }
            let mut text = format!("{}:\n", path.display());
            for (i, s) in rig.synths.iter().enumerate() {
                let line = match devices::registry().get(&s.device) {
                    Some(def) => describe(i + 1, s, def),
                    None => format!("{}. {} (no such definition now)", i + 1, s.device),
                };
                let _ = writeln!(text, "{line}");
            }
            Ok(ok(text.trim_end().to_owned()))
        }
        RigAction::Remove { number } => {
            if number == 0 || number > rig.synths.len() {
                return Err(usage(format!(
                    "no synth {number} in the saved rig (it has {})",
                    rig.synths.len()
                )));
            }
            let gone = rig.synths.remove(number - 1);
            save_rig(&path, &rig)?;
            Ok(ok(format!(
                "removed {} on {}\nsaved {}",
                gone.device,
                gone.output,
                path.display()
            )))
        }
    }
}

/// "1. Yamaha DX7 (yamaha-dx7): out dx7:in, in dx7:out, channel 1".
fn describe(n: usize, s: &RigSynth, def: &Definition) -> String {
    let mut line = format!(
        "{n}. {} ({}): out {}, in {}, channel {}",
        def.name, s.device, s.output, s.input, s.channel
    );
    if let Some(d) = s.device_id {
        let _ = write!(line, ", device ID {d}");
    }
    if let (Some(a), Some(b)) = (s.banks.first(), s.banks.last()) {
        let _ = write!(line, ", banks {a}-{b}");
    }
    line
}

/// A synth to back up: where it is and how it was found.
struct Synth<'a> {
    def: &'a Definition,
    output: String,
    input: String,
    fields: Fields,
    banks: Vec<u8>,
    by_identity: bool,
}

/// What the identity requests found.
#[derive(Default)]
struct Found {
    /// (output, input, reply) for every identity reply.
    replies: Vec<(String, String, Vec<u8>)>,
    /// Outputs no reply came back for.
    silent: Vec<String>,
    /// Ports that could not be opened, in words.
    unavailable: Vec<String>,
}

/// Whether a port is one of this program's own (the identity listener's, a plugin's).
fn ours(port: &str) -> bool {
    let p = port.to_lowercase();
    p.starts_with("sysex-vault") || p.starts_with("sysex vault")
}

/// Sends an identity request on each of `outputs` in turn and listens on every input for
/// `wait` after each: a reply pairs the input it came from with that output.
fn discover(outputs: &[String], wait: Duration) -> Result<Found, Failure> {
    let inputs: Vec<String> = ports::input_ports()
        .map_err(midi)?
        .into_iter()
        .filter(|p| !ours(p))
        .collect();
    let mut found = Found::default();
    let (tx, rx) = crossbeam_channel::unbounded::<(usize, Vec<u8>)>();
    let mut open = Vec::new();
    for (i, name) in inputs.iter().enumerate() {
        let tx = tx.clone();
        match ports::open_input(
            "sysex-vault identity",
            name,
            ports::Match::Exact,
            move |b| {
                let _ = tx.send((i, b.to_vec()));
            },
        ) {
            Ok(port) => open.push(port),
            Err(e) => found.unavailable.push(e),
        }
    }
    let request = crate::sysex::universal::identity_request(crate::sysex::universal::ALL_CALL);
    for out_name in outputs {
        let mut out =
            match ports::open_output("sysex-vault identity", out_name, ports::Match::Exact) {
                Ok(o) => o,
                Err(e) => {
                    found.unavailable.push(e);
                    continue;
                }
            };
        let mut assemblers: Vec<Assembler> = inputs.iter().map(|_| Assembler::new(4096)).collect();
        while rx.try_recv().is_ok() {}
        if let Err(e) = out.send(&request) {
            found.unavailable.push(e);
            continue;
        }
        let before = found.replies.len();
        let deadline = Instant::now() + wait;
        while let Ok((i, bytes)) = rx.recv_deadline(deadline) {
            for e in assemblers[i].push_collect(&bytes) {
                if let AssemblerEvent::Message { bytes: m, .. } = e {
                    if devices::registry().match_identity_reply(&m).is_some() {
                        found.replies.push((out_name.clone(), inputs[i].clone(), m));
                    }
                }
            }
        }
        if found.replies.len() == before {
            found.silent.push(out_name.clone());
        }
    }
    drop(open);
    Ok(found)
}

/// `backup-rig`: finds the synths, asks each for everything its definition can request, saves
/// what came back as one collection; a line per synth. Exit 0 when every synth asked answered
/// every request, 69 otherwise (what came back is kept either way).
pub(super) fn backup_rig(args: BackupRigArgs) -> Result<Output, Failure> {
    load_or_create(&args.library, args.create)?;
    let rig = load_rig(&rig_path(args.rig.clone())?)?;
    let registry = devices::registry();
    let mut synths = Vec::new();
    let mut lines = Vec::new();
    // Ports without a synth found come after the synths' lines.
    let mut port_lines = Vec::new();
    let mut report = Vec::new();
    let mut trouble = false;
    if !args.no_identity {
        let all_outputs = ports::output_ports().map_err(midi)?;
        let saved: Vec<String> = rig
            .synths
            .iter()
            .filter_map(|s| ports::resolve("output", &s.output, &all_outputs).ok())
            .collect();
        let outputs: Vec<String> = all_outputs
            .into_iter()
            .filter(|p| !ours(p) && !saved.contains(p))
            .collect();
        eprintln!(
            "sending an identity request to {} output(s), {} ms each…",
            outputs.len(),
            args.identity_wait
        );
        let found = discover(&outputs, Duration::from_millis(args.identity_wait))?;
        synths = identified(&found, &mut port_lines, &mut report);
    }
    for s in &rig.synths {
        let Some(def) = registry.get(&s.device) else {
            trouble = true;
            lines.push(format!(
                "{}: the saved rig names `{}`, which no definition has now",
                s.output, s.device
            ));
            report.push(
                json!({ "output": s.output, "input": s.input, "device": s.device,
                "verdict": "unknown-definition" }),
            );
            continue;
        };
        synths.push(Synth {
            def,
            output: s.output.clone(),
            input: s.input.clone(),
            fields: s.fields(),
            banks: s.banks.clone(),
            by_identity: false,
        });
    }
    let collection = rig::collection_name(crate::library::now_unix_ms());
    let rules = CaptureRules {
        answer_within: Duration::from_millis(args.wait),
        idle: Duration::from_millis(args.idle),
        retries: args.retries,
    };
    let mut added = 0;
    for s in &synths {
        let (line, json, n, ok) = back_up_one(s, &rules, &collection, &args)?;
        lines.push(line);
        report.push(json);
        added += n;
        trouble |= !ok;
    }
    lines.append(&mut port_lines);
    if synths.is_empty() {
        trouble = true;
        let asked = if args.no_identity {
            "no identity request sent (--no-identity)"
        } else {
            "none answered an identity request"
        };
        let saved = if rig.synths.is_empty() {
            "the saved rig is empty (add synths with `sysex-vault rig add`)"
        } else {
            "the saved rig names no definition this program has"
        };
        lines.push(format!("no synth found: {asked}, and {saved}"));
    }
    let lib = load_or_create(&args.library, args.create)?;
    let summary = format!(
        "{added} entries added to {} as \"{collection}\" (tags `{}` and `{collection}`); it now holds {} entries",
        args.library.display(),
        rig::TAG,
        lib.entries.len()
    );
    let text = if args.json {
        serde_json::to_string_pretty(&json!({
            "collection": collection,
            "library": args.library,
            "added": added,
            "synths": report,
        }))
        .unwrap_or_default()
    } else {
        format!("{}\n{summary}", lines.join("\n"))
    };
    Ok(Output {
        text,
        code: if trouble { EXIT_MIDI } else { 0 },
    })
}

/// The synths the identity replies name; a line (and a JSON record) for each output that
/// stayed silent, each reply no definition knows and each port that could not be opened.
fn identified<'a>(
    found: &Found,
    port_lines: &mut Vec<String>,
    report: &mut Vec<serde_json::Value>,
) -> Vec<Synth<'a>> {
    let registry: &'a devices::Registry = devices::registry();
    let mut synths = Vec::new();
    for (out, inp, reply) in &found.replies {
        let Some(m) = registry.match_identity_reply(reply) else {
            continue;
        };
        match m.definition {
            Some(def) => synths.push(Synth {
                def,
                output: out.clone(),
                input: inp.clone(),
                fields: rig::fields_from_reply(&m.reply),
                banks: Vec::new(),
                by_identity: true,
            }),
            None => {
                let r = m.reply;
                let who = crate::sysex::manufacturer::describe(r.manufacturer);
                port_lines.push(format!(
                        "{out}: an identity reply on {inp} from {who} (family {:04X}, model {:04X}): no definition knows it",
                        r.family, r.model
                    ));
                report.push(json!({ "output": out, "input": inp, "verdict": "unknown",
                        "reason": format!("{who}, family {:04X}, model {:04X}", r.family, r.model) }));
            }
        }
    }
    for p in &found.silent {
        port_lines.push(format!(
            "{p}: silent (no identity reply; not in the saved rig)"
        ));
        report.push(json!({ "output": p, "verdict": "silent-port" }));
    }
    for e in &found.unavailable {
        port_lines.push(format!("port unavailable: {e}"));
    }
    synths
}

/// Backs up one synth and saves what came back; returns its line, its JSON, the entries added
/// and whether it answered every request.
fn back_up_one(
    s: &Synth<'_>,
    rules: &CaptureRules,
    collection: &str,
    args: &BackupRigArgs,
) -> Result<(String, serde_json::Value, usize, bool), Failure> {
    let plan: Plan = rig::plan(s.def, &s.banks);
    let found_by = if s.by_identity {
        "identity"
    } else {
        "saved rig"
    };
    let head = format!(
        "{} on {} (answers on {}, found by {found_by})",
        s.def.name, s.output, s.input
    );
    let skipped: Vec<serde_json::Value> = plan
        .skipped
        .iter()
        .map(|(id, why)| json!({ "request": id, "why": why }))
        .collect();
    let mut doc = json!({
        "device": s.def.id, "name": s.def.name, "output": s.output, "input": s.input,
        "found_by": found_by, "skipped": skipped,
    });
    if plan.asks.is_empty() {
        doc["verdict"] = json!("cannot-be-asked");
        doc["guide"] = json!(s.def.guide);
        let guide: Vec<String> = s.def.guide.lines().map(|l| format!("    {l}")).collect();
        let line = format!(
            "{head}: cannot be asked for a dump; start one on the synth (`sysex-vault capture`):\n{}",
            guide.join("\n")
        );
        return Ok((line, doc, 0, true));
    }
    let mut link = match PortLink::open(&s.output, &s.input, s.def.pacing) {
        Ok(l) => l,
        Err(f) => {
            doc["verdict"] = json!("port-unavailable");
            doc["reason"] = json!(f.message);
            return Ok((
                format!("{head}: port unavailable ({})", f.message),
                doc,
                0,
                false,
            ));
        }
    };
    let backup = rig::back_up(
        &mut link,
        devices::registry(),
        s.def,
        s.def.default_fields(s.fields),
        &plan,
        *rules,
        |a| eprintln!("{}: asking for \"{}\"", s.def.name, a.describe()),
    );
    drop(link);
    let entries = rig::entries(
        devices::registry(),
        s.def,
        &s.output,
        collection,
        &backup,
        crate::library::now_unix_ms(),
    );
    let details = rig::details(&plan, &backup);
    let added = entries.len();
    if added > 0 {
        let (lock, mut lib) = load_for_change(&args.library, Some(args.create))?;
        for e in entries {
            lib.add(e);
        }
        save(&lock, &lib)?;
    }
    let verdict = backup.verdict();
    doc["verdict"] = json!(match &verdict {
        Verdict::Got { .. } => "got",
        Verdict::Silent => "silent",
        Verdict::Refused(_) => "refused",
    });
    if let Verdict::Got { got, of } = verdict {
        doc["got"] = json!(got);
        doc["of"] = json!(of);
    }
    if let Verdict::Refused(why) = &verdict {
        doc["reason"] = json!(why);
    }
    Ok((
        format!("{head}: {verdict}{details}"),
        doc,
        added,
        backup.complete(),
    ))
}
