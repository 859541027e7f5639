//! Real dumps that nobody here wrote (tests/fixtures/real, listed with their sources and
//! licences in docs/real-dumps.md): each must be recognised as its synth, or stay unknown when
//! no definition describes its synth, and show the names it is known to carry, in the library
//! and through the real `sysex-vault info --json`.

#[path = "common/cli_bin.rs"]
mod cli_bin;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use sysex_vault::devices::{MessageKind, Registry};
use sysex_vault::files;

/// Definitions that name only a maker or a protocol, never a model.
const MAKER_ONLY: &[&str] = &["generic", "roland-dt1", "moog"];

/// What a committed dump must be recognised as.
struct Dump {
    /// File name in tests/fixtures/real.
    file: &'static str,
    /// The definition of its synth; `None` when no shipped definition describes the synth (then
    /// only maker-level definitions, or one whose id contains `model`, may recognise it).
    synth: Option<&'static str>,
    /// For an unknown synth: the model as a definition id would spell it (hyphens ignored).
    model: &'static str,
    /// The kind of the entry the file becomes (checked for a known synth).
    kind: MessageKind,
    /// Its patch names in order (blank places left out): in single messages, or read across
    /// addressed messages.
    names: &'static [&'static str],
    /// Names of parts of patches read across messages: (label, number, name).
    parts: &'static [(&'static str, usize, &'static str)],
}

const DUMPS: &[Dump] = &[
    Dump {
        file: "roland-d50-robscoll.syx",
        synth: Some("roland-d50"),
        model: "",
        kind: MessageKind::Bank,
        names: &[
            "A Bright Day",
            "Digital Clavi",
            "Chasing Game",
            "Realistic Flute",
            "End of the 7 Era",
            "Christmas Time",
            "Good Vibrations",
            "Thoughts",
            "Music Box",
            "Space Harp",
            "Wonder Drops",
            "Pluck the Pad",
            "Late 80s Stack",
            "I saw the light",
            "Future is Behind",
            "Darjiling",
            "D-50 Syn Brass",
            "Atmostrings",
            "Waving Strings",
            "Solo X Press",
            "Mono Octabass",
            "Acid Bass",
        ],
        parts: &[
            ("Upper tone", 1, "Brightns U"),
            ("Lower tone", 1, "Brightns L"),
            ("Upper tone", 3, "Breath EP"),
            ("Lower tone", 3, "Digi EP"),
            ("Upper tone", 22, "Acid Bass"),
            ("Lower tone", 20, "X Press  L"),
        ],
    },
    Dump {
        file: "roland-d50-vibraphone-edit-buffer.syx",
        synth: Some("roland-d50"),
        model: "",
        kind: MessageKind::EditBuffer,
        names: &["Vibraphone"],
        parts: &[],
    },
    Dump {
        file: "roland-mks50-glorious-alpha.syx",
        synth: Some("roland-alpha-juno"),
        model: "",
        kind: MessageKind::Bank,
        names: &[
            "AlphaBrass",
            "Synth Brew",
            "HyperPulse",
            "Pitcher",
            "SynthBrazz",
            "Scratching",
            "Wah-Synth",
            "Brassy",
            "Soft Sweep",
            "Hot Pot",
            "PwmOrchstr",
            "Jupiter-6",
            "Animals",
            "LaserGun",
            "Elka",
            "Warpy",
            "Exotic",
            "Helicopter",
            "Speed 127",
            "Reso Pulse",
            "Alfasolo",
            "Hard Saw",
            "CyberRave",
            "Syntomic",
            "ResoTouch",
            "Dist Gong",
            "SatyrFlute",
            "Wendy C",
            "TecknoOrgn",
            "WahWah Two",
            "OldProphet",
            "SpaceStrgs",
            "Squeaky",
            "Wind",
            "EddiesSolo",
            "Sirenen",
            "E-Toms",
            "PhasePulse",
            "Obie Brass",
            "Simmons",
            "Sweepie",
            "Moogie",
            "MysticOrgn",
            "MatrixBass",
            "AlphaBass1",
            "TB-Clone",
            "Juno Bass",
            "Dazzy",
            "SuperSweep",
            "Kotau",
            "SphrChoral",
            "SuperRave",
            "SpaceOdvss",
            "Galaxis",
            "Pulsation",
            "ResoHarp",
            "Ominous 2",
            "Beta 1",
            "Twilite 2",
            "Resophon",
            "The Wasp",
            "Noise-Hit",
            "EffectDrms",
            "SH-Power",
        ],
        parts: &[],
    },
    Dump {
        file: "roland-mks50-chord-memory.syx",
        synth: Some("roland-alpha-juno"),
        model: "",
        kind: MessageKind::Data,
        names: &[],
        parts: &[],
    },
    Dump {
        file: "moog-little-phatty-preset.syx",
        synth: Some("moog-little-phatty"),
        model: "",
        kind: MessageKind::EditBuffer,
        names: &["MOOG STAGE II"],
        parts: &[],
    },
    Dump {
        file: "moog-little-phatty-init.syx",
        synth: Some("moog-little-phatty"),
        model: "",
        kind: MessageKind::SinglePreset,
        names: &["Untitled"],
        parts: &[],
    },
    Dump {
        file: "moog-little-phatty-bank.syx",
        synth: Some("moog-little-phatty"),
        model: "",
        kind: MessageKind::Bank,
        names: &[],
        parts: &[],
    },
    Dump {
        file: "emu-morpheus-filter.syx",
        synth: None,
        model: "morpheus",
        kind: MessageKind::Other,
        names: &[],
        parts: &[],
    },
    Dump {
        file: "roland-jp8080-heresy.syx",
        synth: Some("roland-jp8080"),
        model: "",
        kind: MessageKind::Data,
        names: &[],
        parts: &[],
    },
];

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real")
}

