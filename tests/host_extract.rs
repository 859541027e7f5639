//! Getting patches out of saved projects without the DAW: real plugin state, captured through
//! clack-host, embedded in a REAPER project and an Ardour session the way those hosts store it,
//! then extracted by the `sysex-vault` command line.

mod common;

use base64::Engine;
use common::{run_cli, sysex, In, Session};
use std::path::PathBuf;
use sysex_vault::files::project;

/// A plugin state holding one captured take of `messages`, as the CLAP state stream.
fn captured_state(messages: &[Vec<u8>]) -> Vec<u8> {
    let mut s = Session::start(48_000.0, 512);
    let rec = s.param_id("Record");
    s.process(512, &[In::Param(0, rec, 1.0)]);
    for m in messages {
        s.process(512, &[In::SysEx(0, m.clone())]);
    }
    s.idle(1.2);
    s.save_state()
}

fn b64_lines(bytes: &[u8], indent: &str) -> String {
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    text.as_bytes()
        .chunks(128)
        .map(|c| format!("{indent}{}\n", std::str::from_utf8(c).unwrap()))
        .collect()
}

/// A REAPER project with the plugin (CLAP) on two tracks and another plugin in between.
fn reaper_project(a: &[u8], b: &[u8]) -> String {
    let block = |state: &[u8]| {
        format!(
            "      <CLAP \"CLAP: SysEx Vault (SysEx Vault)\" org.sysex-vault.sysex-vault \"\"\n        CFG 4 0 0 \"\"\n        <STATE\n{}        >\n      >\n",
            b64_lines(state, "          ")
        )
    };
    format!(
        "<REAPER_PROJECT 0.1 \"7.22/linux-x86_64\" 1764500000\n  TEMPO 120 4 4\n  <TRACK {{1}}\n    NAME \"Little Phatty\"\n    <FXCHAIN\n      SHOW 0\n{}      <JS \"utility/volume\" \"\"\n      >\n    >\n  >\n  <TRACK {{2}}\n    NAME DX7\n    <FXCHAIN\n{}    >\n  >\n>\n",
        block(a),
        block(b)
    )
}

/// The VST3 preset stream Ardour stores, around nice-plug's VST3 component state (the same JSON
/// as the CLAP state, without the CLAP stream's 8-byte length).
fn ardour_chunk(clap_state: &[u8]) -> Vec<u8> {
    let component = &clap_state[8..];
    let mut s = b"VST3".to_vec();
    s.extend(1i32.to_le_bytes());
    s.extend(b"5379734578566175C74506174636867A"); // 32 ASCII hex digits of the class id
    let list_pos_at = s.len();
    s.extend(0i64.to_le_bytes());
    let comp_offset = s.len() as i64;
    s.extend(component);
    let list = s.len() as i64;
    s[list_pos_at..list_pos_at + 8].copy_from_slice(&list.to_le_bytes());
    s.extend(b"List");
    s.extend(1i32.to_le_bytes());
    s.extend(b"Comp");
    s.extend(comp_offset.to_le_bytes());
    s.extend((component.len() as i64).to_le_bytes());
    s
}

fn ardour_session(state: &[u8]) -> String {
    let chunk = base64::engine::general_purpose::STANDARD.encode(ardour_chunk(state));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Session version="7003" name="demo" sample-rate="48000">
  <Routes>
    <Route version="7003" id="101" name="Master" default-type="audio"/>
    <Route version="7003" id="102" name="Prophet" default-type="midi">
      <Processor id="201" name="SysEx Vault" active="1" type="vst3" unique-id="5379734578566175C74506174636867A" count="1">
        <vst3 last-preset-uri="" last-preset-label="" parameter-changed-since-last-preset="0">
          <Port id="1" value="1"/>
          <chunk>{chunk}</chunk>
        </vst3>
      </Processor>
    </Route>
  </Routes>
</Session>
"#
    )
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sxv-extract-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn reaper_project_instances_are_found_named_and_exported() {
    let lp: Vec<Vec<u8>> = (0..3).map(|i| sysex(30 + i, i as u8)).collect();
    let dx: Vec<Vec<u8>> = vec![sysex(163, 9)];
    let dir = tmp("reaper");
    let rpp = dir.join("song.rpp");
    std::fs::write(
        &rpp,
        reaper_project(&captured_state(&lp), &captured_state(&dx)),
    )
    .unwrap();

    let (_, found) = project::extract(&std::fs::read_to_string(&rpp).unwrap()).unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(
        (found[0].track.as_str(), found[1].track.as_str()),
        ("Little Phatty", "DX7")
    );
    assert_eq!(found[0].library.as_ref().unwrap().entries[0].messages, lp);

    let out = dir.join("out");
    let (code, text) = run_cli(&["extract", rpp.to_str().unwrap(), out.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("track \"Little Phatty\" #1 (CLAP): 1 entries"),
        "{text}"
    );
    let folder = out.join("Little Phatty 1");
    let syx: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "syx"))
        .collect();
    assert_eq!(syx.len(), 1);
    assert_eq!(
        std::fs::read(&syx[0]).unwrap(),
        lp.concat(),
        "byte-identical"
    );
    // The extracted library opens with the CLI too.
    let (code, text) = run_cli(&["list", folder.join("library.sxvl").to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("1 entries"), "{text}");
}

