//! The shipped parameter maps, each read against a patch whose values are published: the
//! patch bytes are built here from those values (no dump file is copied), and the map must
//! give back the values as the synth or its manual shows them.

use super::params::ParamValue;
use super::{test_registry, Fields};
use std::collections::HashMap;

/// The map's values by parameter name, as shown.
pub(super) fn shown(msg: &[u8]) -> HashMap<String, String> {
    let params: Vec<ParamValue> = test_registry().params(msg).expect("a parameter map");
    let n = params.len();
    let map: HashMap<String, String> = params.into_iter().map(|p| (p.name, p.display)).collect();
    assert_eq!(map.len(), n, "names are unique");
    map
}

/// Asserts each (name, shown value) pair.
pub(super) fn expect(map: &HashMap<String, String>, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        assert_eq!(
            map.get(*name).map(String::as_str),
            Some(*value),
            "parameter `{name}`"
        );
    }
}

/// Builds message `id` of definition `def` around decoded `data` (channel 1, program 0).
pub(super) fn message(def: &str, id: &str, data: &[u8]) -> Vec<u8> {
    let d = test_registry().get(def).unwrap();
    let fields = d.default_fields(Fields {
        program: Some(0),
        bank: Some(0),
        ..Fields::default()
    });
    d.build(d.message(id).unwrap(), &fields, data).unwrap()
}

/// Every byte of a message's decoded data belongs to a parameter.
fn covers_every_byte(def: &str, id: &str, len: usize) {
    let m = test_registry().get(def).unwrap().message(id).unwrap();
    let mut covered = vec![false; len];
    for p in &m.params {
        covered[p.offset..p.offset + p.byte_len()].fill(true);
    }
    let missing: Vec<usize> = (0..len).filter(|&i| !covered[i]).collect();
    assert!(
        missing.is_empty(),
        "{def} {id}: bytes {missing:?} have no parameter"
    );
}

// ---------------------------------------------------------------------------------------------
// Yamaha DX7: the DX7's initialised voice (owner's manual; Dexed's init_voice) and ROM1A voice 1
// "BRASS 1" (operator output levels, OP6 and the voice-wide values as published by DX7 tools
// that read the factory ROM).

/// One DX7 operator's 21 VCED bytes.
#[allow(clippy::too_many_arguments)]
fn dx7_op(rates: [u8; 4], levels: [u8; 4], scaling: [u8; 5], rs: u8, vel: u8, out: u8) -> Vec<u8> {
    let mut op = Vec::with_capacity(21);
    op.extend(rates);
    op.extend(levels);
    op.extend(scaling); // break point, left/right depth, left/right curve
    op.extend([rs, 0, vel, out, 0, 1, 0, 7]); // rate scaling, AMS, velocity, level, ratio 1.00
    op
}

fn dx7_init_voice() -> Vec<u8> {
    let mut d = Vec::new();
    for out in [0, 0, 0, 0, 0, 99] {
        d.extend(dx7_op([99; 4], [99, 99, 99, 0], [0; 5], 0, 0, out));
    }
    d.extend([99, 99, 99, 99, 50, 50, 50, 50]); // pitch EG
    d.extend([0, 0, 1, 35, 0, 0, 0, 1, 0, 3, 24]); // algorithm .. transpose
    d.extend(b"INIT VOICE");
    d
}

fn dx7_brass_1() -> Vec<u8> {
    let mut d = Vec::new();
    // OP6 in full; OP5-OP1 only their output levels (98, 99, 99, 86, 98).
    d.extend(dx7_op(
        [49, 99, 28, 68],
        [98, 98, 91, 0],
        [39, 54, 50, 1, 1],
        4,
        2,
        82,
    ));
    for out in [98, 99, 99, 86, 98] {
        d.extend(dx7_op([99; 4], [99, 99, 99, 0], [0; 5], 0, 0, out));
    }
    d.extend([84, 95, 95, 60, 50, 50, 50, 50]);
    d.extend([21, 7, 1, 37, 0, 5, 0, 0, 4, 3, 24]);
    d.extend(b"BRASS   1 ");
    d
}

