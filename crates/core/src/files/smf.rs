//! Standard MIDI Files: read every SysEx event of every track (format 0, 1 or 2), including
//! messages split into an `F0` packet and `F7` continuation packets; write a format-0 file whose
//! messages are spaced by a [`Pacing`].

use crate::pacing::Pacing;
use midly::{Format, Header, MetaMessage, Smf, Timing, TrackEvent, TrackEventKind};
use std::fmt;

/// Ticks per quarter note of written files; with [`TEMPO_US`] one tick is one millisecond.
pub const TICKS_PER_QUARTER: u16 = 1000;
/// Tempo of written files in microseconds per quarter note (60 BPM).
pub const TEMPO_US: u32 = 1_000_000;

/// Why a MIDI file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmfError {
    /// The file is not a well-formed Standard MIDI File.
    Malformed {
        /// The parser's explanation.
        cause: String,
    },
    /// A SysEx split over several packets was never finished.
    UnfinishedContinuation {
        /// 0-based track.
        track: usize,
        /// 0-based index of the event that started it.
        event: usize,
    },
}

impl fmt::Display for SmfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SmfError::Malformed { cause } => write!(f, "not a valid MIDI file: {cause}"),
            SmfError::UnfinishedContinuation { track, event } => write!(
                f,
                "track {track}, event {event}: SysEx split into packets never ends with F7"
            ),
        }
    }
}

impl std::error::Error for SmfError {}

/// A SysEx message found in a MIDI file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmfSysEx {
    /// 0-based track.
    pub track: usize,
    /// Absolute time in ticks.
    pub tick: u64,
    /// The message, `F0` to `F7`.
    pub bytes: Vec<u8>,
}

/// Reads every SysEx message of a MIDI file, ordered by track then time.
pub fn read(bytes: &[u8]) -> Result<Vec<SmfSysEx>, SmfError> {
    let smf = Smf::parse(bytes).map_err(|e| SmfError::Malformed {
        cause: e.to_string(),
    })?;
    let mut out = Vec::new();
    for (track_no, track) in smf.tracks.iter().enumerate() {
        let mut tick = 0u64;
        // (event index, tick, bytes) of a message still waiting for continuation packets.
        let mut pending: Option<(usize, u64, Vec<u8>)> = None;
        for (i, event) in track.iter().enumerate() {
            tick += u64::from(event.delta.as_int());
            match event.kind {
                TrackEventKind::SysEx(data) => {
                    if let Some((start, _, _)) = pending {
                        return Err(SmfError::UnfinishedContinuation {
                            track: track_no,
                            event: start,
                        });
                    }
                    let mut msg = vec![0xF0];
                    msg.extend_from_slice(data);
                    if data.last() == Some(&0xF7) {
                        out.push(SmfSysEx {
                            track: track_no,
                            tick,
                            bytes: msg,
                        });
                    } else {
                        pending = Some((i, tick, msg));
                    }
                }
                TrackEventKind::Escape(data) => match pending.as_mut() {
                    Some((_, _, msg)) => {
                        msg.extend_from_slice(data);
                        if data.last() == Some(&0xF7) {
                            if let Some((_, t, msg)) = pending.take() {
                                out.push(SmfSysEx {
                                    track: track_no,
                                    tick: t,
                                    bytes: msg,
                                });
                            }
                        }
                    }
                    // Some writers store a whole message in an escape packet.
                    None if data.first() == Some(&0xF0) && data.last() == Some(&0xF7) => {
                        out.push(SmfSysEx {
                            track: track_no,
                            tick,
                            bytes: data.to_vec(),
                        });
                    }
                    None => {}
                },
                _ => {}
            }
        }
        if let Some((start, _, _)) = pending {
            return Err(SmfError::UnfinishedContinuation {
                track: track_no,
                event: start,
            });
        }
    }
    Ok(out)
}

