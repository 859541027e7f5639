//! Names for SysEx manufacturer IDs (MIDI Manufacturers Association assignments).

use super::message::{ManufacturerId, U7};

/// Universal non-real-time ID.
pub const UNIVERSAL_NON_REAL_TIME: u8 = 0x7E;
/// Universal real-time ID.
pub const UNIVERSAL_REAL_TIME: u8 = 0x7F;
/// Non-commercial (educational / development) ID.
pub const NON_COMMERCIAL: u8 = 0x7D;

/// One-byte IDs of the makers a synth librarian meets most.
const ONE_BYTE: &[(u8, &str)] = &[
    (0x01, "Sequential (Dave Smith Instruments)"),
    (0x04, "Moog"),
    (0x06, "Lexicon"),
    (0x07, "Kurzweil"),
    (0x0F, "Ensoniq"),
    (0x10, "Oberheim"),
    (0x18, "E-mu"),
    (0x33, "Clavia"),
    (0x3E, "Waldorf"),
    (0x40, "Kawai"),
    (0x41, "Roland"),
    (0x42, "Korg"),
    (0x43, "Yamaha"),
    (0x44, "Casio"),
    (0x47, "Akai"),
    (0x7D, "Non-commercial"),
    (0x7E, "Universal non-real-time"),
    (0x7F, "Universal real-time"),
];

/// Three-byte IDs (`00 hi lo`).
const THREE_BYTE: &[((u8, u8), &str)] = &[
    ((0x00, 0x0E), "Alesis"),
    ((0x20, 0x29), "Novation (Focusrite)"),
    ((0x20, 0x32), "Behringer"),
    ((0x20, 0x33), "Access"),
    ((0x20, 0x3C), "Elektron"),
    ((0x20, 0x6B), "Arturia"),
    ((0x21, 0x1D), "Modal Electronics"),
];

/// The maker's name, if the ID is in our table.
pub fn name(id: ManufacturerId) -> Option<&'static str> {
    match id {
        ManufacturerId::One(b) => ONE_BYTE
            .iter()
            .find(|(k, _)| *k == b.get())
            .map(|(_, n)| *n),
        ManufacturerId::Three(hi, lo) => THREE_BYTE
            .iter()
            .find(|(k, _)| *k == (hi.get(), lo.get()))
            .map(|(_, n)| *n),
    }
}

/// The maker's name, or the ID in hex when unknown.
pub fn describe(id: ManufacturerId) -> String {
    name(id).map_or_else(|| format!("Unknown maker ({id})"), str::to_owned)
}

/// Looks an ID up by maker name (case-insensitive prefix), for tests and command lines.
pub fn by_name(prefix: &str) -> Option<ManufacturerId> {
    let prefix = prefix.to_ascii_lowercase();
    ONE_BYTE
        .iter()
        .find(|(_, n)| n.to_ascii_lowercase().starts_with(&prefix))
        .map(|(k, _)| ManufacturerId::One(U7::from_masked(*k)))
        .or_else(|| {
            THREE_BYTE
                .iter()
                .find(|(_, n)| n.to_ascii_lowercase().starts_with(&prefix))
                .map(|((hi, lo), _)| {
                    ManufacturerId::Three(U7::from_masked(*hi), U7::from_masked(*lo))
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_makers_are_named() {
        for maker in [
            "Moog",
            "Sequential",
            "Roland",
            "Yamaha",
            "Korg",
            "Kawai",
            "Oberheim",
            "Access",
            "Waldorf",
            "Novation",
            "Elektron",
            "Arturia",
            "Behringer",
            "Clavia",
            "Ensoniq",
            "E-mu",
            "Alesis",
            "Akai",
            "Casio",
        ] {
            let id = by_name(maker).unwrap_or_else(|| panic!("{maker} missing"));
            assert!(name(id).unwrap().starts_with(maker));
        }
        assert!(name(ManufacturerId::One(U7::from_masked(0x01)))
            .unwrap()
            .contains("Dave Smith Instruments"));
    }

    #[test]
    fn unknown_ids_are_described_in_hex() {
        let id = ManufacturerId::Three(U7::from_masked(0x21), U7::from_masked(0x7F));
        assert_eq!(describe(id), "Unknown maker (00 21 7F)");
    }
}