#[test]
fn dx7_map_names_all_155_bytes_of_the_init_voice() {
    covers_every_byte("yamaha-dx7", "voice", 155);
    let map = shown(&message("yamaha-dx7", "voice", &dx7_init_voice()));
    // 6 x 21 operator parameters, 19 voice parameters and the name.
    assert_eq!(map.len(), 146);
    expect(
        &map,
        &[
            ("OP1 Output Level", "99"),
            ("OP2 Output Level", "0"),
            ("OP6 EG Rate 1", "99"),
            ("OP6 EG Level 4", "0"),
            ("OP1 Break Point", "A-1"),
            ("OP1 Left Curve", "-LIN"),
            ("OP1 Oscillator Mode", "Ratio"),
            ("OP1 Frequency Coarse", "1"),
            ("OP1 Detune", "0"),
            ("Algorithm", "1"),
            ("Feedback", "0"),
            ("Oscillator Key Sync", "On"),
            ("LFO Speed", "35"),
            ("LFO Key Sync", "On"),
            ("LFO Waveform", "Triangle"),
            ("Pitch Mod Sensitivity", "3"),
            ("Transpose", "C3"),
            ("Pitch EG Level 1", "50"),
            ("Voice Name", "\"INIT VOICE\""),
        ],
    );
}

#[test]
fn dx7_map_reads_brass_1_and_names_what_changed() {
    let brass = message("yamaha-dx7", "voice", &dx7_brass_1());
    let map = shown(&brass);
    expect(
        &map,
        &[
            ("OP6 EG Rate 1", "49"),
            ("OP6 EG Level 3", "91"),
            ("OP6 Break Point", "C3"),
            ("OP6 Left Depth", "54"),
            ("OP6 Right Depth", "50"),
            ("OP6 Left Curve", "-EXP"),
            ("OP6 Rate Scaling", "4"),
            ("OP6 Key Velocity Sensitivity", "2"),
            ("OP6 Output Level", "82"),
            ("OP3 Output Level", "99"),
            ("OP2 Output Level", "86"),
            ("Pitch EG Rate 1", "84"),
            ("Algorithm", "22"),
            ("Feedback", "7"),
            ("LFO Speed", "37"),
            ("LFO Pitch Mod Depth", "5"),
            ("LFO Key Sync", "Off"),
            ("LFO Waveform", "Sine"),
            ("Transpose", "C3"),
            ("Voice Name", "\"BRASS   1\""),
        ],
    );
    let mut data = dx7_brass_1();
    data[2 * 21 + 20] = 9; // OP4 detune +2
    data[3 * 21 + 16] = 87; // OP3 output level
    let edited = message("yamaha-dx7", "voice", &data);
    let changes: Vec<String> = test_registry()
        .param_changes(&brass, &edited)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(changes, ["OP4 Detune 0 → +2", "OP3 Output Level 99 → 87"]);
}

#[test]
fn dx7_bank_slots_use_the_voice_map() {
    let d = test_registry().get("yamaha-dx7").unwrap();
    let voices: Vec<Vec<u8>> = (0..32)
        .map(|i| {
            let data = if i == 1 {
                dx7_brass_1()
            } else {
                dx7_init_voice()
            };
            message("yamaha-dx7", "voice", &data)
        })
        .collect();
    let bank = d.build_bank("bank", &voices).unwrap();
    let params = test_registry().params(&bank).unwrap();
    assert_eq!(params.len(), 32 * 146);
    let get = |name: &str| {
        params
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.display.clone())
    };
    assert_eq!(get("Slot 2: Algorithm").as_deref(), Some("22"));
    assert_eq!(get("Slot 2: OP6 Output Level").as_deref(), Some("82"));
    assert_eq!(
        get("Slot 32: Voice Name").as_deref(),
        Some("\"INIT VOICE\"")
    );
}

// ---------------------------------------------------------------------------------------------
// Yamaha TX81Z / DX21: the initialised voice of Edisyn's Yamaha4Op.init (values written out).

