//! The Waldorf Blofeld and Korg MS2000 parameter maps, read against patches whose values are
//! known (an editor's init sound, factory programs), built here as values.

use super::map_tests::{expect, message, shown};
use super::test_registry;

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
    // A change in a byte no parameter reads (byte 0, left out of the map) must not hide behind
    // a list of parameters: the caller shows the bytes instead.
    let mut unmapped = data.clone();
    unmapped[78] = 90;
    unmapped[0] ^= 1;
    assert_eq!(
        test_registry().param_changes(&init, &message("waldorf-blofeld", "edit-buffer", &unmapped)),
        None,
        "an unmapped change falls back to the bytes"
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
