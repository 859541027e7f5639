//! The `sysex-vault` command line: a librarian people can script. It browses, edits, imports,
//! exports, merges and compares library files, decodes SysEx files, pulls patches out of saved
//! DAW projects, and sends and captures through MIDI ports. Argument parsing, `--help` on every
//! command, `--version` and shell completions come from `clap`; progress bars from `indicatif`.
//!
//! Data safety: a library is never created by accident (`init`, or `--create`), a path that is
//! not a `.sxvl` file is never taken for a library, no existing file is replaced without
//! `--force`, every write is atomic, and a library is never written larger than SysEx Vault
//! reads back. Each command returns its output or a [`Failure`] whose exit code and message say
//! exactly what went wrong.

pub mod progress;
pub mod transfers;

use crate::audio::pool::MAX_MESSAGE_LEN;
use crate::background::ports;
use crate::devices;
use crate::files::{self, project, Format};
use crate::library::diff::{self, MessageDiff};
use crate::library::{self, file, Edit, Entry, EntryId, Library, ProgramMap, Source, TakeRecorder};
use crate::pacing::Pacing;
use crate::state::MAX_DECODED_BYTES;
use crate::sysex::checksum::ChecksumStatus;
use crate::sysex::manufacturer;
use crate::sysex::message::SysEx;
use crate::transfer;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use progress::Progress;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Exit code for a wrong command line (sysexits `EX_USAGE`).
pub const EXIT_USAGE: i32 = 64;
/// Exit code for input that is missing, unreadable or, with `--strict`, has bad checksums
/// (`EX_DATAERR`).
pub const EXIT_INPUT: i32 = 65;
/// Exit code when the MIDI system or a port is not available, or a send stopped
/// (`EX_UNAVAILABLE`).
pub const EXIT_MIDI: i32 = 69;
/// Exit code for output that could not be written, or exists and `--force` was not given
/// (`EX_CANTCREAT`).
pub const EXIT_OUTPUT: i32 = 73;
/// Exit code of `diff` when the two sides differ (as `diff(1)`).
pub const EXIT_DIFFERENT: i32 = 1;

/// A failed command: exit code and message.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    /// Process exit code.
    pub code: i32,
    /// What went wrong, naming the file and, where known, the offset.
    pub message: String,
}

/// What a successful command prints, and its exit code (0, or [`EXIT_DIFFERENT`] for `diff`).
#[derive(Debug, PartialEq, Eq)]
pub struct Output {
    /// Standard output.
    pub text: String,
    /// Process exit code.
    pub code: i32,
}

fn usage(message: String) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message,
    }
}

fn input(message: String) -> Failure {
    Failure {
        code: EXIT_INPUT,
        message,
    }
}

fn output(message: String) -> Failure {
    Failure {
        code: EXIT_OUTPUT,
        message,
    }
}

fn midi(message: String) -> Failure {
    Failure {
        code: EXIT_MIDI,
        message,
    }
}

/// SysEx librarian for the SysEx Vault plugin: back up and restore hardware synths.
#[derive(Debug, Parser)]
#[command(
    name = "sysex-vault",
    version,
    after_help = "Entries are numbered from 1 as `list` shows them. Library files end in .sxvl.\n\
Exit codes: 0 ok, 1 `diff` found differences, 64 wrong command line, 65 missing or unreadable\n\
input (or bad checksums with --strict), 69 MIDI system or port unavailable, 73 output not\n\
written (not writable, or it exists and --force was not given)."
)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Output formats of `extract`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    /// Raw SysEx, one `.syx` file per entry.
    Syx,
    /// Standard MIDI File, format 0, DIN-paced.
    Mid,
    /// Hex text, one message per line.
    Txt,
}

/// Pacing presets of `send`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PacingPreset {
    /// DIN wire rate (3,125 B/s), 150 ms after each message, whole messages.
    Din,
    /// 100,000 B/s, 10 ms after each message: USB-MIDI synths.
    Usb,
    /// 255-byte chunks, 20 ms after each, 500 ms after each message: firmware, slow synths.
    Slow,
    /// The synth's own, from the device definition of the first entry.
    Device,
}