fn registry() -> Registry {
    let r = Registry::shipped();
    assert!(r.errors().is_empty(), "{:#?}", r.errors());
    r
}

/// The definitions that recognised some message, and whether they are right for `d`.
fn check_synth(d: &Dump, profiles: &BTreeSet<String>) {
    match d.synth {
        Some(id) => assert_eq!(
            profiles.iter().map(String::as_str).collect::<Vec<_>>(),
            vec![id],
            "{}: every message is the synth's",
            d.file
        ),
        None => {
            for p in profiles {
                let plain = |s: &str| s.replace('-', "");
                assert!(
                    MAKER_ONLY.contains(&p.as_str()) || plain(p).contains(&plain(d.model)),
                    "{}: a synth without a definition is named {p}",
                    d.file
                );
            }
        }
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

#[test]
fn every_real_dump_is_listed_here_and_in_the_docs() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/real-dumps.md"))
            .unwrap();
    let mut on_disk: Vec<String> = std::fs::read_dir(folder())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = DUMPS.iter().map(|d| d.file.to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    for f in &listed {
        assert!(docs.contains(f.as_str()), "docs/real-dumps.md lists {f}");
    }
}

#[test]
fn real_dumps_are_recognised_and_named_in_the_library() {
    let r = registry();
    for d in DUMPS {
        let bytes = std::fs::read(folder().join(d.file)).unwrap();
        let imported = files::import(&r, d.file, &bytes, 0).unwrap();
        let entry = imported.entry;
        assert!(entry.unterminated.is_empty(), "{}", d.file);
        let mut profiles = BTreeSet::new();
        let mut names = Vec::new();
        for m in &entry.messages {
            let rec = r.recognise(&sysex_vault::sysex::SysEx::new(m).unwrap());
            profiles.insert(rec.definition);
            names.extend(rec.preset_names.into_iter().filter(|n| !blank(n)));
        }
        check_synth(d, &profiles);
        if d.synth.is_some() {
            assert_eq!(entry.kind, d.kind, "{}: {}", d.file, entry.name);
        }
        let stream = r.stream_names(&entry.messages);
        names.extend(
            stream
                .iter()
                .filter(|n| n.patch && !blank(&n.name))
                .map(|n| n.name.clone()),
        );
        assert_eq!(names, d.names, "{}", d.file);
        for (label, number, name) in d.parts {
            assert!(
                stream
                    .iter()
                    .any(|n| n.label == *label && n.number == *number && n.name == *name),
                "{}: {label} {number} is {name}: {stream:?}",
                d.file
            );
        }
        if let Some(first) = d.names.first() {
            assert!(
                entry.name.contains(first),
                "{}: the entry is named after its patches: {}",
                d.file,
                entry.name
            );
        }
    }
}

#[test]
fn real_dumps_are_recognised_and_named_by_info() {
    for d in DUMPS {
        let out = std::process::Command::new(cli_bin::path())
            .args(["info", folder().join(d.file).to_str().unwrap(), "--json"])
            .env("SYSEX_VAULT_DEVICES", folder().join("no-user-definitions"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let source = &v[0];
        let profiles: BTreeSet<String> = source["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["profile"].as_str().unwrap().to_owned())
            .collect();
        check_synth(d, &profiles);
        let mut names: Vec<&str> = source["messages"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| m["preset_names"].as_array().unwrap())
            .map(|n| n.as_str().unwrap())
            .filter(|n| !blank(n))
            .collect();
        names.extend(
            source["stream_names"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["patch"] == true)
                .map(|n| n["name"].as_str().unwrap())
                .filter(|n| !blank(n)),
        );
        assert_eq!(names, d.names, "{}", d.file);
    }
}
