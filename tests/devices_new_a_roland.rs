//! Device definitions added for issue 23 (first half), Roland: JP-8000 / JP-8080, JX-10 / MKS-70,
//! JX-8P, JV-80 family, XV-3080 / XV-5080, U-20 / U-220 and JD-800. Fixtures built byte by byte from the published
//! formats (docs/research/new-synths-a.md), with synthetic parameter values and names.

mod fixture;

use fixture::*;
use sysex_vault::devices::{group_by_program, Fields, MessageKind};

/// A Roland DT1-style message: header, address, data, checksum over address + data, F7.
fn roland(head: &[u8], address: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = head.to_vec();
    m.extend(address);
    m.extend(data);
    m.push(twos(&m[head.len()..]));
    m.push(0xF7);
    m
}

fn fields(channel: Option<u8>, device: Option<u8>, program: Option<u16>) -> Fields {
    Fields {
        channel,
        device,
        program,
        ..Fields::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Roland JP-8000 / JP-8080

const JP: [u8; 6] = [0xF0, 0x41, 0x10, 0x00, 0x06, 0x12];

/// A JP-8080 patch (248 bytes): the 16-character name, then parameter values.
fn jp_patch(name: &str, seed: usize) -> Vec<u8> {
    let mut p = padded(name, 16);
    p.extend(params(232, seed));
    p
}

#[test]
fn jp8080_temporary_patches_and_performance() {
    let upper = roland(
        &JP,
        &[0x01, 0x00, 0x40, 0x00],
        &jp_patch("Super Saw Lead", 2),
    );
    assert_eq!(upper.len(), 260);
    let id = ("roland-jp8080", "temporary-upper");
    check(
        &upper,
        id,
        MessageKind::EditBuffer,
        &["Super Saw Lead"],
        None,
        Some(true),
    );
    bad_checksum_is_caught_and_fixable(&upper, 100);
    let lower = roland(&JP, &[0x01, 0x00, 0x42, 0x00], &jp_patch("Deep Bass", 5));
    let id = ("roland-jp8080", "temporary-lower");
    check(
        &lower,
        id,
        MessageKind::EditBuffer,
        &["Deep Bass"],
        None,
        Some(true),
    );
    let mut common = padded("First Perform", 16);
    common.extend(params(21, 1));
    let common = roland(&JP, &[0x01, 0x00, 0x00, 0x00], &common);
    assert_eq!(common.len(), 49);
    let id = ("roland-jp8080", "temporary-common");
    check(
        &common,
        id,
        MessageKind::EditBuffer,
        &["First Perform"],
        None,
        Some(true),
    );
    // A model-ID-16 or generic Roland definition never claims it.
    assert_eq!(recognised(&upper).definition, "roland-jp8080");
}

#[test]
fn jp8080_user_patches_and_performances() {
    // User patch B12 (66th): address 02 01 02 00, sent as 242 bytes, then 6 at 02 01 03 72.
    let patch = jp_patch("Trance Gate", 11);
    let first = roland(&JP, &[0x02, 0x01, 0x02, 0x00], &patch[..242]);
    let second = roland(&JP, &[0x02, 0x01, 0x03, 0x72], &patch[242..]);
    assert_eq!((first.len(), second.len()), (254, 18));
    let id = ("roland-jp8080", "user-patch");
    check(
        &first,
        id,
        MessageKind::SinglePreset,
        &["Trance Gate"],
        None,
        Some(true),
    );
    check(
        &second,
        ("roland-jp8080", "dt1"),
        MessageKind::Data,
        &[],
        None,
        Some(true),
    );
    bad_checksum_is_caught_and_fixable(&second, 12);

    // User performance 13 (U:25, number 12): every block carries the number.
    let mut common = padded("Split Strings", 16);
    common.extend(params(21, 4));
    let perf = vec![
        roland(&JP, &[0x03, 12, 0x00, 0x00], &common),
        roland(&JP, &[0x03, 12, 0x08, 0x00], &params(41, 2)),
        roland(&JP, &[0x03, 12, 0x40, 0x00], &jp_patch("Upper", 3)[..242]),
    ];
    let id = ("roland-jp8080", "user-performance");
    check(
        &perf[0],
        id,
        MessageKind::SinglePreset,
        &["Split Strings"],
        Some(12),
        Some(true),
    );
    let id = ("roland-jp8080", "user-performance-block");
    check(&perf[1], id, MessageKind::Data, &[], Some(12), Some(true));
    check(&perf[2], id, MessageKind::Data, &[], Some(12), Some(true));
    assert_eq!(group_by_program(reg(), &perf).unwrap(), vec![perf.clone()]);
}

#[test]
fn jp8080_requests_and_identity() {
    // The manual's example: performance USER:13 lower patch, 03 02 42 00, size 00 00 01 78.
    let rq1 = roland(
        &[0xF0, 0x41, 0x10, 0x00, 0x06, 0x11],
        &[0x03, 0x02, 0x42, 0x00],
        &[0x00, 0x00, 0x01, 0x78],
    );
    let id = ("roland-jp8080", "rq1");
    check(&rq1, id, MessageKind::Request, &[], None, Some(true));
    let perf = request(
        "roland-jp8080",
        "user-performance",
        fields(None, None, Some(2)),
    );
    assert_eq!(perf.len(), 6);
    assert_eq!(perf[5], rq1);
    let rq = |a: [u8; 4], s: [u8; 4]| roland(&[0xF0, 0x41, 0x11, 0x00, 0x06, 0x11], &a, &s);
    assert_eq!(
        request(
            "roland-jp8080",
            "temporary-performance",
            fields(None, Some(0x11), None)
        ),
        vec![
            rq([1, 0, 0, 0], [0, 0, 0, 0x25]),
            rq([1, 0, 0x08, 0], [0, 0, 0, 0x29]),
            rq([1, 0, 0x10, 0], [0, 0, 0, 0x08]),
            rq([1, 0, 0x11, 0], [0, 0, 0, 0x08]),
            rq([1, 0, 0x40, 0], [0, 0, 1, 0x78]),
            rq([1, 0, 0x42, 0], [0, 0, 1, 0x78]),
        ]
    );
    let upper = request("roland-jp8080", "temporary-upper", Fields::default());
    assert_eq!(
        upper,
        vec![vec![
            0xF0, 0x41, 0x10, 0x00, 0x06, 0x11, 0x01, 0x00, 0x40, 0x00, 0x00, 0x00, 0x01, 0x78,
            0x46, 0xF7
        ]]
    );
    // Identity reply as printed: F0 7E dev 06 02 41 06 01 00 01 00 02 00 00 F7.
    let identity = [
        0xF0, 0x7E, 0x10, 0x06, 0x02, 0x41, 0x06, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0xF7,
    ];
    assert_eq!(recognised(&identity).device, "Roland JP-8000 / JP-8080");
}

// ---------------------------------------------------------------------------------------------
// Roland JX-10 / MKS-70 and JX-8P

/// A JX-10 / JX-8P tone: the 10-character name, then 49 parameters.
fn jx_tone(name: &str, seed: usize) -> Vec<u8> {
    let mut t = padded(name, 10);
    t.extend(params(49, seed));
    t
}

/// Each byte as two nibbles, high first.
fn nibbles_high_first(data: &[u8]) -> Vec<u8> {
    data.iter().flat_map(|&b| [b >> 4, b & 0x0F]).collect()
}

fn framed(head: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = head.to_vec();
    m.extend(data);
    m.push(0xF7);
    m
}

#[test]
fn mks70_apr_messages() {
    let mut patch = padded("HEAVEN BRASS", 18);
    patch.extend(params(33, 6));
    let apr = framed(&[0xF0, 0x41, 0x35, 0x02, 0x24, 0x30, 0x01], &patch);
    assert_eq!(apr.len(), 59);
    let id = ("roland-mks70", "patch-apr");
    check(
        &apr,
        id,
        MessageKind::EditBuffer,
        &["HEAVEN BRASS"],
        None,
        None,
    );
    assert_eq!(recognised(&apr).channel, Some(2));
    for group in [0x01, 0x02] {
        let tone = framed(
            &[0xF0, 0x41, 0x35, 0x00, 0x24, 0x20, group],
            &jx_tone("SYNC SOLO", 3),
        );
        assert_eq!(tone.len(), 67);
        let id = ("roland-mks70", "tone-apr");
        check(
            &tone,
            id,
            MessageKind::EditBuffer,
            &["SYNC SOLO"],
            None,
            None,
        );
    }
    // PGR in either published form, and a tone parameter change.
    for pgr in [
        vec![0xF0, 0x41, 0x34, 0x00, 0x24, 0x30, 0x01, 0x05, 0x00, 0xF7],
        vec![
            0xF0, 0x41, 0x34, 0x00, 0x24, 0x30, 0x01, 0x00, 0x05, 0x00, 0xF7,
        ],
    ] {
        check(
            &pgr,
            ("roland-mks70", "pgr"),
            MessageKind::Other,
            &[],
            None,
            None,
        );
    }
    let ipr = [0xF0, 0x41, 0x36, 0x00, 0x24, 0x20, 0x01, 0x10, 0x40, 0xF7];
    check(
        &ipr,
        ("roland-mks70", "ipr"),
        MessageKind::Data,
        &[],
        None,
        None,
    );
}

#[test]
fn mks70_bulk_dump_names_patches_and_tones() {
    // Patch 9 of the internal memory: 48 bytes sent as 96 nibbles, high nibble first.
    let mut patch = padded("FRESH N BREATHEY", 18);
    patch.extend(params(30, 9));
    let bld = framed(
        &[0xF0, 0x41, 0x37, 0x00, 0x24, 0x30, 0x01, 0x00, 0x09],
        &nibbles_high_first(&patch),
    );
    assert_eq!(bld.len(), 106);
    // "F" is 46h: nibbles 04 06 at offsets 9 and 10.
    assert_eq!(&bld[9..11], &[0x04, 0x06]);
    let id = ("roland-mks70", "patch-bld");
    check(
        &bld,
        id,
        MessageKind::SinglePreset,
        &["FRESH N BREATHEY"],
        Some(9),
        None,
    );
    // Tone 49 of the cartridge: 59 plain bytes.
    let tone = framed(
        &[0xF0, 0x41, 0x37, 0x00, 0x24, 0x20, 0x02, 0x00, 0x31],
        &jx_tone("TOYZ-TINK1", 12),
    );
    assert_eq!(tone.len(), 69);
    let id = ("roland-mks70", "tone-bld");
    check(
        &tone,
        id,
        MessageKind::SinglePreset,
        &["TOYZ-TINK1"],
        Some(49),
        None,
    );
    assert!(reg().get("roland-mks70").unwrap().requests.is_empty());
}

#[test]
fn jx8p_tone_and_program_number() {
    let apr = framed(
        &[0xF0, 0x41, 0x35, 0x00, 0x21, 0x20, 0x01],
        &jx_tone(" PIANO 1", 1),
    );
    assert_eq!(apr.len(), 67);
    let id = ("roland-jx8p", "tone-apr");
    check(&apr, id, MessageKind::EditBuffer, &[" PIANO 1"], None, None);
    // The program-number message after slot 31 of a bank.
    let pgr = [
        0xF0, 0x41, 0x34, 0x00, 0x21, 0x20, 0x01, 0x00, 0x1F, 0x02, 0xF7,
    ];
    check(
        &pgr,
        ("roland-jx8p", "pgr"),
        MessageKind::Other,
        &[],
        Some(31),
        None,
    );
    // An Alpha Juno (23) or JX-10 (24) APR is not a JX-8P's.
    let mut other = apr.clone();
    other[4] = 0x24;
    assert_eq!(recognised(&other).definition, "roland-mks70");
    assert!(reg().get("roland-jx8p").unwrap().requests.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Roland JV-80 / JV-880

#[test]
fn jv80_temporary_and_internal_patches() {
    let head = [0xF0, 0x41, 0x10, 0x46, 0x12];
    let mut common = padded("Crystal Vox", 12);
    common.extend(params(22, 5));
    let temporary = roland(&head, &[0x00, 0x08, 0x20, 0x00], &common);
    assert_eq!(temporary.len(), 45);
    let id = ("roland-jv80", "temporary-common");
    check(
        &temporary,
        id,
        MessageKind::EditBuffer,
        &["Crystal Vox"],
        None,
        Some(true),
    );
    bad_checksum_is_caught_and_fixable(&temporary, 30);
    // Internal patch 35 (address 01 62 20 00) and card patch 1.
    let internal = roland(&head, &[0x01, 0x62, 0x20, 0x00], &common);
    let id = ("roland-jv80", "internal-common");
    check(
        &internal,
        id,
        MessageKind::SinglePreset,
        &["Crystal Vox"],
        None,
        Some(true),
    );
    let card = roland(&head, &[0x02, 0x40, 0x20, 0x00], &common);
    let id = ("roland-jv80", "card-common");
    check(
        &card,
        id,
        MessageKind::SinglePreset,
        &["Crystal Vox"],
        None,
        Some(true),
    );
    // A JV-880 tone block (116 bytes) and a performance part's patch are plain DT1 data.
    let tone = roland(&head, &[0x00, 0x08, 0x28, 0x00], &params(116, 1));
    assert_eq!(tone.len(), 127);
    check(
        &tone,
        ("roland-jv80", "dt1"),
        MessageKind::Data,
        &[],
        None,
        Some(true),
    );
    let part = roland(&head, &[0x00, 0x01, 0x20, 0x00], &common);
    check(
        &part,
        ("roland-jv80", "dt1"),
        MessageKind::Data,
        &[],
        None,
        Some(true),
    );
}

#[test]
fn jv80_request() {
    // Edisyn's request for the whole temporary patch: 00 08 20 00, size 00 00 0C 00.
    let want = roland(
        &[0xF0, 0x41, 0x10, 0x46, 0x11],
        &[0x00, 0x08, 0x20, 0x00],
        &[0x00, 0x00, 0x0C, 0x00],
    );
    assert_eq!(want[13], 0x4C);
    assert_eq!(
        request("roland-jv80", "temporary-patch", Fields::default()),
        vec![want.clone()]
    );
    check(
        &want,
        ("roland-jv80", "rq1"),
        MessageKind::Request,
        &[],
        None,
        Some(true),
    );
}

// ---------------------------------------------------------------------------------------------
// Roland XV-3080 / XV-5080

const XV_BLOCKS: [([u8; 2], [u8; 4]); 9] = [
    ([0x00, 0x00], [0, 0, 0, 0x4F]),
    ([0x02, 0x00], [0, 0, 1, 0x11]),
    ([0x04, 0x00], [0, 0, 0, 0x34]),
    ([0x06, 0x00], [0, 0, 0, 0x53]),
    ([0x10, 0x00], [0, 0, 0, 0x29]),
    ([0x20, 0x00], [0, 0, 1, 0x09]),
    ([0x22, 0x00], [0, 0, 1, 0x09]),
    ([0x24, 0x00], [0, 0, 1, 0x09]),
    ([0x26, 0x00], [0, 0, 1, 0x09]),
];

#[test]
fn xv3080_patches() {
    let head = [0xF0, 0x41, 0x10, 0x00, 0x10, 0x12];
    let mut common = padded("RedPowerBass", 12);
    common.extend(params(0x4F - 12, 8));
    let temporary = roland(&head, &[0x1F, 0x00, 0x00, 0x00], &common);
    assert_eq!(temporary.len(), 91);
    let id = ("roland-xv3080", "temporary-common");
    check(
        &temporary,
        id,
        MessageKind::EditBuffer,
        &["RedPowerBass"],
        None,
        Some(true),
    );
    bad_checksum_is_caught_and_fixable(&temporary, 40);
    let user = roland(&head, &[0x30, 100, 0x00, 0x00], &common);
    let id = ("roland-xv3080", "user-common");
    check(
        &user,
        id,
        MessageKind::SinglePreset,
        &["RedPowerBass"],
        Some(100),
        Some(true),
    );
    let tone = roland(&head, &[0x30, 100, 0x20, 0x00], &params(137, 2));
    let id = ("roland-xv3080", "user-block");
    check(&tone, id, MessageKind::Data, &[], Some(100), Some(true));
    let system = roland(&head, &[0x00, 0x00, 0x00, 0x00], &params(40, 1));
    check(
        &system,
        ("roland-xv3080", "dt1"),
        MessageKind::Data,
        &[],
        None,
        Some(true),
    );
}

#[test]
fn xv3080_requests() {
    // KnobKraft's published request for user patch 1's common block.
    let published = [
        0xF0, 0x41, 0x10, 0x00, 0x10, 0x11, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4F, 0x01,
        0xF7,
    ];
    let user = request("roland-xv3080", "user-patch", fields(None, None, Some(0)));
    assert_eq!(user[0], published);
    let rq = |area: [u8; 2], (b, s): ([u8; 2], [u8; 4])| {
        roland(
            &[0xF0, 0x41, 0x10, 0x00, 0x10, 0x11],
            &[area[0], area[1], b[0], b[1]],
            &s,
        )
    };
    let want: Vec<Vec<u8>> = XV_BLOCKS.iter().map(|&b| rq([0x30, 0x00], b)).collect();
    assert_eq!(user, want);
    let want: Vec<Vec<u8>> = XV_BLOCKS.iter().map(|&b| rq([0x1F, 0x00], b)).collect();
    assert_eq!(
        request("roland-xv3080", "temporary-patch", Fields::default()),
        want
    );
    let id = ("roland-xv3080", "rq1");
    check(&published, id, MessageKind::Request, &[], None, Some(true));
}

// ---------------------------------------------------------------------------------------------
// Roland U-20 / U-220

#[test]
fn u220_temporary_patch_and_request() {
    // An 80-byte patch, name first, each byte as two nibbles (low first), sent as 128 + 32.
    let mut patch = padded("Jazz Combo", 12);
    patch.extend(params(68, 4));
    let nibbles = nibbles_low_first(&patch);
    let head = [0xF0, 0x41, 0x10, 0x2B, 0x12];
    let first = roland(&head, &[0x00, 0x06, 0x00], &nibbles[..128]);
    let second = roland(&head, &[0x00, 0x07, 0x00], &nibbles[128..]);
    assert_eq!((first.len(), second.len()), (138, 42));
    // "J" is 4Ah: nibbles 0A 04.
    assert_eq!(&first[8..10], &[0x0A, 0x04]);
    let id = ("roland-u220", "temporary-patch");
    check(
        &first,
        id,
        MessageKind::EditBuffer,
        &["Jazz Combo"],
        None,
        Some(true),
    );
    bad_checksum_is_caught_and_fixable(&first, 50);
    check(
        &second,
        ("roland-u220", "dt1"),
        MessageKind::Data,
        &[],
        None,
        Some(true),
    );
    // Edisyn's request for the temporary patch: 00 06 00, size 00 01 20.
    let want = roland(
        &[0xF0, 0x41, 0x10, 0x2B, 0x11],
        &[0x00, 0x06, 0x00],
        &[0x00, 0x01, 0x20],
    );
    assert_eq!(want[11], 0x59);
    assert_eq!(
        request("roland-u220", "temporary-patch", Fields::default()),
        vec![want.clone()]
    );
    check(
        &want,
        ("roland-u220", "rq1"),
        MessageKind::Request,
        &[],
        None,
        Some(true),
    );
}

// ---------------------------------------------------------------------------------------------
// Roland JD-800

#[test]
fn jd800_temporary_patch_and_requests() {
    // A 384-byte patch, the 16-character name first, sent as 256 + 128 bytes.
    let mut patch = padded("Solar Wind", 16);
    patch.extend(params(368, 6));
    let head = [0xF0, 0x41, 0x10, 0x3D, 0x12];
    let first = roland(&head, &[0x00, 0x00, 0x00], &patch[..256]);
    let second = roland(&head, &[0x00, 0x02, 0x00], &patch[256..]);
    assert_eq!((first.len(), second.len()), (266, 138));
    let id = ("roland-jd800", "temporary-patch");
    check(
        &first,
        id,
        MessageKind::EditBuffer,
        &["Solar Wind"],
        None,
        Some(true),
    );
    bad_checksum_is_caught_and_fixable(&first, 200);
    check(
        &second,
        ("roland-jd800", "dt1"),
        MessageKind::Data,
        &[],
        None,
        Some(true),
    );
    // The blog's tone-layer message (tones A and B on: 03, checksum 5C).
    let layer = [
        0xF0, 0x41, 0x10, 0x3D, 0x12, 0x00, 0x00, 0x21, 0x03, 0x5C, 0xF7,
    ];
    check(
        &layer,
        ("roland-jd800", "dt1"),
        MessageKind::Data,
        &[],
        None,
        Some(true),
    );
    // KnobKraft's published request (patch 12's first block) is a valid RQ1.
    let published = [
        0xF0, 0x41, 0x10, 0x3D, 0x11, 0x05, 0x21, 0x00, 0x00, 0x02, 0x00, 0x58, 0xF7,
    ];
    check(
        &published,
        ("roland-jd800", "rq1"),
        MessageKind::Request,
        &[],
        None,
        Some(true),
    );
    let rq = |a: [u8; 3], s: [u8; 3]| roland(&[0xF0, 0x41, 0x10, 0x3D, 0x11], &a, &s);
    assert_eq!(
        request("roland-jd800", "temporary-patch", Fields::default()),
        vec![rq([0, 0, 0], [0, 2, 0]), rq([0, 2, 0], [0, 1, 0])]
    );
    assert_eq!(
        request("roland-jd800", "internal-patches", Fields::default()),
        vec![rq([5, 0, 0], [1, 0x40, 0])]
    );
}