fn parse_chunk(s: &str) -> Result<u32, String> {
    let n: u32 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if n == 0 || (crate::pacing::MIN_CHUNK..=crate::pacing::MAX_CHUNK).contains(&n) {
        Ok(n)
    } else {
        Err("a chunk is 4 to 256 bytes (0: whole messages)".into())
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an empty library file.
    Init {
        /// The library file to create (.sxvl).
        library: PathBuf,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// List the entries of a library.
    List {
        /// The library file (.sxvl).
        library: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Decode SysEx files (.syx, .mid, hex text) or a library's entries, message by message.
    Info {
        /// Files to decode; a .sxvl library shows its entries.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Only these entries of a library (repeatable).
        #[arg(long = "entry", value_name = "N")]
        entries: Vec<usize>,
        /// Exit with 65 if any message has a bad checksum.
        #[arg(long)]
        strict: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Add files to a library: .syx, .mid, hex text, or other libraries (entries kept whole).
    Import {
        /// The library file (.sxvl).
        library: PathBuf,
        /// Files to add.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Create the library if it does not exist.
        #[arg(long)]
        create: bool,
        /// Refuse the whole import (nothing written) if any message has a bad checksum.
        #[arg(long)]
        strict: bool,
    },
    /// Merge other libraries into a library, skipping entries it already holds.
    Merge {
        /// The library to merge into (.sxvl).
        library: PathBuf,
        /// Libraries to merge from.
        #[arg(required = true)]
        sources: Vec<PathBuf>,
        /// Create the library if it does not exist.
        #[arg(long)]
        create: bool,
        /// Also add entries identical to one already there (marked as duplicates).
        #[arg(long)]
        keep_duplicates: bool,
    },
    /// Write entries to a file: .syx, .mid, .txt (hex) or a .sxvl library (entries kept whole).
    Export {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The file to write; its extension picks the format.
        out: PathBuf,
        /// Only these entries (repeatable; all by default).
        #[arg(long = "entry", value_name = "N")]
        entries: Vec<usize>,
        /// Replace an existing file (also the library itself).
        #[arg(long)]
        force: bool,
    },
    /// Export every SysEx Vault instance of a REAPER project or an Ardour session, one folder
    /// per instance.
    Extract {
        /// The project (.rpp) or session (.ardour) file.
        project: PathBuf,
        /// Where to write the folders.
        outdir: PathBuf,
        /// Format of the entry files.
        #[arg(long, value_enum, default_value = "syx")]
        format: ExtractFormat,
        /// Replace files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Rename an entry.
    Rename {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entry.
        entry: usize,
        /// Its new name.
        name: String,
    },
    /// Delete entries.
    Delete {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entries.
        #[arg(required = true)]
        entries: Vec<usize>,
    },
    /// Move an entry to another position.
    Move {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entry.
        entry: usize,
        /// Its new position (1 = first).
        position: usize,
    },
    /// Split an entry into its patches (a bank dump into its voices, a run of program dumps
    /// into programs) with the device definitions, else into one entry per message.
    Split {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entry.
        entry: usize,
        /// One entry per message, whatever the definitions know.
        #[arg(long)]
        messages: bool,
    },
    /// Build one bank message from patch entries, in the order given (32 DX7 voices into a
    /// 32-voice dump); the patches stay.
    BuildBank {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The patch entries, in slot order.
        #[arg(required = true, num_args = 1..)]
        entries: Vec<usize>,
        /// Name of the new bank entry.
        #[arg(long)]
        name: Option<String>,
    },
    /// Correct the checksums a device definition knows to be wrong (only when asked: a wrong
    /// checksum can mean damaged data).
    FixChecksum {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entries.
        #[arg(required = true)]
        entries: Vec<usize>,
    },
    /// Group entries into one bank entry, in library order, at the first one's place.
    Group {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entries.
        #[arg(required = true, num_args = 2..)]
        entries: Vec<usize>,
        /// Name of the bank.
        #[arg(long)]
        name: Option<String>,
    },
    /// Choose the entry the plugin sends when the project loads.
    SetRecall {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entry.
        #[arg(required_unless_present = "none")]
        entry: Option<usize>,
        /// Send nothing on load.
        #[arg(long, conflicts_with = "entry")]
        none: bool,
    },
    /// Send an entry when a program change arrives.
    MapPc {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entry.
        entry: usize,
        /// Program number, 1 to 128.
        #[arg(required_unless_present_any = ["clear", "from_patch"], value_parser = clap::value_parser!(u8).range(1..=128))]
        program: Option<u8>,
        /// Remove the entry's mapping.
        #[arg(long, conflicts_with_all = ["program", "from_patch"])]
        clear: bool,
        /// Use the program number stored in the patch (its device definition finds it).
        #[arg(long, conflicts_with = "program")]
        from_patch: bool,
        /// The channel your controller sends the program change on, 1 to 16, or `any`.
        #[arg(long, required_unless_present = "clear", value_parser = parse_channel)]
        channel: Option<Channel>,
        /// Only after this bank select MSB (CC 0, 0 to 127) on that channel.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
        bank_msb: Option<u8>,
        /// Only after this bank select LSB (CC 32, 0 to 127) on that channel.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
        bank_lsb: Option<u8>,
        /// Cancel a send in progress (a bank restore) at once instead of waiting for it.
        #[arg(long)]
        interrupt: bool,
    },
    /// Recall an entry by bank select and program change, where the synth already keeps it
    /// (instant on a slow DIN synth), instead of sending its dump; or back to the dump.
    RecallByPc {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entry.
        entry: usize,
        /// Program change, 1 to 128.
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=128), required_unless_present_any = ["dump", "from_patch"])]
        program: Option<u8>,
        /// Take program (and bank, as bank select MSB) from the patch's own numbers.
        #[arg(long, conflicts_with = "program")]
        from_patch: bool,
        /// MIDI channel, 1 to 16.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=16))]
        channel: u8,
        /// Bank select MSB (CC 0) sent first.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
        bank_msb: Option<u8>,
        /// Bank select LSB (CC 32) sent first.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
        bank_lsb: Option<u8>,
        /// Recall by sending the dump again.
        #[arg(long, conflicts_with_all = ["program", "from_patch"])]
        dump: bool,
    },
    /// Add tags to an entry (or remove them).
    Tag {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entry.
        entry: usize,
        /// Tags, e.g. favourite pads "live 2026".
        #[arg(required = true)]
        tags: Vec<String>,
        /// Remove these tags instead.
        #[arg(long)]
        remove: bool,
    },
    /// Mark an entry as a favourite (or not, with --off).
    Favourite {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entry.
        entry: usize,
        /// Unmark it.
        #[arg(long)]
        off: bool,
    },
    /// Set an entry's note ("" clears it); notes are searched with the names in the editor.
    Note {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entry.
        entry: usize,
        /// The note.
        text: String,
    },
    /// Compare two dumps message by message: FILE, LIBRARY.sxvl:N (an entry) or LIBRARY.sxvl.
    Diff {
        /// First side.
        a: String,
        /// Second side.
        b: String,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// List MIDI input and output ports.
    Ports {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Send entries to a synth, paced (DIN speed and a 150 ms gap by default).
    Send {
        /// The library file (.sxvl).
        library: PathBuf,
        /// Output port: its name, or a unique part of it (any case).
        port: String,
        /// Only these entries (repeatable; all by default).
        #[arg(long = "entry", value_name = "N")]
        entries: Vec<usize>,
        /// Only these messages of the one entry given (1-based: 7, 3-5, 3-): resend the block
        /// that failed.
        #[arg(long, value_name = "RANGE")]
        messages: Option<String>,
        /// Starting point for the pacing; --rate, --gap, --chunk and --chunk-pause change it.
        #[arg(long, value_enum, default_value = "din")]
        preset: PacingPreset,
        /// Bytes per second.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        rate: Option<u32>,
        /// Milliseconds of silence after each message.
        #[arg(long)]
        gap: Option<u32>,
        /// Send each message in chunks of this many bytes (4-256, rounded down to a multiple
        /// of 3; 0: whole messages).
        #[arg(long, value_parser = parse_chunk)]
        chunk: Option<u32>,
        /// Milliseconds of silence after each chunk.
        #[arg(long)]
        chunk_pause: Option<u32>,
        /// The synth's output port, for --handshake and --verify.
        #[arg(long = "in", value_name = "PORT")]
        input: Option<String>,
        /// Wait for the synth's acknowledge after each message (the replies its device
        /// definition names, or --ack/--nak/--error); needs --in.
        #[arg(long, requires = "input")]
        handshake: bool,
        /// An acknowledge pattern (hex bytes; `??` for any byte, `0n` for the channel).
        #[arg(long, value_name = "PATTERN", requires = "handshake")]
        ack: Vec<String>,
        /// A "send again" pattern.
        #[arg(long, value_name = "PATTERN", requires = "handshake")]
        nak: Vec<String>,
        /// An error pattern: stop.
        #[arg(long, value_name = "PATTERN", requires = "handshake")]
        error: Vec<String>,
        /// Milliseconds of silence before a reply is given up (restarts on every byte).
        #[arg(long, default_value_t = 2000)]
        reply_timeout: u64,
        /// How often a message is sent again after a "send again", or a request after silence.
        #[arg(long, default_value_t = 2)]
        retries: u32,
        /// After each message, ask the synth for it back and compare (exit 1 if one differs);
        /// needs --in.
        #[arg(long, requires = "input", conflicts_with = "handshake")]
        verify: bool,
    },
    /// Ask a synth for a dump with its definition's request and capture the answer into a
    /// library (with --programs, one request and one entry per program).
    Get {
        /// The library file (.sxvl).
        library: PathBuf,
        /// Device definition id (see `sysex-vault devices`).
        device: String,
        /// Which request (see `sysex-vault devices ID`).
        request: String,
        /// Output port (to the synth).
        #[arg(long = "out", value_name = "PORT")]
        output: String,
        /// Input port (from the synth).
        #[arg(long = "in", value_name = "PORT")]
        input: String,
        /// The synth's MIDI channel, 1 to 16.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=16))]
        channel: u8,
        /// The synth's SysEx device ID (default: the definition's).
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
        device_id: Option<u8>,
        /// Program number, as the synth numbers it in SysEx (from 0).
        #[arg(long, conflicts_with = "programs")]
        program: Option<u16>,
        /// Walk programs N-M (from 0), one request and one entry each.
        #[arg(long, value_name = "N-M")]
        programs: Option<String>,
        /// Bank number.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
        bank: Option<u8>,
        /// Milliseconds of silence after a request before asking again.
        #[arg(long, default_value_t = 2000)]
        wait: u64,
        /// Milliseconds of silence that end a dump (restarts on every byte).
        #[arg(long, default_value_t = 1000)]
        idle: u64,
        /// How often a request is sent again after silence.
        #[arg(long, default_value_t = 2)]
        retries: u32,
        /// Create the library if it does not exist.
        #[arg(long)]
        create: bool,
    },
    /// Record one dump from a synth into a library.
    Capture {
        /// The library file (.sxvl).
        library: PathBuf,
        /// Input port: its name, or a unique part of it (any case).
        port: String,
        /// The dump ends after this many milliseconds without SysEx.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
        gap: u64,
        /// Give up after this many seconds if nothing arrives.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
        timeout: u64,
        /// Create the library if it does not exist.
        #[arg(long)]
        create: bool,
    },
    /// List the device definitions (shipped and from the user's folder) and any problems in
    /// them, or show one.
    Devices {
        /// Show this definition's messages, requests and sources.
        id: Option<String>,
        /// Check definition files instead (exit 65 on a problem).
        #[arg(long, value_name = "FILE", conflicts_with = "id")]
        check: Vec<PathBuf>,
    },
    /// Ask a synth for a dump with its device definition's request (arm `capture` to record
    /// the answer).
    Request {
        /// Device definition id (see `sysex-vault devices`).
        device: String,
        /// Which request (see `sysex-vault devices ID`).
        request: String,
        /// Output port: its name, or a unique part of it (any case).
        #[arg(long, required_unless_present = "print")]
        port: Option<String>,
        /// Print the bytes instead of sending them.
        #[arg(long)]
        print: bool,
        /// The synth's MIDI channel, 1 to 16.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=16))]
        channel: u8,
        /// The synth's SysEx device ID (0-127; default: the definition's).
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
        device_id: Option<u8>,
        /// Program number as the synth numbers it in SysEx (from 0).
        #[arg(long)]
        program: Option<u16>,
        /// Bank number as the synth numbers it in SysEx.
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
        bank: Option<u8>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Runs a command line (without the program name). `--help` and `--version` succeed with their
/// text.
pub fn run(args: &[String]) -> Result<Output, Failure> {
    let argv = std::iter::once("sysex-vault".to_owned()).chain(args.iter().cloned());
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => return Ok(ok(e.to_string().trim_end().to_owned())),
        Err(e) => return Err(usage(e.to_string().trim_end().to_owned())),
    };
    execute(cli.command)
}

fn ok(text: String) -> Output {
    Output { text, code: 0 }
}

/// Runs one parsed command.
pub fn execute(command: Command) -> Result<Output, Failure> {
    match command {
        Command::Init { library, force } => init(&library, force).map(ok),
        Command::List { library, json } => list(&library, json).map(ok),
        Command::Info {
            files,
            entries,
            strict,
            json,
        } => info(&files, &entries, strict, json).map(ok),
        Command::Import {
            library,
            files,
            create,
            strict,
        } => import(&library, &files, create, strict).map(ok),
        Command::Merge {
            library,
            sources,
            create,
            keep_duplicates,
        } => merge(&library, &sources, create, keep_duplicates).map(ok),
        Command::Export {
            library,
            out,
            entries,
            force,
        } => export(&library, &out, &entries, force).map(ok),
        Command::Extract {
            project,
            outdir,
            format,
            force,
        } => {
            let format = match format {
                ExtractFormat::Syx => Format::Syx,
                ExtractFormat::Mid => Format::Mid,
                ExtractFormat::Txt => Format::Hex,
            };
            extract(&project, &outdir, format, force).map(ok)
        }
        Command::Rename {
            library,
            entry,
            name,
        } => edit(&library, &[entry], |lib, ids| {
            let old = lib.get(ids[0]).map(|e| e.name.clone()).unwrap_or_default();
            lib.apply(Edit::Rename(ids[0], name.clone()));
            format!("renamed entry {entry} \"{old}\" to \"{name}\"")
        })
        .map(ok),
        Command::Delete { library, entries } => edit(&library, &entries, |lib, ids| {
            let mut out = String::new();
            for (n, id) in entries.iter().zip(ids) {
                if let Some(Edit::Restore(_, e)) = lib.apply(Edit::Remove(*id)).first() {
                    let _ = writeln!(out, "deleted entry {n} \"{}\"", e.name);
                }
            }
            out.trim_end().to_owned()
        })
        .map(ok),
        Command::Move {
            library,
            entry,
            position,
        } => edit(&library, &[entry], |lib, ids| {
            let to = position.clamp(1, lib.entries.len());
            let delta = to as isize - entry as isize;
            lib.apply(Edit::Move(ids[0], delta));
            format!("moved entry {entry} to position {to}")
        })
        .map(ok),
        Command::Split {
            library,
            entry,
            messages,
        } => split(&library, entry, messages).map(ok),
        Command::BuildBank {
            library,
            entries,
            name,
        } => build_bank(&library, &entries, name).map(ok),
        Command::FixChecksum { library, entries } => fix_checksum(&library, &entries).map(ok),
        Command::Group {
            library,
            entries,
            name,
        } => edit(&library, &entries, |lib, ids| {
            let name = name
                .clone()
                .unwrap_or_else(|| format!("Bank of {} entries", ids.len()));
            if lib
                .apply(Edit::Group(ids.to_vec(), name.clone()))
                .is_empty()
            {
                return "nothing grouped: name two or more different entries".to_owned();
            }
            format!("grouped {} entries into \"{name}\"", ids.len())
        })
        .map(ok),
        Command::SetRecall {
            library,
            entry,
            none: _,
        } => {
            let picks: Vec<usize> = entry.into_iter().collect();
            edit(&library, &picks, |lib, ids| {
                lib.apply(Edit::SetRecall(ids.first().copied()));
                match entry {
                    Some(n) => format!("entry {n} is sent when the project loads"),
                    None => "nothing is sent when the project loads".to_owned(),
                }
            })
            .map(ok)
        }
        Command::MapPc {
            library,
            entry,
            program,
            clear: _,
            from_patch,
            channel,
            bank_msb,
            bank_lsb,
            interrupt,
        } => {
            let map = channel.map(|Channel(channel)| ProgramMap {
                program: 0,
                channel,
                bank_msb,
                bank_lsb,
                interrupt,
            });
            map_pc(&library, entry, program, from_patch, map).map(ok)
        }
        Command::Tag {
            library,
            entry,
            tags,
            remove,
        } => edit(&library, &[entry], |lib, ids| {
            let mut now = lib.get(ids[0]).map(|e| e.tags.clone()).unwrap_or_default();
            if remove {
                now.retain(|t| !tags.contains(t));
            } else {
                for t in &tags {
                    if !now.contains(t) {
                        now.push(t.clone());
                    }
                }
            }
            lib.apply(Edit::SetTags(ids[0], now.clone()));
            format!("entry {entry} tags: {}", now.join(", "))
        })
        .map(ok),
        Command::Favourite {
            library,
            entry,
            off,
        } => edit(&library, &[entry], |lib, ids| {
            lib.apply(Edit::SetFavourite(ids[0], !off));
            format!(
                "entry {entry} {}",
                if off {
                    "is not a favourite"
                } else {
                    "is a favourite"
                }
            )
        })
        .map(ok),
        Command::Note {
            library,
            entry,
            text,
        } => edit(&library, &[entry], |lib, ids| {
            let text = text.trim().to_owned();
            let said = if text.is_empty() {
                format!("entry {entry}: note cleared")
            } else {
                format!("entry {entry} note: {text}")
            };
            lib.apply(Edit::SetNote(ids[0], text));
            said
        })
        .map(ok),
        Command::Diff { a, b, json } => diff_command(&a, &b, json),
        Command::Ports { json } => ports_list(json).map(ok),
        Command::Send {
            library,
            port,
            entries,
            messages,
            preset,
            rate,
            gap,
            chunk,
            chunk_pause,
            input,
            handshake,
            ack,
            nak,
            error,
            reply_timeout,
            retries,
            verify,
        } => {
            let tweak = |base: Pacing| Pacing {
                bytes_per_second: rate.unwrap_or(base.bytes_per_second),
                gap_after_message_ms: gap.unwrap_or(base.gap_after_message_ms),
                chunk_bytes: chunk.unwrap_or(base.chunk_bytes),
                chunk_pause_ms: chunk_pause.unwrap_or(base.chunk_pause_ms),
            };
            let (messages, pacing) =
                send_plan(&library, &entries, messages.as_deref(), preset, tweak)?;
            let rules = transfer::CaptureRules {
                answer_within: std::time::Duration::from_millis(reply_timeout),
                idle: std::time::Duration::from_millis(reply_timeout.min(1000)),
                retries,
            };
            match (input.as_deref(), handshake, verify) {
                (Some(input), true, _) => {
                    let hs = transfers::handshake_for(
                        messages.first().map(Vec::as_slice),
                        &ack,
                        &nak,
                        &error,
                        reply_timeout,
                        retries,
                    )?;
                    transfers::send_handshake(&messages, (&port, input), pacing, &hs).map(ok)
                }
                (Some(input), _, true) => {
                    transfers::send_verify(&messages, (&port, input), pacing, rules)
                }
                _ => send_messages(&messages, &port, pacing).map(ok),
            }
        }
        Command::Get {
            library,
            device,
            request,
            output,
            input,
            channel,
            device_id,
            program,
            programs,
            bank,
            wait,
            idle,
            retries,
            create,
        } => {
            let programs = match programs.as_deref() {
                Some(text) => Some(parse_programs(text)?),
                None => None,
            };
            transfers::get(transfers::Get {
                library: &library,
                create,
                device: &device,
                request: &request,
                ports: (&output, &input),
                fields: devices::Fields {
                    channel: Some(channel - 1),
                    device: device_id,
                    program,
                    bank,
                    sub: None,
                },
                programs,
                rules: transfer::CaptureRules {
                    answer_within: std::time::Duration::from_millis(wait),
                    idle: std::time::Duration::from_millis(idle),
                    retries,
                },
            })
            .map(ok)
        }
        Command::Capture {
            library,
            port,
            gap,
            timeout,
            create,
        } => capture(&library, &port, gap, timeout, create).map(ok),
        Command::Devices { id, check } => devices_command(id.as_deref(), &check),
        Command::RecallByPc {
            library,
            entry,
            program,
            from_patch,
            channel,
            bank_msb,
            bank_lsb,
            dump,
        } => edit_checked(&library, &[entry], |lib, ids| {
            let at = if dump {
                None
            } else {
                let e = lib.get(ids[0]).ok_or_else(|| input("no entry".into()))?;
                let (program, bank) = if from_patch {
                    let r = e
                        .messages
                        .first()
                        .and_then(|m| devices::registry().identify(m))
                        .map(|(_, _, f)| (f.program, f.bank));
                    match r {
                        Some((Some(p), bank)) if p < 128 => (p as u8, bank),
                        _ => {
                            return Err(input(format!(
                            "entry {entry} \"{}\": its messages carry no program number under 128",
                            e.name
                        )))
                        }
                    }
                } else {
                    (program.unwrap_or(1) - 1, None)
                };
                Some(library::StoredAt {
                    channel: channel - 1,
                    bank_msb: bank_msb.or(bank),
                    bank_lsb,
                    program,
                })
            };
            lib.apply(Edit::SetStoredAt(ids[0], at));
            Ok(match at {
                Some(at) => format!("entry {entry} is recalled by {}", at.describe()),
                None => format!("entry {entry} is recalled by sending its dump"),
            })
        })
        .map(ok),
        Command::Request {
            device,
            request,
            port,
            print,
            channel,
            device_id,
            program,
            bank,
        } => {
            let fields = devices::Fields {
                channel: Some(channel - 1),
                device: device_id,
                program,
                bank,
                sub: None,
            };
            request_command(&device, &request, port.as_deref(), print, fields).map(ok)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "sysex-vault", &mut script);
            Ok(ok(String::from_utf8_lossy(&script).trim_end().to_owned()))
        }
    }
}

// ---- Device definitions ------------------------------------------------------------------

fn split(path: &Path, entry: usize, per_message: bool) -> Result<String, Failure> {
    edit_checked(path, &[entry], |lib, ids| {
        let e = lib
            .get(ids[0])
            .cloned()
            .ok_or_else(|| input("no entry".into()))?;
        if per_message {
            let n = lib.apply(Edit::Split(ids[0])).len().saturating_sub(1);
            return Ok(if n == 0 {
                format!("entry {entry} holds one message: nothing to split")
            } else {
                format!("split entry {entry} into {n} entries, one per message")
            });
        }
        match library::patches::split_into_patches(devices::registry(), &e) {
            Ok(parts) => {
                let n = parts.len();
                let first = parts[0].name.clone();
                lib.apply(Edit::Replace(ids[0], parts));
                Ok(format!(
                    "split entry {entry} \"{}\" into {n} patches (\"{first}\" …)",
                    e.name
                ))
            }
            Err(_) if e.messages.len() > 1 => {
                let n = lib.apply(Edit::Split(ids[0])).len().saturating_sub(1);
                Ok(format!(
                    "split entry {entry} into {n} entries, one per message"
                ))
            }
            Err(why) => Err(input(format!("entry {entry}: {why}"))),
        }
    })
}

fn build_bank(path: &Path, entries: &[usize], name: Option<String>) -> Result<String, Failure> {
    edit_checked(path, entries, |lib, ids| {
        let picked: Vec<&Entry> = ids.iter().filter_map(|id| lib.get(*id)).collect();
        let mut bank = library::patches::build_bank(devices::registry(), &picked)
            .map_err(|why| input(format!("no bank built: {why}")))?;
        if let Some(n) = name {
            bank.name = n;
        }
        let text = format!(
            "built \"{}\" ({} bytes) from {} patches; it follows entry {}",
            bank.name,
            bank.byte_len(),
            ids.len(),
            entries.iter().max().copied().unwrap_or(1)
        );
        let last = ids
            .iter()
            .copied()
            .max_by_key(|id| lib.position(*id))
            .unwrap_or(ids[0]);
        lib.apply(Edit::InsertAfter(last, bank));
        Ok(text)
    })
}

fn fix_checksum(path: &Path, entries: &[usize]) -> Result<String, Failure> {
    edit_checked(path, entries, |lib, ids| {
        let mut out = String::new();
        for (n, id) in entries.iter().zip(ids) {
            let Some(e) = lib.get(*id) else { continue };
            match library::patches::fix_checksums(devices::registry(), e) {
                Some((messages, fixed)) => {
                    let name = e.name.clone();
                    lib.apply(Edit::SetMessages(*id, messages));
                    let _ = writeln!(out, "entry {n} \"{name}\": corrected {fixed} checksum(s)");
                }
                None => {
                    let _ = writeln!(out, "entry {n} \"{}\": no known checksum is wrong", e.name);
                }
            }
        }
        Ok(out.trim_end().to_owned())
    })
}

/// A MIDI channel typed on the command line: 1-16, or `any` (`None`).
#[derive(Clone, Copy, Debug)]
pub struct Channel(pub Option<u8>);

fn parse_channel(text: &str) -> Result<Channel, String> {
    if text.eq_ignore_ascii_case("any") {
        return Ok(Channel(None));
    }
    match text.parse::<u8>() {
        Ok(c @ 1..=16) => Ok(Channel(Some(c - 1))),
        _ => Err(format!("`{text}`: a channel is 1 to 16, or `any`")),
    }
}

/// `map`: the channel, bank and interrupt choice (its program is set here); `None` clears.
fn map_pc(
    path: &Path,
    entry: usize,
    program: Option<u8>,
    from_patch: bool,
    map: Option<ProgramMap>,
) -> Result<String, Failure> {
    edit_checked(path, &[entry], |lib, ids| {
        let pc = if from_patch {
            let e = lib.get(ids[0]).ok_or_else(|| input("no entry".into()))?;
            let p = library::patches::program_number(devices::registry(), e).ok_or_else(|| {
                input(format!(
                    "entry {entry} \"{}\": its messages carry no program number",
                    e.name
                ))
            })?;
            let p = u8::try_from(p).ok().filter(|p| *p < 128).ok_or_else(|| {
                input(format!(
                    "entry {entry}: program {p} is beyond program change 128"
                ))
            })?;
            Some(p)
        } else {
            program.map(|p| p - 1)
        };
        let pc = pc
            .zip(map)
            .map(|(program, map)| ProgramMap { program, ..map });
        lib.apply(Edit::SetProgram(ids[0], pc));
        Ok(match pc {
            Some(m) => format!("{} sends entry {entry}", m.describe()),
            None => format!("entry {entry} has no program change"),
        })
    })
}

fn devices_command(id: Option<&str>, check: &[PathBuf]) -> Result<Output, Failure> {
    if !check.is_empty() {
        let mut out = String::new();
        let mut bad = false;
        for path in check {
            let text = std::fs::read_to_string(path)
                .map_err(|e| input(format!("{}: {e}", path.display())))?;
            match devices::definition::parse(&path.display().to_string(), &text) {
                Ok(d) => {
                    let _ = writeln!(
                        out,
                        "{}: ok ({}, {} message kinds, {} requests)",
                        path.display(),
                        d.name,
                        d.messages.len(),
                        d.requests.len()
                    );
                }
                Err(errors) => {
                    bad = true;
                    for e in errors {
                        let _ = writeln!(out, "{e}");
                    }
                }
            }
        }
        let text = out.trim_end().to_owned();
        return if bad { Err(input(text)) } else { Ok(ok(text)) };
    }
    let reg = devices::registry();
    if let Some(id) = id {
        let d = reg.get(id).ok_or_else(|| {
            input(format!(
                "no device definition `{id}`; `sysex-vault devices` lists them"
            ))
        })?;
        let mut out = format!("{} ({}), from {}\n", d.name, d.id, d.file);
        if !d.models.is_empty() {
            let _ = writeln!(out, "models: {}", d.models.join(", "));
        }
        let _ = writeln!(
            out,
            "pacing: {} B/s, {} ms after each message",
            d.pacing.bytes_per_second, d.pacing.gap_after_message_ms
        );
        out.push_str("messages:\n");
        for m in &d.messages {
            let _ = writeln!(out, "  {:<14} {:<12} {}", m.id, m.kind.label(), m.label);
        }
        out.push_str("requests:\n");
        for r in &d.requests {
            let _ = writeln!(out, "  {:<14} {}", r.id, r.label);
        }
        if d.requests.is_empty() {
            out.push_str("  (none)\n");
        }
        if !d.guide.is_empty() {
            let _ = writeln!(
                out,
                "how to start a dump:\n  {}",
                d.guide.replace('\n', "\n  ")
            );
        }
        out.push_str("sources:\n");
        for s in &d.sources {
            let _ = writeln!(out, "  - {s}");
        }
        if !d.left_out.is_empty() {
            out.push_str("left out (not confirmed):\n");
            for s in &d.left_out {
                let _ = writeln!(out, "  - {s}");
            }
        }
        return Ok(ok(out.trim_end().to_owned()));
    }
    let mut out = format!("{} device definitions", reg.all().len());
    if let Some(folder) = devices::user_folder() {
        let _ = write!(out, " (your folder: {})", folder.display());
    }
    out.push('\n');
    for d in reg.all() {
        let user = if d.file.starts_with("built-in/") {
            ""
        } else {
            "  [yours]"
        };
        let _ = writeln!(out, "  {:<24} {}{user}", d.id, d.name);
    }
    for e in reg.errors() {
        let _ = writeln!(out, "error: {e}");
    }
    Ok(ok(out.trim_end().to_owned()))
}

fn request_command(
    device: &str,
    request: &str,
    port: Option<&str>,
    print: bool,
    fields: devices::Fields,
) -> Result<String, Failure> {
    let d = devices::registry().get(device).ok_or_else(|| {
        usage(format!(
            "no device definition `{device}`; `sysex-vault devices` lists them"
        ))
    })?;
    let messages = d
        .request(request, fields)
        .map_err(|e| usage(format!("{}: {e} (requests: {})", d.name, d.request_ids())))?;
    if print {
        return Ok(files::hex::write(&messages).trim_end().to_owned());
    }
    let port = port.ok_or_else(|| usage("--port is needed to send".into()))?;
    send_messages(&messages, port, d.pacing)
}

// ---- Libraries on disk ---------------------------------------------------------------------

/// Refuses a path that is not a `.sxvl` file (a mistyped `something.syx` is never taken for a
/// library).
fn library_path(path: &Path) -> Result<(), Failure> {
    if file::is_library_path(path) {
        return Ok(());
    }
    Err(usage(format!(
        "{}: not a library file (library files end in .{}); to add a SysEx file to a library: \
sysex-vault import LIBRARY.sxvl {}",
        path.display(),
        file::EXTENSION,
        path.display()
    )))
}

/// A library that must exist.
fn load(path: &Path) -> Result<Library, Failure> {
    library_path(path)?;
    file::load_existing(path).map_err(input)
}

/// A library to add to: it must exist unless `create`.
fn load_or_create(path: &Path, create: bool) -> Result<Library, Failure> {
    library_path(path)?;
    if !path.exists() && !create {
        return Err(input(format!(
            "{}: no such library file (add --create to make a new one, or check the name)",
            path.display()
        )));
    }
    file::load(path).map_err(input)
}

/// A library to change: its lock is taken before it is read and held until it is written
/// ([`save`]), so another writer (the app, another command) never loses this change or has
/// its own lost.
/// `create`: `None` for a command without `--create` (the library must exist).
fn load_for_change(
    path: &Path,
    create: Option<bool>,
) -> Result<(file::LibraryLock, Library), Failure> {
    // A missing library is refused before the lock file is made: a mistyped name leaves
    // nothing behind.
    if !path.exists() {
        match create {
            Some(create) => load_or_create(path, create)?,
            None => load(path)?,
        };
    }
    library_path(path)?;
    let lock = file::lock(path).map_err(output)?;
    let lib = match create {
        Some(create) => load_or_create(path, create)?,
        None => load(path)?,
    };
    Ok((lock, lib))
}

/// Writes a library read with [`load_for_change`], under its lock.
fn save(lock: &file::LibraryLock, lib: &Library) -> Result<(), Failure> {
    lock.save(lib).map_err(output)
}

/// Refuses to replace `path` unless `force`.
fn may_write(path: &Path, force: bool) -> Result<(), Failure> {
    if path.exists() && !force {
        return Err(output(format!(
            "{}: exists; add --force to replace it",
            path.display()
        )));
    }
    Ok(())
}

/// Entry ids for 1-based entry numbers.
fn ids_of(lib: &Library, numbers: &[usize]) -> Result<Vec<EntryId>, Failure> {
    numbers
        .iter()
        .map(|&n| {
            n.checked_sub(1)
                .and_then(|i| lib.entries.get(i))
                .map(|e| e.id)
                .ok_or_else(|| {
                    input(format!(
                        "no entry {n}: the library has {}",
                        lib.entries.len()
                    ))
                })
        })
        .collect()
}

/// The ids of the chosen entries (1-based numbers), or of every entry when none is chosen.
fn chosen_ids(lib: &Library, picks: &[usize]) -> Result<Vec<EntryId>, Failure> {
    if picks.is_empty() {
        Ok(lib.entries.iter().map(|e| e.id).collect())
    } else {
        ids_of(lib, picks)
    }
}

/// Loads, applies `change` to the entries named by `numbers`, saves atomically.
/// Like [`edit`], for a change that can fail (the library is then not written).
fn edit_checked(
    path: &Path,
    numbers: &[usize],
    change: impl FnOnce(&mut Library, &[EntryId]) -> Result<String, Failure>,
) -> Result<String, Failure> {
    let (lock, mut lib) = load_for_change(path, None)?;
    let ids = ids_of(&lib, numbers)?;
    let text = change(&mut lib, &ids)?;
    save(&lock, &lib)?;
    Ok(text)
}

fn edit(
    path: &Path,
    numbers: &[usize],
    change: impl FnOnce(&mut Library, &[EntryId]) -> String,
) -> Result<String, Failure> {
    let (lock, mut lib) = load_for_change(path, None)?;
    let ids = ids_of(&lib, numbers)?;
    let text = change(&mut lib, &ids);
    save(&lock, &lib)?;
    Ok(text)
}

fn init(path: &Path, force: bool) -> Result<String, Failure> {
    library_path(path)?;
    may_write(path, force)?;
    file::save(path, &Library::default()).map_err(output)?;
    Ok(format!("created {} (empty library)", path.display()))
}

// ---- Reading and describing ----------------------------------------------------------------

fn read_file(path: &Path) -> Result<(String, Vec<u8>), Failure> {
    let bytes = std::fs::read(path).map_err(|e| input(format!("{}: {e}", path.display())))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok((name, bytes))
}

/// One entry as `list --json` prints it.
#[derive(Serialize)]
struct EntryJson<'a> {
    number: usize,
    name: &'a str,
    device: &'a str,
    profile: &'a str,
    kind: &'static str,
    messages: usize,
    bytes: usize,
    tags: &'a [String],
    favourite: bool,
    note: &'a str,
    recall_on_load: bool,
    /// 1-based program number.
    program_change: Option<u16>,
    /// The whole mapping in words (channel, bank, interrupt).
    program_change_mapping: Option<String>,
    /// Where the synth keeps it (recalls send bank select and a program change), in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    recall_by_program_change: Option<String>,
    /// Entry number of the identical entry that came first.
    duplicate_of: Option<usize>,
    lost_messages: u64,
    unterminated_messages: usize,
    bad_checksums: u32,
    source: String,
    created_unix_ms: u64,
}

fn source_text(s: &Source) -> String {
    match s {
        Source::Capture => "capture".into(),
        Source::Import(name) => format!("import {name}"),
    }
}

fn list(path: &Path, json: bool) -> Result<String, Failure> {
    let lib = load(path)?;
    let number_of = |id: EntryId| lib.position(id).map(|p| p + 1);
    if json {
        let entries: Vec<EntryJson> = lib
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| EntryJson {
                number: i + 1,
                name: &e.name,
                device: &e.device,
                profile: &e.profile,
                kind: e.kind.label(),
                messages: e.messages.len(),
                bytes: e.byte_len(),
                tags: &e.tags,
                favourite: e.favourite,
                note: &e.note,
                recall_on_load: e.recall_on_load,
                program_change: e.program_change.map(|p| u16::from(p.program) + 1),
                program_change_mapping: e.program_change.map(|p| p.describe()),
                recall_by_program_change: e.stored_at.map(|at| at.describe()),
                duplicate_of: e.duplicate_of.and_then(number_of),
                lost_messages: e.lost_messages,
                unterminated_messages: e.unterminated.len(),
                bad_checksums: e.invalid_checksums,
                source: source_text(&e.source),
                created_unix_ms: e.created_unix_ms,
            })
            .collect();
        let doc = serde_json::json!({
            "library": path.display().to_string(),
            "bytes": lib.byte_len(),
            "entries": entries,
        });
        return Ok(serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    let mut out = String::new();
    for (i, e) in lib.entries.iter().enumerate() {
        let mut notes = Vec::new();
        if let Some(d) = e.duplicate_of.and_then(number_of) {
            notes.push(format!("duplicate of {d}"));
        }
        if e.has_problems() {
            notes.push(format!(
                "problems: see `info {} --entry {}`",
                path.display(),
                i + 1
            ));
        }
        if e.recall_on_load {
            notes.push("recall on load".into());
        }
        if let Some(pc) = e.program_change {
            notes.push(pc.describe());
        }
        if let Some(at) = e.stored_at {
            notes.push(format!("recalled by {}", at.describe()));
        }
        if e.favourite {
            notes.push("favourite".into());
        }
        if !e.tags.is_empty() {
            notes.push(format!("tags: {}", e.tags.join(", ")));
        }
        if !e.note.is_empty() {
            notes.push(format!("note: {}", e.note));
        }
        let _ = writeln!(
            out,
            "{:>3}  {:<40} {:<28} {:<8} {:>5} msg {:>9} B  {}",
            i + 1,
            e.name,
            e.device,
            e.kind.label(),
            e.messages.len(),
            e.byte_len(),
            notes.join(", ")
        );
    }
    let _ = write!(
        out,
        "{} entries, {} bytes",
        lib.entries.len(),
        lib.byte_len()
    );
    Ok(out)
}

/// One message, decoded.
#[derive(Serialize)]
struct MessageJson {
    number: usize,
    bytes: usize,
    manufacturer: String,
    device: String,
    profile: String,
    kind: &'static str,
    detail: String,
    /// "ok", "bad" or "none".
    checksum: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    checksum_expected: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checksum_found: Option<u8>,
    preset_names: Vec<String>,
    /// Program number as sent, where the message holds one.
    #[serde(skip_serializing_if = "Option::is_none")]
    program: Option<u16>,
    /// Bank number as sent, where the message holds one.
    #[serde(skip_serializing_if = "Option::is_none")]
    bank: Option<u8>,
}

fn describe(number: usize, m: &[u8]) -> Option<MessageJson> {
    let msg = SysEx::new(m).ok()?;
    let r = devices::recognise(&msg);
    let (checksum, expected, found) = match r.checksum {
        ChecksumStatus::Valid => ("ok", None, None),
        ChecksumStatus::Invalid { expected, found } => ("bad", Some(expected), Some(found)),
        ChecksumStatus::NotApplicable => ("none", None, None),
    };
    Some(MessageJson {
        number,
        bytes: m.len(),
        manufacturer: msg
            .manufacturer()
            .map_or("none".into(), manufacturer::describe),
        device: r.device,
        profile: r.definition,
        kind: r.kind.label(),
        detail: r.detail,
        checksum,
        checksum_expected: expected,
        checksum_found: found,
        preset_names: r.preset_names,
        program: r.program,
        bank: r.bank,
    })
}

fn describe_line(d: &MessageJson) -> String {
    let checksum = match (d.checksum, d.checksum_expected, d.checksum_found) {
        ("bad", Some(e), Some(f)) => format!("CHECKSUM BAD (expected {e:02X}, found {f:02X})"),
        ("ok", _, _) => "checksum ok".into(),
        _ => "no checksum".into(),
    };
    let names = if d.preset_names.is_empty() {
        String::new()
    } else {
        format!(" [{}]", d.preset_names.join(", "))
    };
    format!(
        "  #{:<4} {:>8} B  {}; {} ({}): {} {}; {checksum}{names}",
        d.number, d.bytes, d.manufacturer, d.device, d.profile, d.kind, d.detail
    )
}

/// One file or library entry, decoded.
#[derive(Serialize)]
struct SourceJson {
    source: String,
    name: String,
    messages: Vec<MessageJson>,
    warnings: Vec<String>,
    unterminated_messages: usize,
    bad_checksums: usize,
}

/// The sources `info` describes: each file, or each (chosen) entry of a library.
fn info_sources(
    paths: &[PathBuf],
    picks: &[usize],
) -> Result<Vec<(String, Entry, Vec<String>)>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        if file::is_library_path(p) {
            let lib = load(p)?;
            let ids = chosen_ids(&lib, picks)?;
            for id in ids {
                let n = lib.position(id).unwrap_or(0) + 1;
                if let Some(e) = lib.get(id) {
                    out.push((format!("{}:{n}", p.display()), e.clone(), Vec::new()));
                }
            }
        } else {
            let (name, bytes) = read_file(p)?;
            let imported = files::import(&name, &bytes, 0).map_err(input)?;
            out.push((p.display().to_string(), imported.entry, imported.warnings));
        }
    }
    Ok(out)
}

fn info(paths: &[PathBuf], picks: &[usize], strict: bool, json: bool) -> Result<String, Failure> {
    let mut reports = Vec::new();
    for (source, entry, warnings) in info_sources(paths, picks)? {
        let messages: Vec<MessageJson> = entry
            .messages
            .iter()
            .enumerate()
            .filter_map(|(i, m)| describe(i + 1, m))
            .collect();
        let bad = messages.iter().filter(|m| m.checksum == "bad").count();
        reports.push(SourceJson {
            source,
            name: entry.name.clone(),
            messages,
            warnings,
            unterminated_messages: entry.unterminated.len(),
            bad_checksums: bad,
        });
    }
    let bad: usize = reports.iter().map(|r| r.bad_checksums).sum();
    let text = if json {
        serde_json::to_string_pretty(&reports).unwrap_or_default()
    } else {
        let mut out = String::new();
        for r in &reports {
            let bytes: usize = r.messages.iter().map(|m| m.bytes).sum();
            let _ = writeln!(
                out,
                "{} \"{}\": {} message(s), {bytes} bytes",
                r.source,
                r.name,
                r.messages.len()
            );
            for m in &r.messages {
                let _ = writeln!(out, "{}", describe_line(m));
            }
            for w in &r.warnings {
                let _ = writeln!(out, "  warning: {w}");
            }
            if r.unterminated_messages > 0 {
                let _ = writeln!(
                    out,
                    "  {} unterminated message(s) kept aside",
                    r.unterminated_messages
                );
            }
        }
        out.trim_end().to_owned()
    };
    if strict && bad > 0 {
        return Err(input(format!(
            "{text}\n{bad} message(s) with a bad checksum (--strict)"
        )));
    }
    Ok(text)
}

/// Warnings naming each message of `entry` whose checksum is wrong.
fn checksum_warnings(file: &str, entry: &Entry) -> Vec<String> {
    if entry.invalid_checksums == 0 {
        return Vec::new();
    }
    entry
        .messages
        .iter()
        .enumerate()
        .filter_map(|(i, m)| describe(i + 1, m))
        .filter(|d| d.checksum == "bad")
        .map(|d| {
            format!(
                "{file}: message #{} ({}, {}): bad checksum (expected {:02X}, found {:02X})",
                d.number,
                d.device,
                d.detail,
                d.checksum_expected.unwrap_or(0),
                d.checksum_found.unwrap_or(0)
            )
        })
        .collect()
}

/// Bytes a library's saved payload takes, about (SysEx bytes plus a little per message and
/// entry): enough to stop an import before it crosses [`MAX_DECODED_BYTES`].
fn payload_estimate(e: &Entry) -> u64 {
    let messages: usize = e
        .messages
        .iter()
        .chain(&e.unterminated)
        .map(|m| m.len() + 5)
        .sum();
    (messages + e.name.len() + e.device.len() + 128) as u64
}

// ---- Adding to a library -------------------------------------------------------------------

fn import(
    lib_path: &Path,
    paths: &[PathBuf],
    create: bool,
    strict: bool,
) -> Result<String, Failure> {
    import_within(lib_path, paths, create, strict, MAX_DECODED_BYTES)
}

/// [`import`] with the size limit as a parameter (tests use a small one).
fn import_within(
    lib_path: &Path,
    paths: &[PathBuf],
    create: bool,
    strict: bool,
    limit: u64,
) -> Result<String, Failure> {
    let (lock, mut lib) = load_for_change(lib_path, Some(create))?;
    let mut size: u64 = lib.entries.iter().map(payload_estimate).sum();
    let mut out = String::new();
    let mut bad = Vec::new();
    let total_bytes: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let mut progress = (paths.len() > 20 || total_bytes > 8 << 20)
        .then(|| Progress::new("importing", Some(paths.len() as u64), "files"));
    for (k, p) in paths.iter().enumerate() {
        if let Some(pr) = progress.as_mut() {
            pr.set(k as u64, &p.display().to_string());
        }
        // Read one file at a time: memory follows the library, not the argument count.
        let (name, bytes) = read_file(p)?;
        let imported =
            files::import_any(&name, &bytes, crate::store::now_unix_ms()).map_err(input)?;
        drop(bytes);
        let from_library = file::is_library_path(p);
        for mut imp in imported {
            for w in &imp.warnings {
                let _ = writeln!(out, "warning: {w}");
            }
            let warnings = checksum_warnings(&name, &imp.entry);
            for w in &warnings {
                let _ = writeln!(out, "warning: {w}");
            }
            bad.extend(warnings);
            size += payload_estimate(&imp.entry);
            if size > limit {
                return Err(input(format!(
                    "{}: importing {} would take the library past the {limit}-byte limit SysEx Vault reads back; nothing was written",
                    lib_path.display(),
                    p.display()
                )));
            }
            if from_library {
                for note in fit_settings(&lib, &mut imp.entry, p) {
                    let _ = writeln!(out, "note: {note}");
                }
            }
            let n = imp.entry.messages.len();
            let entry_name = imp.entry.name.clone();
            let id = lib.add(imp.entry);
            let dup = lib.get(id).and_then(|e| e.duplicate_of);
            let _ = writeln!(
                out,
                "imported {} as \"{entry_name}\" ({n} message(s)){}",
                p.display(),
                dup.and_then(|d| lib.position(d))
                    .map_or(String::new(), |d| format!(", identical to entry {}", d + 1))
            );
        }
    }
    if let Some(pr) = progress {
        pr.finish();
    }
    if strict && !bad.is_empty() {
        return Err(input(format!(
            "{out}{} message(s) with a bad checksum (--strict): nothing was written",
            bad.len()
        )));
    }
    save_and_count(&lock, &lib, out)
}

/// Keeps a library's one recall entry and one entry per program number when `entry` comes in
/// from another library: the incoming setting is dropped, with a note saying so.
fn fit_settings(lib: &Library, entry: &mut Entry, from: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    if entry.recall_on_load && lib.recall_entry().is_some() {
        entry.recall_on_load = false;
        notes.push(format!(
            "\"{}\" was the recall entry of {}; the library keeps its own",
            entry.name,
            from.display()
        ));
    }
    if let Some(pc) = entry.program_change {
        let taken = lib
            .entries
            .iter()
            .any(|e| e.program_change.is_some_and(|m| m.same_trigger(&pc)));
        if taken {
            entry.program_change = None;
            notes.push(format!(
                "\"{}\" lost its mapping to {}, which the library already uses",
                entry.name,
                pc.describe()
            ));
        }
    }
    notes
}

/// Saves the library and ends `out` with its new size.
fn save_and_count(
    lock: &file::LibraryLock,
    lib: &Library,
    mut out: String,
) -> Result<String, Failure> {
    let lib_path = lock.path();
    save(lock, lib)?;
    let _ = write!(
        out,
        "{} now holds {} entries",
        lib_path.display(),
        lib.entries.len()
    );
    Ok(out)
}

fn merge(
    lib_path: &Path,
    sources: &[PathBuf],
    create: bool,
    keep_duplicates: bool,
) -> Result<String, Failure> {
    let (lock, mut lib) = load_for_change(lib_path, Some(create))?;
    let mut out = String::new();
    let mut size: u64 = lib.entries.iter().map(payload_estimate).sum();
    for src in sources {
        let other = load(src)?;
        let (mut added, mut skipped) = (0, Vec::new());
        for mut e in other.entries {
            let existing = lib
                .entries
                .iter()
                .position(|x| x.hash == e.hash && x.messages == e.messages);
            if let (Some(pos), false) = (existing, keep_duplicates) {
                skipped.push(format!("\"{}\" (= entry {})", e.name, pos + 1));
                continue;
            }
            size += payload_estimate(&e);
            if size > MAX_DECODED_BYTES {
                return Err(input(format!(
                    "{}: merging {} would take the library past the {MAX_DECODED_BYTES}-byte limit; nothing was written",
                    lib_path.display(),
                    src.display()
                )));
            }
            for note in fit_settings(&lib, &mut e, src) {
                let _ = writeln!(out, "note: {note}");
            }
            lib.add(e);
            added += 1;
        }
        let _ = writeln!(
            out,
            "merged {added} entries from {}{}",
            src.display(),
            if skipped.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} already there, skipped: {}",
                    skipped.len(),
                    skipped.join(", ")
                )
            }
        );
    }
    save_and_count(&lock, &lib, out)
}