#[test]
fn ardour_session_vst3_instance_is_extracted() {
    let msgs: Vec<Vec<u8>> = vec![sysex(293, 1), sysex(293, 2)];
    let dir = tmp("ardour");
    let session = dir.join("demo.ardour");
    std::fs::write(&session, ardour_session(&captured_state(&msgs))).unwrap();
    let out = dir.join("out");
    let (code, text) = run_cli(&[
        "extract",
        session.to_str().unwrap(),
        out.to_str().unwrap(),
        "--format",
        "mid",
    ]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("track \"Prophet\" #1 (VST3): 1 entries"),
        "{text}"
    );
    let mids: Vec<_> = std::fs::read_dir(out.join("Prophet 1"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "mid"))
        .collect();
    let read: Vec<Vec<u8>> = sysex_vault::files::smf::read(&std::fs::read(&mids[0]).unwrap())
        .unwrap()
        .into_iter()
        .map(|m| m.bytes)
        .collect();
    assert_eq!(read, msgs);
}

#[test]
fn damaged_instance_is_reported_with_its_track_and_a_failure_code() {
    let dir = tmp("damaged");
    let rpp = dir.join("bad.rpp");
    std::fs::write(
        &rpp,
        reaper_project(b"not a state", &captured_state(&[sysex(10, 1)])),
    )
    .unwrap();
    let (code, text) = run_cli(&[
        "extract",
        rpp.to_str().unwrap(),
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(code, sysex_vault_cli::EXIT_INPUT, "{text}");
    assert!(
        text.contains("track \"Little Phatty\" #1 (CLAP): NOT READABLE"),
        "{text}"
    );
    assert!(
        text.contains("track \"DX7\" #1 (CLAP): 1 entries"),
        "{text}"
    );
}

/// A REAPER `<VST` block for the plugin's VST3 as REAPER writes it (header, body and trailer,
/// each base64 on its own lines of 128 characters), around nice-plug's VST3 component state.
fn reaper_vst3_block(clap_state: &[u8]) -> String {
    let component = &clap_state[8..];
    let mut body = (component.len() as u32).to_le_bytes().to_vec();
    body.extend(1u32.to_le_bytes());
    body.extend(component);
    body.extend(0u32.to_le_bytes()); // no controller state
    body.extend(0u32.to_le_bytes());
    let mut header = 564_344_105u32.to_le_bytes().to_vec();
    header.extend(0xFEED_5EEEu32.to_le_bytes());
    header.extend(2u32.to_le_bytes());
    header.extend(1u64.to_le_bytes());
    header.extend(2u64.to_le_bytes());
    header.extend(2u32.to_le_bytes());
    header.extend(1u64.to_le_bytes());
    header.extend(2u64.to_le_bytes());
    header.extend((body.len() as u32).to_le_bytes());
    header.extend(1u32.to_le_bytes());
    header.extend(0x0010_FFFFu32.to_le_bytes());
    let trailer = b"\0\x10\0\0\0";
    format!(
        "      <VST \"VST3: SysEx Vault (SysEx Vault)\" \"SysEx Vault.vst3\" 0 \"\" 564344105{{53797345785661756C7450617463687A}} \"\"\n{}{}{}      >\n",
        b64_lines(&header, "        "),
        b64_lines(&body, "        "),
        b64_lines(trailer, "        ")
    )
}

#[test]
fn reaper_vst3_instances_and_same_named_tracks_each_get_their_own_folder() {
    let a: Vec<Vec<u8>> = vec![sysex(200, 1), sysex(200, 2)];
    let b: Vec<Vec<u8>> = vec![sysex(50, 3)];
    let c: Vec<Vec<u8>> = vec![sysex(60, 4)];
    let (sa, sb, sc) = (captured_state(&a), captured_state(&b), captured_state(&c));
    let clap = format!(
        "      <CLAP \"CLAP: SysEx Vault (SysEx Vault)\" org.sysex-vault.sysex-vault \"\"\n        <STATE\n{}        >\n      >\n",
        b64_lines(&sc, "          ")
    );
    // Two tracks called "Synth" (VST3 and CLAP) and one without a name.
    let rpp_text = format!(
        "<REAPER_PROJECT 0.1 \"7.22/linux-x86_64\" 1764500000\n  <TRACK {{1}}\n    NAME Synth\n    <FXCHAIN\n{}    >\n  >\n  <TRACK {{2}}\n    NAME Synth\n    <FXCHAIN\n{}    >\n  >\n  <TRACK {{3}}\n    NAME \"\"\n    <FXCHAIN\n{}    >\n  >\n>\n",
        reaper_vst3_block(&sa),
        clap,
        reaper_vst3_block(&sb),
    );
    let dir = tmp("reaper-vst3");
    let rpp = dir.join("song.rpp");
    std::fs::write(&rpp, rpp_text).unwrap();
    let (_, found) = project::extract(&std::fs::read_to_string(&rpp).unwrap()).unwrap();
    assert_eq!(found.len(), 3);
    assert_eq!(found[0].format, "VST3");
    assert_eq!(found[0].library.as_ref().unwrap().entries[0].messages, a);

    let out = dir.join("out");
    let (code, text) = run_cli(&["extract", rpp.to_str().unwrap(), out.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("track \"Synth\" #1 (VST3): 1 entries"),
        "{text}"
    );
    let mut folders: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(folders, ["Synth 1", "Synth 1 (2)", "Track 3 1"]);
    let read = |folder: &str| -> Vec<u8> {
        let lib = sysex_vault::library::file::load(&out.join(folder).join("library.sxvl")).unwrap();
        lib.entries[0].messages.concat()
    };
    assert_eq!(read("Synth 1"), a.concat());
    assert_eq!(read("Synth 1 (2)"), c.concat());
    assert_eq!(read("Track 3 1"), b.concat());
    // A second extract into the same folder refuses to replace files, unless told to.
    let (code, text) = run_cli(&["extract", rpp.to_str().unwrap(), out.to_str().unwrap()]);
    assert_eq!(code, sysex_vault_cli::EXIT_OUTPUT, "{text}");
    assert!(text.contains("exists; add --force"), "{text}");
    let (code, text) = run_cli(&[
        "extract",
        rpp.to_str().unwrap(),
        out.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn captures_pending_behind_an_unreadable_library_are_extracted_and_flagged() {
    // A project whose saved library could not be read (written by a newer version, say): the
    // plugin keeps it verbatim and saves what it captures meanwhile as pending.
    let mut s = Session::load();
    let mut state = common::decode_state(&s.save_state());
    state["fields"]["library"] = serde_json::json!(serde_json::to_string("U1hWTAkA").unwrap());
    assert!(s.load_state(&common::encode_state(&state)));
    s.activate(48_000.0, 512);
    let rec = s.param_id("Record");
    s.process(512, &[In::Param(0, rec, 1.0), In::SysEx(0, sysex(40, 7))]);
    s.idle(1.2);
    let dir = tmp("pending");
    let rpp = dir.join("song.rpp");
    std::fs::write(
        &rpp,
        reaper_project(&s.save_state(), &captured_state(&[sysex(10, 1)])),
    )
    .unwrap();
    let out = dir.join("out");
    let (code, text) = run_cli(&["extract", rpp.to_str().unwrap(), out.to_str().unwrap()]);
    assert_eq!(code, sysex_vault_cli::EXIT_INPUT, "{text}");
    assert!(
        text.contains("track \"Little Phatty\" #1 (CLAP): NOT READABLE"),
        "{text}"
    );
    assert!(text.contains("plus 1 PENDING capture(s)"), "{text}");
    let pending: Vec<_> = std::fs::read_dir(out.join("Little Phatty 1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("PENDING 01"))
        .collect();
    assert_eq!(pending.len(), 1, "{text}");
    assert_eq!(
        std::fs::read(out.join("Little Phatty 1").join(&pending[0])).unwrap(),
        sysex(40, 7)
    );
}