/// Writes a format-0 MIDI file with the messages at the times `pacing` schedules. Each message
/// must start with `F0` and end with `F7`.
pub fn write<T: AsRef<[u8]>>(messages: &[T], pacing: &Pacing) -> Vec<u8> {
    let starts = pacing.start_times(messages.iter().map(|m| m.as_ref().len()));
    let mut track = vec![TrackEvent {
        delta: 0.into(),
        kind: TrackEventKind::Meta(MetaMessage::Tempo(TEMPO_US.into())),
    }];
    let mut last_tick = 0u64;
    for (m, start) in messages.iter().zip(starts) {
        let tick = (start * 1000.0).round() as u64;
        let delta = (tick - last_tick).min(0x0FFF_FFFF) as u32;
        last_tick = tick;
        let bytes = m.as_ref();
        track.push(TrackEvent {
            delta: delta.into(),
            kind: TrackEventKind::SysEx(bytes.get(1..).unwrap_or_default()),
        });
    }
    track.push(TrackEvent {
        delta: 0.into(),
        kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
    });
    let smf = Smf {
        header: Header::new(
            Format::SingleTrack,
            Timing::Metrical(TICKS_PER_QUARTER.into()),
        ),
        tracks: vec![track],
    };
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = smf.write_std(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn msgs() -> Vec<Vec<u8>> {
        vec![
            vec![0xF0, 0x43, 0x00, 0x09, 0xF7],
            vec![0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7],
        ]
    }

    #[test]
    fn written_file_is_read_by_midly_with_paced_ticks() {
        let bytes = write(&msgs(), &Pacing::DIN);
        let smf = Smf::parse(&bytes).unwrap();
        assert_eq!(smf.header.format, Format::SingleTrack);
        let sysex: Vec<(u32, &[u8])> = smf.tracks[0]
            .iter()
            .filter_map(|e| match e.kind {
                TrackEventKind::SysEx(d) => Some((e.delta.as_int(), d)),
                _ => None,
            })
            .collect();
        assert_eq!(sysex[0], (0, &[0x43, 0x00, 0x09, 0xF7][..]));
        // 5 bytes at 3125 B/s = 1.6 ms, plus 150 ms: tick 152.
        assert_eq!(sysex[1].0, 152);
    }

    #[test]
    fn continuation_packets_are_joined() {
        let track = vec![
            TrackEvent {
                delta: 10.into(),
                kind: TrackEventKind::SysEx(&[0x43, 0x01]),
            },
            TrackEvent {
                delta: 5.into(),
                kind: TrackEventKind::Escape(&[0x02, 0x03]),
            },
            TrackEvent {
                delta: 5.into(),
                kind: TrackEventKind::Escape(&[0x04, 0xF7]),
            },
            TrackEvent {
                delta: 0.into(),
                kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
            },
        ];
        let smf = Smf {
            header: Header::new(Format::Parallel, Timing::Metrical(96.into())),
            tracks: vec![
                vec![TrackEvent {
                    delta: 0.into(),
                    kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
                }],
                track,
            ],
        };
        let mut bytes = Vec::new();
        smf.write_std(&mut bytes).unwrap();
        let read = read(&bytes).unwrap();
        assert_eq!(
            read,
            vec![SmfSysEx {
                track: 1,
                tick: 10,
                bytes: vec![0xF0, 0x43, 0x01, 0x02, 0x03, 0x04, 0xF7]
            }]
        );
    }

    #[test]
    fn garbage_is_a_clear_error() {
        assert!(matches!(read(b"RIFF1234"), Err(SmfError::Malformed { .. })));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]
        #[test]
        fn write_then_read_is_identity(msgs in proptest::collection::vec(
            proptest::collection::vec(0u8..0x80, 0..40).prop_map(|b| {
                let mut m = vec![0xF0];
                m.extend(b);
                m.push(0xF7);
                m
            }), 0..8)) {
            let read: Vec<Vec<u8>> = read(&write(&msgs, &Pacing::USB_FAST)).unwrap().into_iter().map(|s| s.bytes).collect();
            prop_assert_eq!(read, msgs);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100_000))]
        #[test]
        fn read_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..48)) {
            // A valid header followed by arbitrary track bytes reaches the track parser.
            let mut bytes = b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x00\x60MTrk".to_vec();
            bytes.extend((tail.len() as u32).to_be_bytes());
            bytes.extend(&tail);
            if let Ok(found) = read(&bytes) {
                // Each message gains at most its F0: output is bounded by the input.
                let kept: usize = found.iter().map(|m| m.bytes.len()).sum();
                prop_assert!(kept <= bytes.len() + found.len());
            }
        }
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    /// `tests/fixtures/mido_format1.mid` was written by Python's mido 1.3 (an independent
    /// writer): format 1, a tempo track, a track with notes and two SysEx, and a third track.
    #[test]
    fn reads_a_file_written_by_another_tool() {
        let bytes = include_bytes!("../../../../tests/fixtures/mido_format1.mid");
        let found = read(bytes).unwrap();
        assert_eq!(found.len(), 3);
        assert_eq!(
            found[0],
            SmfSysEx {
                track: 1,
                tick: 48,
                bytes: vec![0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]
            }
        );
        assert_eq!(
            (found[1].track, found[1].tick, found[1].bytes.len()),
            (1, 154, 163)
        );
        assert_eq!(
            found[2].bytes,
            [0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7]
        );
        assert_eq!(found[2].tick, 5);
    }
}