// ---- Writing out ---------------------------------------------------------------------------

fn export(
    lib_path: &Path,
    out_path: &Path,
    picks: &[usize],
    force: bool,
) -> Result<String, Failure> {
    let lib = load(lib_path)?;
    let ids = chosen_ids(&lib, picks)?;
    let entries: Vec<&Entry> = ids.iter().filter_map(|id| lib.get(*id)).collect();
    let same_file = out_path.exists()
        && std::fs::canonicalize(out_path).ok() == std::fs::canonicalize(lib_path).ok();
    if same_file && !force {
        return Err(output(format!(
            "{}: that is the library being exported; add --force to replace it",
            out_path.display()
        )));
    }
    may_write(out_path, force)?;
    let format = Format::from_name(&out_path.to_string_lossy());
    let messages: usize = entries.iter().map(|e| e.messages.len()).sum();
    if format != Format::Library && messages == 0 {
        return Err(input(format!("{}: nothing to export", lib_path.display())));
    }
    // A library file keeps entries as entries: names, tags, recall and program changes.
    let bytes = files::export_entries(entries.iter().copied(), format, &Pacing::DIN)
        .map_err(|e| output(format!("{}: {e}", out_path.display())))?;
    file::write_file(out_path, &bytes).map_err(output)?;
    Ok(if format == Format::Library {
        format!("wrote {} entries to {}", entries.len(), out_path.display())
    } else {
        format!(
            "wrote {messages} message(s) from {} entries to {}",
            entries.len(),
            out_path.display()
        )
    })
}

