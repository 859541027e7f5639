//! The shipped parameter maps, each read against a patch whose values are published: the
//! patch bytes are built here from those values (no dump file is copied), and the map must
//! give back the values as the synth or its manual shows them.

use super::params::ParamValue;
use super::{test_registry, Fields};
use std::collections::HashMap;

/// The map's values by parameter name, as shown.
fn shown(msg: &[u8]) -> HashMap<String, String> {
    let params: Vec<ParamValue> = test_registry().params(msg).expect("a parameter map");
    let n = params.len();
    let map: HashMap<String, String> = params.into_iter().map(|p| (p.name, p.display)).collect();
    assert_eq!(map.len(), n, "names are unique");
    map
}

/// Asserts each (name, shown value) pair.
fn expect(map: &HashMap<String, String>, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        assert_eq!(
            map.get(*name).map(String::as_str),
            Some(*value),
            "parameter `{name}`"
        );
    }
}

/// Builds message `id` of definition `def` around decoded `data` (channel 1, program 0).
fn message(def: &str, id: &str, data: &[u8]) -> Vec<u8> {
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

// ---------------------------------------------------------------------------------------------
// Waldorf Blofeld: the init sound of the kasparsj/Blofeld SuperCollider library
// (BlofeldSound.initData, 383 bytes), written out as values; the map's offsets and lists agree
// with Edisyn's WaldorfBlofeld.

#[rustfmt::skip]
fn blofeld_init_sound() -> Vec<u8> {
    let mut d: Vec<u8> = vec![
        1, 64, 64, 64, 66, 96, 0, 0, 2, 127, 1, 64, 0, 0, 0, 0, 0, 64, 64, 64, 66, // 0-20
        96, 0, 0, 0, 127, 3, 64, 0, 0, 0, 0, 0, 52, 64, 64, 66, 96, 0, 0, 0, 127, // 21-41
        5, 64, 0, 0, 0, 0, 0, 0, 2, 64, 0, 0, 0, 0, 0, 20, 0, 0, 0, 127, 0, 127, // 42-63
        0, 127, 0, 0, 0, 64, 0, 0, 0, 0, 1, 0, 0, 1, 127, 64, 0, 0, 0, 0, 0, 0, // 64-85
        64, 64, 64, 1, 64, 0, 0, 64, 1, 64, 0, 0, 127, 64, 0, 0, 0, 0, 0, 0, 64, // 86-106
        64, 64, 0, 64, 0, 0, 64, 3, 64, 0, 0, 3, 0, 0, 127, 114, 5, 64, 0, 0, 0, // 107-127
        1, 0, 20, 64, 64, 0, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 8, // 128-144
        0, 53, 64, 100, 0, 64, 100, 0, 100, 110, 0, 15, 64, 127, 127, 0, 50, 64, // 145-162
        0, 0, 0, 0, 64, 0, 0, 64, 0, 0, 40, 64, 0, 0, 0, 0, 64, 0, 0, 64, 0, 0, // 163-184
        30, 64, 0, 0, 0, 0, 64, 0, 0, 64, 1, 0, 64, 0, 0, 127, 50, 0, 0, 127, 0, // 185-205
        0, 0, 0, 64, 0, 0, 127, 52, 127, 0, 127, 0, 0, 0, 0, 64, 0, 0, 64, 64, 64, // 206-226
        64, 64, 64, 0, 0, 0, 64, 0, 0, 64, 64, 64, 64, 64, 64, 0, 0, 1, 0, 0, 0, // 227-247
        64, 0, 0, 0, 64, 0, 0, 0, 64, 0, 0, 0, 64, 1, 1, 64, 0, 0, 64, 0, 0, 64, // 248-269
        0, 0, 64, 0, 0, 64, 0, 0, 64, 0, 0, 64, 0, 0, 64, 0, 0, 64, 0, 0, 64, 0, // 270-291
        0, 64, 0, 0, 64, 0, 0, 64, 0, 0, 64, 0, 0, 64, 0, 0, 64, 16, 100, 0, 0, // 292-312
        15, 8, 5, 0, 0, 0, 1, 12, 0, 0, 15, 0, 0, 55, // 313-326
    ];
    d.extend([4; 16]); // 327-342: arpeggiator steps
    d.extend([68; 16]); // 343-358: arpeggiator step timing and length
    d.extend([0, 0, 0, 0]);
    d.extend(b"Init            ");
    d.extend([0, 0, 0, 0]); // category Init, 380-382
    d
}

#[test]
fn blofeld_map_reads_the_init_sound_and_names_what_changed() {
    let data = blofeld_init_sound();
    assert_eq!(data.len(), 383);
    let init = message("waldorf-blofeld", "sound", &data);
    let map = shown(&init);
    // 3 x 11 oscillator, 2 shapes, 3 x 2 mixer, 2 x 15 filter, 3 x 7 LFO, 4 x 9 envelope,
    // 4 x 4 modifier, 16 x 3 modulation and 31 single parameters.
    assert_eq!(map.len(), 33 + 2 + 6 + 30 + 21 + 36 + 16 + 48 + 31);
    expect(
        &map,
        &[
            ("Name", "\"Init\""),
            ("Category", "Init"),
            ("Osc 1 Octave", "8'"),
            ("Osc 3 Octave", "16'"),
            ("Osc 1 Semitone", "0"),
            ("Osc 1 Detune", "0"),
            ("Osc 1 Bend Range", "+2"),
            ("Osc 1 Keytrack", "+100%"),
            ("Osc 1 Shape", "Saw"),
            ("Osc 2 Shape", "Off"),
            ("Osc 3 Shape", "Off"),
            ("Osc 1 Pulsewidth", "127"),
            ("Osc 1 PWM Source", "LFO 1"),
            ("Osc 2 PWM Source", "LFO 2"),
            ("Osc 1 FM Source", "Off"),
            ("Osc 1 Level", "127"),
            ("Osc 1 Balance", "F1 64"),
            ("Glide", "Off"),
            ("Glide Rate", "20"),
            ("Allocation", "Poly"),
            ("Unisono", "Off"),
            ("Filter 1 Type", "LP 24dB"),
            ("Filter 2 Type", "Bypass"),
            ("Filter 1 Cutoff", "127"),
            ("Filter 1 Keytrack", "0%"),
            ("Filter 1 Env Amount", "0"),
            ("Filter 1 Drive Curve", "Clipping"),
            ("Filter 1 Pan", "Centre"),
            ("Filter Routing", "Parallel"),
            ("Amp Volume", "127"),
            ("Amp Velocity", "+50"),
            ("Effect 1 Type", "Chorus"),
            ("Effect 2 Type", "Reverb"),
            ("LFO 1 Shape", "Sine"),
            ("LFO 1 Speed", "50"),
            ("LFO 2 Speed", "40"),
            ("LFO 3 Speed", "30"),
            ("LFO 1 Fade", "0"),
            ("Filter Env Mode", "ADSR"),
            ("Filter Env Trigger", "Normal"),
            ("Filter Env Decay", "50"),
            ("Filter Env Sustain", "0"),
            ("Filter Env Sustain 2", "127"),
            ("Amp Env Decay", "52"),
            ("Amp Env Sustain", "127"),
            ("Modifier 1 Source B", "Constant"),
            ("Modifier 1 Operation", "+"),
            ("Mod 1 Source", "LFO 1"),
            ("Mod 1 Destination", "Osc 1 Pitch"),
            ("Mod 1 Amount", "0"),
            ("Mod 2 Source", "Off"),
            ("Arp Mode", "Off"),
            ("Arp Velocity", "First Note"),
        ],
    );
    let mut edited = data.clone();
    edited[78] = 90; // filter 1 cutoff
    edited[58] = 0x21; // mono, unisono 3
    edited[208] = 0x21; // amp envelope: ADS1DS2R, single trigger
    let changes: Vec<String> = test_registry()
        .param_changes(&init, &message("waldorf-blofeld", "edit-buffer", &edited))
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        changes,
        [
            "Filter 1 Cutoff 127 → 90",
            "Amp Env Mode ADSR → ADS1DS2R",
            "Amp Env Trigger Normal → Single",
            "Allocation Poly → Mono",
            "Unisono Off → 3",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Korg MS2000: factory programs A01 "Stab Saw" (single) and H09 "Vocoder Ens" (vocoder), their
// unpacked bytes as the factory bank holds them (mlazarev/midi FactoryBanks.syx), written out as
// values; the repository's factory_banks.json decodes the checked common and timbre values the
// same way.

#[rustfmt::skip]
const MS2000_STAB_SAW: [u8; 254] = [
    83, 116, 97, 98, 32, 83, 97, 119, 32, 32, 32, 32, 1, 0, 0, 0, 64, 0, 60, 0,
    68, 22, 0, 35, 16, 0, 22, 69, 15, 68, 0, 140, 65, 18, 60, 1, 0, 0, 255, 112,
    10, 61, 66, 64, 68, 0, 0, 0, 0, 0, 0, 64, 70, 0, 120, 108, 0, 0, 33, 25,
    106, 79, 76, 127, 64, 0, 80, 44, 0, 117, 0, 56, 0, 12, 100, 17, 35, 30, 3, 2,
    71, 12, 81, 127, 98, 84, 19, 65, 18, 66, 67, 241, 1, 1, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 0, 1, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 0, 1, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 255, 112, 10, 64, 66, 64, 69, 0, 0, 0, 0, 0, 0, 64,
    64, 0, 127, 0, 0, 1, 127, 10, 64, 64, 64, 127, 64, 0, 64, 64, 0, 64, 127, 0,
    0, 64, 127, 0, 2, 10, 3, 2, 70, 12, 2, 64, 3, 64, 66, 64, 67, 64, 67, 241,
    1, 1, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 0, 1,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 0, 1, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
];

/// H09's first 116 bytes: the common part and the vocoder data (the rest is unused, zero).
#[rustfmt::skip]
const MS2000_VOCODER_ENS: [u8; 116] = [
    86, 111, 99, 111, 100, 101, 114, 32, 69, 110, 115, 32, 1, 10, 0, 0, 112, 0, 60, 0,
    55, 32, 1, 27, 30, 0, 0, 70, 24, 71, 0, 120, 1, 2, 80, 3, 0, 0, 255, 112,
    10, 64, 66, 64, 69, 0, 0, 119, 0, 0, 1, 0, 0, 127, 0, 40, 64, 100, 30, 0,
    64, 20, 2, 64, 50, 127, 0, 0, 64, 64, 0, 64, 127, 0, 0, 64, 127, 45, 2, 38,
    11, 2, 70, 2, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127,
    64, 49, 79, 1, 127, 43, 92, 49, 77, 38, 89, 1, 125, 55, 74, 64,
];

#[test]
fn ms2000_map_reads_a_single_program() {
    let a01 = message("korg-ms2000", "current", &MS2000_STAB_SAW);
    let map = shown(&a01);
    // 28 common parameters and 2 x 125 timbre parameters.
    assert_eq!(map.len(), 28 + 2 * 125);
    assert!(map.values().all(|v| !v.contains("outside")), "{map:?}");
    expect(
        &map,
        &[
            ("Name", "\"Stab Saw\""),
            ("Voice Mode", "Single"),
            ("Timbre Voice", "2+2"),
            ("Scale Type", "Equal Temp"),
            ("Scale Key", "C"),
            ("Split Point", "C4"),
            ("Delay Tempo Sync", "Off"),
            ("Delay Time", "68"),
            ("Delay Depth", "22"),
            ("Delay Type", "Stereo Delay"),
            ("Mod FX LFO Speed", "35"),
            ("Mod FX Depth", "16"),
            ("Mod FX Type", "Chorus/Flanger"),
            ("EQ High Freq", "8.00 kHz"),
            ("EQ High Gain", "+5"),
            ("EQ Low Freq", "320 Hz"),
            ("EQ Low Gain", "+4"),
            ("Arp Tempo", "140"),
            ("Arp On/Off", "Off"),
            ("Arp Latch", "On"),
            ("Arp Target", "Both"),
            ("Arp Key Sync", "On"),
            ("Arp Type", "Alt1"),
            ("Arp Range", "2 Octaves"),
            ("Arp Gate Time", "60"),
            ("Arp Resolution", "1/16"),
            ("Arp Swing", "0"),
            ("Timbre 1 MIDI Channel", "Global"),
            ("Timbre 1 Voice Assign", "Poly"),
            ("Timbre 1 OSC1 Wave", "Saw"),
            ("Timbre 1 OSC1 DWGS Wave", "1"),
            ("Timbre 1 OSC2 Wave", "Saw"),
            ("Timbre 1 OSC2 Mod", "Off"),
            ("Timbre 1 OSC2 Semitone", "0"),
            ("Timbre 1 OSC2 Tune", "+6"),
            ("Timbre 1 OSC1 Level", "120"),
            ("Timbre 1 OSC2 Level", "108"),
            ("Timbre 1 Filter Type", "24dB LPF"),
            ("Timbre 1 Filter Cutoff", "33"),
            ("Timbre 1 Filter Resonance", "25"),
            ("Timbre 1 Filter EG1 Intensity", "+42"),
            ("Timbre 1 Filter Velocity Sense", "+15"),
            ("Timbre 1 Filter Keyboard Track", "+12"),
            ("Timbre 1 Amp Level", "127"),
            ("Timbre 1 Amp Panpot", "Centre"),
            ("Timbre 1 Amp Switch", "EG2"),
            ("Timbre 1 Distortion", "Off"),
            ("Timbre 1 Amp Velocity Sense", "+16"),
            ("Timbre 1 Amp Keyboard Track", "-20"),
            ("Timbre 1 EG1 Decay", "117"),
            ("Timbre 1 EG1 Release", "56"),
            ("Timbre 1 EG2 Sustain", "100"),
            ("Timbre 1 LFO1 Wave", "S/H"),
            ("Timbre 1 LFO1 Frequency", "30"),
            ("Timbre 1 LFO2 Wave", "Sine"),
            ("Timbre 1 LFO2 Frequency", "71"),
            ("Timbre 1 LFO2 Tempo Sync", "Off"),
            ("Timbre 1 Patch1 Source", "EG2"),
            ("Timbre 1 Patch1 Intensity", "+63"),
            ("Timbre 1 Patch2 Source", "LFO1"),
            ("Timbre 1 Patch2 Intensity", "+20"),
            ("Timbre 1 Patch3 Source", "LFO2"),
            ("Timbre 1 Patch3 Destination", "OSC2 Pitch"),
            ("Timbre 1 SEQ1 Knob", "Pitch"),
            ("Timbre 1 SEQ1 Step 16", "0"),
            ("Timbre 2 Filter Type", "12dB LPF"),
            ("Timbre 2 Filter Cutoff", "127"),
        ],
    );
    // A swing below zero and a tempo past 255 (two bytes).
    let mut edited = MS2000_STAB_SAW;
    edited[36] = (-25i8) as u8;
    edited[30..32].copy_from_slice(&[1, 44]); // 300 BPM
    edited[38 + 20] = 90; // timbre 1 cutoff
    let changes: Vec<String> = test_registry()
        .param_changes(&a01, &message("korg-ms2000", "current", &edited))
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        changes,
        [
            "Arp Tempo 140 → 300",
            "Arp Swing 0 → -25",
            "Timbre 1 Filter Cutoff 33 → 90",
        ]
    );
}

#[test]
fn ms2000_map_reads_a_vocoder_program_as_vocoder_data() {
    let mut data = MS2000_VOCODER_ENS.to_vec();
    data.resize(254, 0);
    let h09 = message("korg-ms2000", "current", &data);
    let map = shown(&h09);
    // 28 common parameters and 84 vocoder parameters; no timbre.
    assert_eq!(map.len(), 28 + 84);
    assert!(map
        .keys()
        .all(|k| !k.starts_with("Timbre 1 ") && !k.starts_with("Timbre 2 ")));
    assert!(map.values().all(|v| !v.contains("outside")), "{map:?}");
    expect(
        &map,
        &[
            ("Name", "\"Vocoder Ens\""),
            ("Voice Mode", "Vocoder"),
            ("Delay Type", "Cross Delay"),
            ("EQ High Freq", "1.00 kHz"),
            ("EQ High Gain", "+6"),
            ("EQ Low Freq", "500 Hz"),
            ("EQ Low Gain", "+7"),
            ("Arp Tempo", "120"),
            ("Arp Range", "1 Octave"),
            ("Vocoder OSC1 Wave", "Saw"),
            ("Vocoder OSC1 Control 2", "119"),
            ("Vocoder HPF Gate", "Enabled"),
            ("Vocoder OSC1 Level", "127"),
            ("Vocoder Noise Level", "40"),
            ("Vocoder Gate Sense", "100"),
            ("Vocoder Formant Shift", "0"),
            ("Vocoder Filter Cutoff", "0"),
            ("Vocoder Filter Mod Source", "LFO1"),
            ("Vocoder EG2 Release", "45"),
            ("Vocoder LFO1 Wave", "Triangle"),
            ("Vocoder LFO1 Sync Note", "1/12"),
            ("Vocoder Channel 1 Level", "127"),
            ("Vocoder Channel 1 Pan", "Centre"),
            ("Vocoder Channel 2 Pan", "L15"),
            ("Vocoder Channel 4 Pan", "L63"),
            ("Vocoder Channel 5 Pan", "R63"),
        ],
    );
    // A single program and a vocoder program have different maps: the bytes tell.
    let a01 = message("korg-ms2000", "current", &MS2000_STAB_SAW);
    assert_eq!(test_registry().param_changes(&a01, &h09), None);
    // A bank's slots take the map of their own voice mode.
    let bank: Vec<u8> = (0..128)
        .flat_map(|i| {
            if i == 127 {
                data.clone()
            } else {
                MS2000_STAB_SAW.to_vec()
            }
        })
        .collect();
    let params = test_registry()
        .params(&message("korg-ms2000", "programs", &bank))
        .unwrap();
    assert_eq!(params.len(), 127 * (28 + 250) + 28 + 84);
    let get = |name: &str| {
        params
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.display.as_str())
    };
    assert_eq!(get("Slot 128: Voice Mode"), Some("Vocoder"));
    assert_eq!(get("Slot 128: Vocoder Channel 2 Pan"), Some("L15"));
    assert_eq!(get("Slot 1: Timbre 1 Filter Cutoff"), Some("33"));
}
