//! "Back up rig" inside the plugin. A conversation reaches one port pair (the route: the
//! host's, or the direct ports), so the backup covers the synths on it: those that answer the
//! identity request sent through it, and the saved rig's synths on the direct route's ports.
//! Each is asked for every bank and global request of its definition ([`crate::rig::plan`]);
//! what comes back is kept as one dated, tagged collection, with a log line per synth. The
//! command line's `backup-rig` reaches every MIDI port.

use super::PluginLink;
use crate::devices::{self, Definition, Fields};
use crate::pacing::Pacing;
use crate::rig::{self, Rig};
use crate::store::{Level, LibraryStore};
use crate::transfer::{CaptureRules, Link};
use std::sync::Arc;
use std::time::Duration;

/// A synth found on the route, with how it was found.
struct Found<'a> {
    def: &'a Definition,
    fields: Fields,
    banks: Vec<u8>,
    by: &'static str,
}

/// The saved rig's synths on `ports` (output, input), or an error in words.
fn saved_on(ports: &(String, String)) -> Result<Vec<rig::RigSynth>, String> {
    let Some(path) = rig::rig_file() else {
        return Ok(Vec::new());
    };
    let rig = match std::fs::read_to_string(&path) {
        Ok(text) => Rig::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Rig::default(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    Ok(rig
        .synths
        .into_iter()
        .filter(|s| s.output == ports.0 && s.input == ports.1)
        .collect())
}

/// Runs the backup on `link`, logging a line per synth.
pub(super) fn run(
    store: &Arc<LibraryStore>,
    link: &mut PluginLink,
    ports: Option<(String, String)>,
    identity_wait: Duration,
    rules: CaptureRules,
    pacing: &impl Fn(Pacing) -> Pacing,
) {
    let reg = devices::registry();
    let collection = rig::collection_name(crate::library::now_unix_ms());
    link.pacing = pacing(Pacing::DIN);
    store.note(
        Level::Info,
        "Back up rig: asking who is on this route (identity request)…".into(),
    );
    let mut found: Vec<Found<'_>> = Vec::new();
    match rig::identify_on(link, reg, identity_wait) {
        Ok(replies) => {
            for m in replies {
                match m.definition {
                    Some(def) => found.push(Found {
                        def,
                        fields: rig::fields_from_reply(&m.reply),
                        banks: Vec::new(),
                        by: "identity",
                    }),
                    None => store.log(
                        Level::Warning,
                        format!(
                            "Back up rig: an identity reply from {} (family {:04X}, model {:04X}) that no definition knows",
                            crate::sysex::manufacturer::describe(m.reply.manufacturer),
                            m.reply.family,
                            m.reply.model
                        ),
                    ),
                }
            }
        }
        Err(e) => {
            store.log(Level::Error, format!("Back up rig: {e}"));
            return;
        }
    }
    if let Some(ports) = &ports {
        match saved_on(ports) {
            Ok(saved) => {
                for s in saved {
                    match reg.get(&s.device) {
                        Some(def) => found.push(Found {
                            def,
                            fields: s.fields(),
                            banks: s.banks.clone(),
                            by: "saved rig",
                        }),
                        None => store.log(
                            Level::Warning,
                            format!(
                                "Back up rig: the saved rig names `{}`, which no definition has",
                                s.device
                            ),
                        ),
                    }
                }
            }
            Err(e) => store.log(
                Level::Warning,
                format!("Back up rig: saved rig not read: {e}"),
            ),
        }
    }
    // A synth that answers and is saved too is asked once, as saved (with its channel).
    let saved: Vec<String> = found
        .iter()
        .filter(|f| f.by == "saved rig")
        .map(|f| f.def.id.clone())
        .collect();
    found.retain(|f| f.by == "saved rig" || !saved.contains(&f.def.id));
    if found.is_empty() {
        store.log(
            Level::Warning,
            format!(
                "Back up rig: no synth answered the identity request on this route{}",
                if ports.is_some() {
                    ", and the saved rig has none on these ports"
                } else {
                    " (through the host the saved rig is not used: it names ports)"
                }
            ),
        );
        return;
    }
    let port = ports.as_ref().map_or("the host's route", |p| p.0.as_str());
    let mut added = 0;
    for f in &found {
        if link.cancelled() {
            store.log(Level::Warning, "Back up rig: cancelled".into());
            return;
        }
        added += back_up_one(store, link, f, port, &collection, rules, pacing);
    }
    store.log(
        Level::Info,
        format!(
            "Back up rig: {added} entries added as \"{collection}\" (tag `{}`)",
            rig::TAG
        ),
    );
}

/// Backs up one synth and logs its line; returns the entries added.
fn back_up_one(
    store: &Arc<LibraryStore>,
    link: &mut PluginLink,
    f: &Found<'_>,
    port: &str,
    collection: &str,
    rules: CaptureRules,
    pacing: &impl Fn(Pacing) -> Pacing,
) -> usize {
    let reg = devices::registry();
    let head = format!("Back up rig: {} (found by {})", f.def.name, f.by);
    let plan = rig::plan(f.def, &f.banks);
    if plan.asks.is_empty() {
        store.log(
            Level::Warning,
            format!(
                "{head}: cannot be asked for a dump; start one on the synth: {}",
                f.def.guide.split_whitespace().collect::<Vec<_>>().join(" ")
            ),
        );
        return 0;
    }
    link.pacing = pacing(f.def.pacing);
    let backup = rig::back_up(
        link,
        reg,
        f.def,
        f.def.default_fields(f.fields),
        &plan,
        rules,
        |a| {
            store.note(
                Level::Info,
                format!("{head}: asking for \"{}\"…", a.describe()),
            )
        },
    );
    let entries = rig::entries(
        reg,
        f.def,
        port,
        collection,
        &backup,
        crate::library::now_unix_ms(),
    );
    let added = entries.len();
    for e in entries {
        store.add(e);
    }
    let level = if backup.complete() {
        Level::Info
    } else {
        Level::Warning
    };
    store.log(level, format!("{head}: {}", backup.verdict()));
    for line in rig::details(&plan, &backup)
        .lines()
        .filter(|l| !l.is_empty())
    {
        store.log(level, format!("  {}", line.trim()));
    }
    added
}