/// A file-name-safe version of a track or entry name (the same rules as the editor's exports).
fn safe(name: &str) -> String {
    files::safe_file_name(name, "unnamed")
}

/// What `extract` writes for one instance.
struct Planned {
    folder: PathBuf,
    files: Vec<(PathBuf, Vec<u8>)>,
    line: String,
}

/// The files `extract` writes for one library: each entry as `<prefix>NN name.<ext>`, and the
/// library itself as `library_file`.
fn plan_library(
    folder: &Path,
    lib: &Library,
    prefix: &str,
    library_file: &str,
    format: Format,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = lib
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let path = folder.join(format!(
                "{prefix}{:02} {}.{}",
                i + 1,
                safe(&e.name),
                format.extension()
            ));
            (path, files::export(&e.messages, format, &Pacing::DIN))
        })
        .collect();
    let blob =
        crate::state::try_encode(lib).map_err(|e| output(format!("{}: {e}", folder.display())))?;
    files.push((folder.join(library_file), blob));
    Ok(files)
}

fn extract(
    project_path: &Path,
    out_dir: &Path,
    format: Format,
    force: bool,
) -> Result<String, Failure> {
    let (_, bytes) = read_file(project_path)?;
    let text = String::from_utf8_lossy(&bytes);
    let (daw, instances) =
        project::extract(&text).map_err(|e| input(format!("{}: {e}", project_path.display())))?;
    if instances.is_empty() {
        return Err(input(format!(
            "{}: no SysEx Vault instance found",
            project_path.display()
        )));
    }
    let mut out = format!(
        "{} ({daw:?}): {} SysEx Vault instance(s)\n",
        project_path.display(),
        instances.len()
    );
    // Plan every file first: each instance gets a folder of its own (two tracks with the same
    // name, or none, never share one), and nothing existing is replaced without --force.
    let mut used: Vec<String> = Vec::new();
    let mut plans = Vec::new();
    let mut failed = 0;
    for inst in &instances {
        let base = safe(&format!("{} {}", inst.track, inst.slot + 1));
        let mut name = base.clone();
        let mut k = 2;
        while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
            name = format!("{base} ({k})");
            k += 1;
        }
        used.push(name.clone());
        let folder = out_dir.join(&name);
        let label = format!(
            "track \"{}\" #{} ({})",
            inst.track,
            inst.slot + 1,
            inst.format
        );
        let mut files = Vec::new();
        let mut line = match &inst.library {
            Ok(lib) => {
                files.extend(plan_library(&folder, lib, "", "library.sxvl", format)?);
                format!(
                    "  {label}: {} entries -> {}",
                    lib.entries.len(),
                    folder.display()
                )
            }
            Err(e) => {
                failed += 1;
                format!("  {label}: NOT READABLE: {e}")
            }
        };
        if let Some(pending) = &inst.pending {
            files.extend(plan_library(
                &folder,
                pending,
                "PENDING ",
                "pending.sxvl",
                format,
            )?);
            let _ = write!(
                line,
                "; plus {} PENDING capture(s), made while the saved library could not be read -> {}",
                pending.entries.len(),
                folder.display()
            );
        }
        plans.push(Planned {
            folder,
            files,
            line,
        });
    }
    if !force {
        if let Some((path, _)) = plans
            .iter()
            .flat_map(|p| &p.files)
            .find(|(path, _)| path.exists())
        {
            return Err(output(format!(
                "{}: exists; add --force to replace files from an earlier extract",
                path.display()
            )));
        }
    }
    for plan in &plans {
        if !plan.files.is_empty() {
            std::fs::create_dir_all(&plan.folder)
                .map_err(|e| output(format!("{}: {e}", plan.folder.display())))?;
        }
        for (path, bytes) in &plan.files {
            file::write_file(path, bytes).map_err(output)?;
        }
        let _ = writeln!(out, "{}", plan.line);
    }
    if failed > 0 {
        return Err(input(format!(
            "{out}{failed} instance(s) could not be read"
        )));
    }
    Ok(out.trim_end().to_owned())
}