#[test]
fn tx81z_map_reads_the_init_voice() {
    covers_every_byte("yamaha-4op", "voice", 93);
    let mut d = Vec::new();
    for out in [0, 0, 0, 90] {
        // OP4, OP2, OP3, OP1: AR 31, D1R 31, D2R 0, RR 15, D1L 15, ..., coarse 4, detune 3.
        d.extend([31, 31, 0, 15, 15, 0, 0, 0, 0, 0, out, 4, 3]);
    }
    d.extend([
        0, 0, 35, 0, 0, 0, 0, 2, 6, 0, 24, 0, 4, 0, 0, 40, 1, 0, 0, 50, 0, 0, 0, 50, 0,
    ]);
    d.extend(b"INIT VOICE");
    d.extend([0; 6]);
    let map = shown(&message("yamaha-4op", "voice", &d));
    assert_eq!(map.len(), 4 * 13 + 25 + 1 + 6);
    expect(
        &map,
        &[
            ("OP1 Output Level", "90"),
            ("OP4 Output Level", "0"),
            ("OP2 Attack Rate", "31"),
            ("OP3 Release Rate", "15"),
            ("OP1 Frequency Coarse", "4"),
            ("OP1 Detune", "0"),
            ("Algorithm", "1"),
            ("LFO Speed", "35"),
            ("LFO Wave", "Triangle"),
            ("Pitch Mod Sensitivity", "6"),
            ("Transpose", "0"),
            ("Poly/Mono", "Poly"),
            ("Pitch Bend Range", "4"),
            ("Portamento Mode", "Full Time"),
            ("Foot Volume", "40"),
            ("Sustain", "On"),
            ("Mod Wheel Pitch", "50"),
            ("Breath Pitch Bias", "0"),
            ("Voice Name", "\"INIT VOICE\""),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Roland Juno-106: factory patches A11 "Brass Set 1" and A21 "Organ I" (the 18 data bytes of
// the factory set, as AMY's juno.py lists them).

#[test]
fn juno_106_map_reads_factory_patches() {
    covers_every_byte("roland-juno-106", "patch", 18);
    let brass = [
        20, 49, 0, 102, 0, 35, 13, 58, 0, 86, 108, 3, 49, 45, 32, 0, 81, 17,
    ];
    let map = shown(&message("roland-juno-106", "patch", &brass));
    expect(
        &map,
        &[
            ("LFO Rate", "20"),
            ("DCO PWM", "102"),
            ("VCF Freq", "35"),
            ("VCF Env", "58"),
            ("VCA Level", "108"),
            ("ENV R", "32"),
            ("DCO Range 16'", "On"),
            ("DCO Range 8'", "Off"),
            ("DCO Pulse", "Off"),
            ("DCO Saw", "On"),
            ("Chorus", "On"),
            ("Chorus Level", "I"),
            ("PWM Source", "Manual"),
            ("VCA Mode", "Env"),
            ("HPF", "1"),
        ],
    );
    let organ = [
        54, 15, 0, 53, 0, 43, 76, 14, 1, 127, 100, 0, 10, 82, 0, 23, 41, 28,
    ];
    // A manual-mode dump (its header leaves byte 4 open, so it is written out here).
    let manual = [&[0xF0, 0x41, 0x31, 0x00, 0x00][..], &organ, &[0xF7]].concat();
    let map = shown(&manual);
    expect(
        &map,
        &[
            ("DCO Range 16'", "On"),
            ("DCO Pulse", "On"),
            ("DCO Saw", "Off"),
            ("Chorus", "Off"),
            ("PWM Source", "LFO"),
            ("VCF Env Polarity", "+"),
            ("VCA Mode", "Gate"),
            ("HPF", "0"),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Oberheim Matrix-1000: the init patch Edisyn ships (OberheimMatrix1000.init), its 134 bytes
// written out as values.

#[test]
fn matrix_1000_map_reads_the_init_patch() {
    covers_every_byte("oberheim-matrix-1000", "single", 134);
    let mut d = vec![21, 14, 20, 9, 20, 12, 5, 4]; // "UNTITLED" in 6-bit characters
    d.extend([0, 0, 31, 31, 3, 2, 0, 31, 24, 3, 1, 2, 31, 0, 0, 2, 0, 0]); // 8-25
    d.extend([55, 0, 0, 2, 0, 63, 0, 0, 0]); // 26-34: VCF, VCA, portamento
    d.extend([40, 0, 0, 0, 0, 9, 0, 30, 0, 0, 0, 0, 9, 0]); // LFO 1 and 2
    d.extend([0, 0, 0, 10, 50, 10, 40, 0, 0, 0, 0, 0, 10, 50, 10, 40, 0, 0]); // Env 1 and 2
    d.extend([0, 0, 0, 20, 0, 20, 40, 0, 0]); // Env 3
    d.extend([9, 0, 15, 31, 47, 63, 0, 0, 0, 0]); // tracking, ramps
    d.extend([0, 0, 0, 0, 42, 0, 0, 63, 63, 63, 63, 63, 63, 0, 0, 0, 0, 0]); // fixed mods
    d.extend([17, 0, 16, 17, 0, 21, 11, 0, 9, 20, 0, 8]); // matrix 1-4
    d.resize(134, 0);
    let mut msg = message("oberheim-matrix-1000", "single", &d);
    let map = shown(&msg);
    expect(
        &map,
        &[
            ("Name", "\"UNTITLED\""),
            ("Keyboard Mode", "Reassign"),
            ("DCO 1 Wave Shape", "31"),
            ("DCO 1 Bend", "On"),
            ("DCO 1 Wave", "On"),
            ("DCO 1 Pulse", "Off"),
            ("DCO 2 Pulse", "On"),
            ("DCO 2 Detune", "+2"),
            ("DCO 2 Key Tracking", "On"),
            ("VCF Frequency", "55"),
            ("VCA 1", "63"),
            ("LFO 1 Speed", "40"),
            ("LFO 2 Speed", "30"),
            ("LFO 1 Sampled Source", "Keyboard"),
            ("Env 1 Sustain", "50"),
            ("Env 3 Decay", "20"),
            ("Tracking Source", "Keyboard"),
            ("Tracking Point 5", "63"),
            ("VCF Frequency by Env 1", "+42"),
            ("Mod 1 Source", "Pedal 2"),
            ("Mod 1 Destination", "Env 1 Release"),
            ("Mod 2 Destination", "Env 2 Release"),
            ("Mod 4 Destination", "VCF FM"),
            ("Mod 10 Source", "None"),
        ],
    );
    // A negative amount: two's complement in the byte.
    d[105] = 0xC1; // -63
    msg = message("oberheim-matrix-1000", "edit-buffer", &d);
    assert_eq!(shown(&msg)["Mod 1 Amount"], "-63");
}

// ---------------------------------------------------------------------------------------------
// Sequential Prophet '08: "Basic Patch", the program Edisyn ships (DSIProphet08.init), both
// layers the same: its first 120 unpacked bytes written out as values.

#[test]
fn prophet_08_map_reads_the_basic_patch() {
    #[rustfmt::skip]
    let layer: [u8; 102] = [
        24, 49, 1, 0, 1, 24, 51, 1, 0, 1, 0, 0, 2, 64, 0, 148, 0, 0, 0, 1,
        127, 0, 0, 0, 0, 0, 0, 0, 0, 127, 127, 0, 0, 0, 64, 64, 64, 80, 0, 0,
        0, 0, 80, 0, 0, 0, 0, 80, 0, 0, 0, 0, 80, 0, 0, 0, 0, 0, 127, 0,
        0, 0, 0, 0, 0, 0, 127, 0, 0, 127, 0, 0, 127, 0, 0, 127, 0, 0, 0, 0,
        0, 127, 0, 127, 0, 127, 0, 127, 0, 127, 0, 120, 2, 4, 0, 2, 0, 0, 0, 0,
        0, 0,
    ];
    let mut d = vec![0u8; 384];
    d[..102].copy_from_slice(&layer);
    d[200..302].copy_from_slice(&layer);
    d[118] = 60;
    d[184..200].copy_from_slice(b"Basic Patch     ");
    d[250] = 3; // layer B: LFO 3 to both oscillators
    let map = shown(&message("sequential-prophet-08", "program", &d));
    expect(
        &map,
        &[
            ("Name", "\"Basic Patch\""),
            ("A Osc 1 Frequency", "C2"),
            ("A Osc 1 Fine Tune", "-1"),
            ("A Osc 2 Fine Tune", "+1"),
            ("A Osc 1 Shape", "1"),
            ("A Osc 1 Keyboard", "On"),
            ("A Osc Slop", "2"),
            ("A Osc Mix", "64"),
            ("A Filter Frequency", "148"),
            ("A Filter Poles", "4-Pole"),
            ("A Filter Env Amount", "0"),
            ("A Amp Env Amount", "127"),
            ("A Amp Env Release", "64"),
            ("A LFO 1 Frequency", "80"),
            ("A LFO 1 Shape", "Triangle"),
            ("A LFO 1 Destination", "Off"),
            ("A Mod 1 Amount", "0"),
            ("A BPM", "120"),
            ("A Clock Divide", "8th Note"),
            ("A Pitch Bend Range", "4"),
            ("A Unison Mode", "All Voices Detune 1"),
            ("A Key Mode", "Low Note"),
            ("Split Point", "60"),
            ("Keyboard Mode", "Normal"),
            ("B Osc 2 Frequency", "C2"),
            ("B LFO 3 Destination", "Osc 1&2 Freq"),
            ("B Seq Track 4 Step 16", "0"),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Kawai K1: "Init Patch", the single Edisyn ships (KawaiK1.init), written out as values.

#[test]
fn k1_map_reads_the_init_single_and_a_block() {
    #[rustfmt::skip]
    let mut d: Vec<u8> = vec![
        50, 1, 50, 50, 50, 2, 0, 32, 50, 0, 50, 50, 0, // 10-22
        50, 50, 50, 50, 84, 84, 84, 84, 0, 0, 0, 0, 2, 2, 2, 2, // 23-38
        50, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 20, 0, 0, 0, 100, 0, 0, 0, 20, 0, 0, 0, // 39-62
    ];
    d.splice(0..0, b"Init Patch".iter().copied());
    d.resize(87, 50); // 63-86: the modulation amounts, all centred
    let sum = d.iter().fold(0xA5u8, |a, &b| a.wrapping_add(b));
    d.push(sum & 0x7F); // the single's checksum
    let map = shown(&message("kawai-k1", "single", &d));
    expect(
        &map,
        &[
            ("Name", "\"Init Patch\""),
            ("Volume", "50"),
            ("Poly Mode", "Poly 2"),
            ("Sources", "2"),
            ("Pitch Bend Range", "2"),
            ("Vibrato Shape", "Triangle"),
            ("Mod Wheel", "Vibrato Speed"),
            ("S1 Fine", "0"),
            ("S3 Coarse / Fixed Key", "84"),
            ("S1 Wave", "1"),
            ("S2 Key Track", "On"),
            ("S1 Envelope Level", "50"),
            ("S2 Envelope Level", "0"),
            ("S1 Envelope Sustain", "100"),
            ("S4 Pitch by Key Scaling", "0"),
        ],
    );
    // Wave 256: the top bit lives in the key-track byte.
    d[31] = 0x7F;
    d[35] |= 1;
    let sum = d[..87].iter().fold(0xA5u8, |a, &b| a.wrapping_add(b));
    d[87] = sum & 0x7F;
    let single = message("kawai-k1", "single", &d);
    assert_eq!(shown(&single)["S1 Wave"], "256");
    // A block of 32 singles names each slot's parameters.
    let block: Vec<u8> = [
        &[0xF0, 0x40, 0x00, 0x21, 0x00, 0x03, 0x00, 0x00][..],
        &d.repeat(32),
        &[0xF7],
    ]
    .concat();
    let params = test_registry().params(&block).unwrap();
    let s32 = params
        .iter()
        .find(|p| p.name == "Slot 32: S1 Wave")
        .unwrap();
    assert_eq!(s32.display, "256");
}

// ---------------------------------------------------------------------------------------------
// Roland D-50: the patch block of the temporary area, as a DT1 at 00 03 00 (values from the
// D50 MIDI Implementation Guide's patch table; the name in the D-50's character table).

#[test]
fn d50_map_reads_the_patch_block() {
    let mut block = vec![0u8; 37];
    // "Fantasia" in the D-50 table: F=6, a=27, n=40, t=46, s=45, i=35.
    block[..8].copy_from_slice(&[6, 27, 40, 46, 27, 45, 35, 27]);
    block[20] = 2; // portamento UL
    block[21] = 0; // hold U
    block[22] = 36; // upper key shift +12
    block[34] = 1; // chase ULL
    let mut msg = vec![0xF0, 0x41, 0x00, 0x14, 0x12, 0x00, 0x03, 0x00];
    msg.extend(&block);
    let sum: u32 = msg[5..].iter().map(|&b| u32::from(b)).sum();
    msg.push(((128 - sum % 128) % 128) as u8);
    msg.push(0xF7);
    let map = shown(&msg);
    expect(
        &map,
        &[
            ("Patch Name", "\"Fantasia\""),
            ("Portamento Mode", "UL"),
            ("Hold Mode", "U"),
            ("Upper Tone Key Shift", "+12"),
            ("Chase Mode", "ULL"),
        ],
    );
    // A DT1 to another block has no map: its changes are shown as bytes.
    msg[6] = 0x01;
    assert_eq!(test_registry().params(&msg), None);
}