// ---- Comparing -----------------------------------------------------------------------------

/// One side of a `diff`: its messages, with a name for each.
struct DiffSide {
    messages: Vec<Vec<u8>>,
    names: Vec<String>,
}

/// Reads one side of a `diff`: `FILE`, `LIBRARY.sxvl:N` or `LIBRARY.sxvl`.
fn diff_side(spec: &str) -> Result<DiffSide, Failure> {
    let entry_spec = spec.rsplit_once(':').and_then(|(path, n)| {
        let path = Path::new(path);
        (file::is_library_path(path) && !n.is_empty())
            .then(|| n.parse::<usize>().ok().map(|n| (path, n)))
            .flatten()
    });
    let entries: Vec<Entry> = match entry_spec {
        Some((path, n)) => {
            let lib = load(path)?;
            let ids = ids_of(&lib, &[n])?;
            ids.iter().filter_map(|id| lib.get(*id).cloned()).collect()
        }
        None if file::is_library_path(Path::new(spec)) => load(Path::new(spec))?.entries,
        None => {
            let (name, bytes) = read_file(Path::new(spec))?;
            vec![files::import(&name, &bytes, 0).map_err(input)?.entry]
        }
    };
    let mut messages = Vec::new();
    let mut names = Vec::new();
    for e in entries {
        for m in e.messages {
            let decoded = SysEx::new(&m)
                .ok()
                .map(|msg| devices::recognise(&msg).preset_names.join(", "))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| e.name.clone());
            names.push(decoded);
            messages.push(m);
        }
    }
    Ok(DiffSide { messages, names })
}

fn ranges_text(ranges: &[std::ops::Range<usize>]) -> String {
    ranges
        .iter()
        .map(|r| {
            if r.len() == 1 {
                format!("{}", r.start)
            } else {
                format!("{}-{}", r.start, r.end - 1)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn diff_command(a: &str, b: &str, json: bool) -> Result<Output, Failure> {
    let (label_a, label_b) = (a, b);
    let DiffSide {
        messages: msgs_a,
        names: names_a,
    } = diff_side(a)?;
    let DiffSide {
        messages: msgs_b,
        names: names_b,
    } = diff_side(b)?;
    let diffs = diff::diff_messages(&msgs_a, &msgs_b);
    let differs = diffs.iter().any(|d| *d != MessageDiff::Same);
    let count = |f: fn(&MessageDiff) -> bool| diffs.iter().filter(|d| f(d)).count();
    let (same, changed, only_a, only_b) = (
        count(|d| matches!(d, MessageDiff::Same)),
        count(|d| matches!(d, MessageDiff::Changed { .. })),
        count(|d| matches!(d, MessageDiff::OnlyA)),
        count(|d| matches!(d, MessageDiff::OnlyB)),
    );
    let text = if json {
        let rows: Vec<serde_json::Value> = diffs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                serde_json::json!({
                    "number": i + 1,
                    "name_a": names_a.get(i),
                    "name_b": names_b.get(i),
                    "diff": d,
                })
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({
            "a": label_a,
            "b": label_b,
            "identical": !differs,
            "same": same,
            "changed": changed,
            "only_in_a": only_a,
            "only_in_b": only_b,
            "messages": rows,
        }))
        .unwrap_or_default()
    } else {
        let mut out = format!(
            "A: {label_a} ({} message(s))\nB: {label_b} ({} message(s))\n",
            msgs_a.len(),
            msgs_b.len()
        );
        for (i, d) in diffs.iter().enumerate() {
            let (na, nb) = (names_a.get(i), names_b.get(i));
            let line = match d {
                MessageDiff::Same => continue,
                MessageDiff::Changed {
                    ranges,
                    len_a,
                    len_b,
                } => {
                    let size = if len_a == len_b {
                        format!("of {len_a}")
                    } else {
                        format!("({len_a} → {len_b} bytes)")
                    };
                    let rename = match (na, nb) {
                        (Some(x), Some(y)) if x != y => format!(" \"{x}\" → \"{y}\""),
                        (Some(x), _) => format!(" \"{x}\""),
                        _ => String::new(),
                    };
                    format!("changed: bytes {} {size}{rename}", ranges_text(ranges))
                }
                MessageDiff::OnlyA => format!("only in A \"{}\"", na.map_or("", |s| s)),
                MessageDiff::OnlyB => format!("only in B \"{}\"", nb.map_or("", |s| s)),
            };
            let _ = writeln!(out, "#{:<4} {line}", i + 1);
        }
        let _ = write!(
            out,
            "{}: {same} same, {changed} changed, {only_a} only in A, {only_b} only in B",
            if differs { "different" } else { "identical" }
        );
        out
    };
    Ok(Output {
        text,
        code: if differs { EXIT_DIFFERENT } else { 0 },
    })
}

// ---- MIDI ports ----------------------------------------------------------------------------

fn ports_list(json: bool) -> Result<String, Failure> {
    let inputs = ports::input_ports().map_err(midi)?;
    let outputs = ports::output_ports().map_err(midi)?;
    if json {
        return Ok(serde_json::to_string_pretty(&serde_json::json!({
            "backend": ports::BACKEND,
            "inputs": inputs,
            "outputs": outputs,
        }))
        .unwrap_or_default());
    }
    let mut out = format!("MIDI ports ({}):\ninputs (capture from):\n", ports::BACKEND);
    for p in inputs {
        let _ = writeln!(out, "  {p}");
    }
    out.push_str("outputs (send to):\n");
    for p in outputs {
        let _ = writeln!(out, "  {p}");
    }
    Ok(out.trim_end().to_owned())
}

/// The messages and pacing of a `send`.
fn send_plan(
    lib_path: &Path,
    picks: &[usize],
    range: Option<&str>,
    preset: PacingPreset,
    tweak: impl Fn(Pacing) -> Pacing,
) -> Result<(Vec<Vec<u8>>, Pacing), Failure> {
    let lib = load(lib_path)?;
    let ids = chosen_ids(&lib, picks)?;
    let entries: Vec<&Entry> = ids.iter().filter_map(|id| lib.get(*id)).collect();
    let mut messages: Vec<Vec<u8>> = entries.iter().flat_map(|e| e.messages.clone()).collect();
    if let Some(range) = range {
        if picks.len() != 1 {
            return Err(usage("--messages goes with exactly one --entry".into()));
        }
        let (from, to) = parse_range(range, messages.len())?;
        messages = messages[from - 1..to].to_vec();
    }
    if messages.is_empty() {
        return Err(input(format!("{}: nothing to send", lib_path.display())));
    }
    let base = match preset {
        PacingPreset::Din => Pacing::DIN,
        PacingPreset::Usb => Pacing::USB_FAST,
        PacingPreset::Slow => Pacing::SLOW,
        PacingPreset::Device => entries
            .first()
            .and_then(|e| devices::registry().get(&e.profile))
            .map_or(Pacing::DIN, |d| d.pacing),
    };
    Ok((messages, tweak(base)))
}

/// A program range as the synth numbers programs in SysEx, from 0: `5` or `0-127`.
fn parse_programs(text: &str) -> Result<(u16, u16), Failure> {
    let bad = || usage(format!("--programs {text}: give N or N-M, from 0 to 16383"));
    let number = |s: &str| {
        s.trim()
            .parse::<u16>()
            .ok()
            .filter(|n| *n < 16_384)
            .ok_or_else(bad)
    };
    let (a, b) = match text.split_once('-') {
        None => (number(text)?, number(text)?),
        Some((a, b)) => (number(a)?, number(b)?),
    };
    if a > b {
        return Err(bad());
    }
    Ok((a, b))
}

/// A 1-based message range (`7`, `3-5`, `3-`) within `count` messages, checked.
fn parse_range(text: &str, count: usize) -> Result<(usize, usize), Failure> {
    let bad = || {
        usage(format!(
            "--messages {text}: give N, N-M or N- within 1-{count} (the entry has {count} message(s))"
        ))
    };
    let number = |s: &str| s.trim().parse::<usize>().map_err(|_| bad());
    let (from, to) = match text.split_once('-') {
        None => {
            let n = number(text)?;
            (n, n)
        }
        Some((a, "")) => (number(a)?, count),
        Some((a, b)) => (number(a)?, number(b)?),
    };
    if from == 0 || from > to || to > count {
        return Err(bad());
    }
    Ok((from, to))
}

/// Sends messages through an output port, paced, with a progress bar.
fn send_messages(messages: &[Vec<u8>], port: &str, pacing: Pacing) -> Result<String, Failure> {
    let total = messages.len();
    let total_bytes: u64 = messages.iter().map(|m| m.len() as u64).sum();
    let total_s = pacing.direct_total_seconds(messages.iter().map(Vec::len));
    let mut out = ports::open_output("sysex-vault", port, ports::Match::Typed).map_err(midi)?;
    let port = out.port.clone();
    let chunks = pacing.chunk().map_or(String::new(), |c| {
        format!(
            " in {c}-byte chunks ({} ms after each)",
            pacing.chunk_pause_ms
        )
    });
    eprintln!(
        "sending {total} message(s), {total_bytes} bytes to {port} at {} B/s{chunks} with {} ms gaps: about {total_s:.1} s",
        pacing.bytes_per_second, pacing.gap_after_message_ms
    );
    let mut progress = Progress::new("sending", Some(total_bytes), "bytes");
    let mut free_at = std::time::Instant::now();
    let report = ports::send_paced(
        &mut out,
        messages,
        pacing,
        &mut free_at,
        || false,
        || false,
        |m, b, t| {
            let eta = (total_s - t).max(0.0);
            progress.set(b, &format!("{m}/{total} messages, ETA {eta:.1} s"));
        },
    );
    progress.finish();
    let report = report.map_err(midi)?;
    // Let the last message leave the driver's buffer before the port closes.
    let last = messages
        .last()
        .map_or(0.0, |m| out.last_piece_seconds(&pacing, m.len()));
    let left = std::time::Instant::now() + std::time::Duration::from_secs_f64(last + 0.05);
    std::thread::sleep(left.saturating_duration_since(std::time::Instant::now()));
    out.wait_drained();
    drop(out);
    Ok(format!(
        "sent {} message(s), {} bytes to {port} in {:.2} s",
        report.messages,
        report.bytes,
        report.starts.last().copied().unwrap_or(0.0)
    ))
}

fn capture(
    lib_path: &Path,
    port: &str,
    gap_ms: u64,
    timeout_s: u64,
    create: bool,
) -> Result<String, Failure> {
    // Checked now (before waiting for the synth), read again when the dump is in: another
    // command may have changed the library meanwhile.
    load_or_create(lib_path, create)?;
    let (tx, rx) = crossbeam_channel::unbounded::<(u64, Vec<u8>)>();
    let start = std::time::Instant::now();
    let port_in = ports::open_input("sysex-vault", port, ports::Match::Typed, move |bytes| {
        let _ = tx.send((start.elapsed().as_micros() as u64, bytes.to_vec()));
    })
    .map_err(midi)?;
    let port = port_in.port.clone();
    eprintln!("waiting up to {timeout_s} s for a dump on {port} (start it on the synth)…");
    let mut recorder = TakeRecorder::new(MAX_MESSAGE_LEN, gap_ms * 1000);
    let deadline = start + std::time::Duration::from_secs(timeout_s);
    let mut progress: Option<Progress> = None;
    let take = loop {
        match rx.recv_timeout(std::time::Duration::from_millis(20)) {
            Ok((at, bytes)) if bytes.first().is_some_and(|b| *b < 0xF8) => {
                // Notes and controllers from the synth neither start nor extend the take.
                recorder.feed(at, &bytes);
                if let Some((m, b)) = recorder.in_progress() {
                    progress
                        .get_or_insert_with(|| Progress::new("receiving", None, "bytes"))
                        .set(b, &format!("{m} message(s)"));
                }
            }
            Ok(_) => {}
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => recorder.stop(),
        }
        recorder.tick(start.elapsed().as_micros() as u64);
        if let Some(take) = recorder.drain_finished().into_iter().next() {
            break take;
        }
        if progress.is_none() && std::time::Instant::now() > deadline {
            return Err(input(format!(
                "{port}: nothing arrived within {timeout_s} s"
            )));
        }
    };
    drop(port_in);
    if let Some(p) = progress {
        p.finish();
    }
    let entry = crate::store::entry_from_take(take);
    let summary = format!(
        "captured \"{}\": {} message(s), {} bytes{}",
        entry.name,
        entry.messages.len(),
        entry.byte_len(),
        if entry.has_problems() {
            " (with problems: see `info LIBRARY --entry N`)"
        } else {
            ""
        }
    );
    let complete = entry.messages.len();
    let (lock, mut lib) = load_for_change(lib_path, Some(create))?;
    lib.add(entry);
    save(&lock, &lib)?;
    let saved = format!(
        "{summary}; {} now holds {} entries",
        lib_path.display(),
        lib.entries.len()
    );
    if complete == 0 {
        // Only a cut message arrived (the sender paused longer than the gap, or stopped):
        // kept for inspection, but the capture failed.
        return Err(input(format!(
            "{saved}\n{port}: no complete message arrived: the dump was cut (the sender paused longer than --gap {gap_ms} ms, or stopped); the cut bytes are kept in entry {} with problems",
            lib.entries.len()
        )));
    }
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_that_would_cross_the_limit_writes_nothing() {
        let dir = std::env::temp_dir().join(format!("sxv-cli-limit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let lib = dir.join("lib.sxvl");
        file::save(&lib, &Library::default()).unwrap();
        let before = std::fs::read(&lib).unwrap();
        let files: Vec<PathBuf> = (0..4u8)
            .map(|i| {
                let p = dir.join(format!("{i}.syx"));
                let mut m = vec![i & 0x7F; 3_000];
                m[0] = 0xF0;
                m[2_999] = 0xF7;
                std::fs::write(&p, m).unwrap();
                p
            })
            .collect();
        let err = import_within(&lib, &files, false, false, 10_000).unwrap_err();
        assert_eq!(err.code, EXIT_INPUT);
        assert!(
            err.message
                .contains("3.syx would take the library past the 10000-byte limit"),
            "{}",
            err.message
        );
        assert_eq!(std::fs::read(&lib).unwrap(), before, "nothing written");
        assert!(import_within(&lib, &files[..3], false, false, 10_000).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
