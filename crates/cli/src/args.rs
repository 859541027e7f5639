//! The command line's grammar for `clap`: [`Cli`], the [`Command`]s with their options, and the
//! value types and parsers of those options.

use super::failure::{ok, Failure, Output};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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

/// `--chunk`: 0 (whole messages) or a chunk size the pacing allows.
fn parse_chunk(s: &str) -> Result<u32, String> {
    let n: u32 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if n == 0 || (crate::pacing::MIN_CHUNK..=crate::pacing::MAX_CHUNK).contains(&n) {
        Ok(n)
    } else {
        Err("a chunk is 4 to 256 bytes (0: whole messages)".into())
    }
}

/// The commands. Those with many options (`map-pc`, `recall-by-pc`, `send`, `get`, `request`)
/// keep them in an `…Args` struct that goes whole to the command.
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
        /// Only entries whose name, device, tags, note or a patch inside (a bank's voices)
        /// holds this text, any case; the patches found are named.
        #[arg(long, value_name = "TEXT", conflicts_with = "json")]
        search: Option<String>,
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
        /// List each message's parameters and their values, where its synth's definition has a
        /// parameter map for it.
        #[arg(long)]
        params: bool,
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
    /// Write entries to a file: .syx, .mid, .txt (hex), a .sxvl library (entries kept whole),
    /// or patch names for a DAW's program picker: .midnam (Ardour) or .reabank (REAPER), one
    /// file per synth ("OUT - Synth.midnam" beside OUT when there are several).
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
        #[arg(long, conflicts_with = "model")]
        messages: bool,
        /// The model that made the bank, where it changes the split (`--model DX100`: 24
        /// voices; `--model TX81Z`: ACED + VCED pairs); see `devices ID` for the models.
        #[arg(long)]
        model: Option<String>,
    },
    /// Rename a patch inside an entry (a voice of a bank): the name is written into the data,
    /// padded, and the checksum corrected.
    RenamePatch {
        /// The library file (.sxvl).
        library: PathBuf,
        /// The entry.
        entry: usize,
        /// The patch, 1 = first (as `info` lists the names).
        patch: usize,
        /// Its new name.
        name: String,
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
    MapPc(MapPcArgs),
    /// Recall an entry by bank select and program change, where the synth already keeps it
    /// (instant on a slow DIN synth), instead of sending its dump; or back to the dump.
    RecallByPc(RecallByPcArgs),
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
    Send(SendArgs),
    /// Ask a synth for a dump with its definition's request and capture the answer into a
    /// library (with --programs, one request and one entry per program).
    Get(GetArgs),
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
    Request(RequestArgs),
    /// Back up every synth of the rig into a library: an identity request on every MIDI output
    /// finds the synths that answer one, the saved rig (`rig add`) names the others; each is
    /// asked for everything its definition can request (banks, globals), all in one dated,
    /// tagged collection, with a line per synth.
    BackupRig(BackupRigArgs),
    /// The saved rig: synths that do not answer an identity request (port pair, definition,
    /// channel), set once for `backup-rig`.
    Rig {
        /// What to do.
        #[command(subcommand)]
        action: RigAction,
        /// The rig file (default: $SYSEX_VAULT_RIG, else rig.toml beside the user's
        /// definition folder).
        #[arg(long, global = true, value_name = "FILE")]
        rig: Option<PathBuf>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// The options of `map-pc`.
#[derive(Debug, Args)]
pub struct MapPcArgs {
    /// The library file (.sxvl).
    pub library: PathBuf,
    /// The entry.
    pub entry: usize,
    /// Program number, 1 to 128.
    #[arg(required_unless_present_any = ["clear", "from_patch"], value_parser = clap::value_parser!(u8).range(1..=128))]
    pub program: Option<u8>,
    /// Remove the entry's mapping.
    #[arg(long, conflicts_with_all = ["program", "from_patch"])]
    pub clear: bool,
    /// Use the program number stored in the patch (its device definition finds it).
    #[arg(long, conflicts_with = "program")]
    pub from_patch: bool,
    /// The channel your controller sends the program change on, 1 to 16, or `any`.
    #[arg(long, required_unless_present = "clear", value_parser = parse_channel)]
    pub channel: Option<Channel>,
    /// Only after this bank select MSB (CC 0, 0 to 127) on that channel.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
    pub bank_msb: Option<u8>,
    /// Only after this bank select LSB (CC 32, 0 to 127) on that channel.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
    pub bank_lsb: Option<u8>,
    /// Cancel a send in progress (a bank restore) at once instead of waiting for it.
    #[arg(long)]
    pub interrupt: bool,
}

/// The options of `recall-by-pc`.
#[derive(Debug, Args)]
pub struct RecallByPcArgs {
    /// The library file (.sxvl).
    pub library: PathBuf,
    /// The entry.
    pub entry: usize,
    /// Program change, 1 to 128.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=128), required_unless_present_any = ["dump", "from_patch"])]
    pub program: Option<u8>,
    /// Take program (and bank, as bank select MSB) from the patch's own numbers.
    #[arg(long, conflicts_with = "program")]
    pub from_patch: bool,
    /// MIDI channel, 1 to 16.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub channel: u8,
    /// Bank select MSB (CC 0) sent first.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
    pub bank_msb: Option<u8>,
    /// Bank select LSB (CC 32) sent first.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
    pub bank_lsb: Option<u8>,
    /// Recall by sending the dump again.
    #[arg(long, conflicts_with_all = ["program", "from_patch"])]
    pub dump: bool,
}

/// The options of `send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The library file (.sxvl).
    pub library: PathBuf,
    /// Output port: its name, or a unique part of it (any case).
    pub port: String,
    /// Only these entries (repeatable; all by default).
    #[arg(long = "entry", value_name = "N")]
    pub entries: Vec<usize>,
    /// Only these messages of the one entry given (1-based: 7, 3-5, 3-): resend the block
    /// that failed.
    #[arg(long, value_name = "RANGE")]
    pub messages: Option<String>,
    /// Starting point for the pacing; --rate, --gap, --chunk and --chunk-pause change it.
    #[arg(long, value_enum, default_value = "din")]
    pub preset: PacingPreset,
    /// Bytes per second.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub rate: Option<u32>,
    /// Milliseconds of silence after each message.
    #[arg(long)]
    pub gap: Option<u32>,
    /// Send each message in chunks of this many bytes (4-256, rounded down to a multiple
    /// of 3; 0: whole messages).
    #[arg(long, value_parser = parse_chunk)]
    pub chunk: Option<u32>,
    /// Milliseconds of silence after each chunk.
    #[arg(long)]
    pub chunk_pause: Option<u32>,
    /// The synth's output port, for --handshake and --verify, and for the backup: before a
    /// bank is sent, the synth is asked for the bank it holds, which is kept in the library.
    #[arg(long = "in", value_name = "PORT")]
    pub input: Option<String>,
    /// Send without first asking the synth for what the send overwrites.
    #[arg(long)]
    pub no_backup: bool,
    /// Back up single programs sent into a memory slot too (banks are backed up by default).
    #[arg(long, conflicts_with = "no_backup")]
    pub backup_programs: bool,
    /// Wait for the synth's acknowledge after each message (the replies its device
    /// definition names, or --ack/--nak/--error); needs --in.
    #[arg(long, requires = "input")]
    pub handshake: bool,
    /// An acknowledge pattern (hex bytes; `??` for any byte, `0n` for the channel).
    #[arg(long, value_name = "PATTERN", requires = "handshake")]
    pub ack: Vec<String>,
    /// A "send again" pattern.
    #[arg(long, value_name = "PATTERN", requires = "handshake")]
    pub nak: Vec<String>,
    /// An error pattern: stop.
    #[arg(long, value_name = "PATTERN", requires = "handshake")]
    pub error: Vec<String>,
    /// Milliseconds of silence before a reply is given up (restarts on every byte).
    #[arg(long, default_value_t = 2000)]
    pub reply_timeout: u64,
    /// How often a message is sent again after a "send again", or a request after silence.
    #[arg(long, default_value_t = 2)]
    pub retries: u32,
    /// After each message, ask the synth for it back and compare (exit 1 if one differs);
    /// needs --in.
    #[arg(long, requires = "input", conflicts_with = "handshake")]
    pub verify: bool,
}

/// The options of `get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// The library file (.sxvl).
    pub library: PathBuf,
    /// Device definition id (see `sysex-vault devices`).
    pub device: String,
    /// Which request (see `sysex-vault devices ID`).
    pub request: String,
    /// Output port (to the synth).
    #[arg(long = "out", value_name = "PORT")]
    pub output: String,
    /// Input port (from the synth).
    #[arg(long = "in", value_name = "PORT")]
    pub input: String,
    /// The synth's MIDI channel, 1 to 16.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub channel: u8,
    /// The synth's SysEx device ID (default: the definition's).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
    pub device_id: Option<u8>,
    /// Program number, as the synth numbers it in SysEx (from 0).
    #[arg(long, conflicts_with = "programs")]
    pub program: Option<u16>,
    /// Walk programs N-M (from 0), one request and one entry each.
    #[arg(long, value_name = "N-M")]
    pub programs: Option<String>,
    /// Bank number.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
    pub bank: Option<u8>,
    /// Milliseconds of silence after a request before asking again.
    #[arg(long, default_value_t = 2000)]
    pub wait: u64,
    /// Milliseconds of silence that end a dump (restarts on every byte).
    #[arg(long, default_value_t = 1000)]
    pub idle: u64,
    /// How often a request is sent again after silence.
    #[arg(long, default_value_t = 2)]
    pub retries: u32,
    /// Create the library if it does not exist.
    #[arg(long)]
    pub create: bool,
}

/// What `rig` does.
#[derive(Debug, Subcommand)]
pub enum RigAction {
    /// Add a synth to the saved rig.
    Add {
        /// Output port to the synth: its name, or a unique part of it (any case).
        #[arg(long = "out", value_name = "PORT")]
        output: String,
        /// Input port from the synth.
        #[arg(long = "in", value_name = "PORT")]
        input: String,
        /// Device definition id (see `sysex-vault devices`).
        #[arg(long)]
        device: String,
        /// The synth's MIDI channel, 1 to 16.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=16))]
        channel: u8,
        /// The synth's SysEx device ID (0-127; default: the definition's).
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
        device_id: Option<u8>,
        /// Banks to ask for, for requests that take a bank number (N or N-M; default 0).
        #[arg(long, value_name = "N-M")]
        banks: Option<String>,
    },
    /// List the saved rig.
    List {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Remove a synth from the saved rig (numbered from 1 as `rig list` shows them).
    Remove {
        /// The synth's number.
        number: usize,
    },
}

/// The options of `backup-rig`.
#[derive(Debug, Args)]
pub struct BackupRigArgs {
    /// The library file (.sxvl).
    pub library: PathBuf,
    /// Create the library if it does not exist.
    #[arg(long)]
    pub create: bool,
    /// The rig file (default: $SYSEX_VAULT_RIG, else rig.toml beside the user's definition
    /// folder).
    #[arg(long, value_name = "FILE")]
    pub rig: Option<PathBuf>,
    /// Send no identity request: back up the saved rig only.
    #[arg(long)]
    pub no_identity: bool,
    /// Milliseconds to wait for identity replies after the request on each output.
    #[arg(long, default_value_t = 1000)]
    pub identity_wait: u64,
    /// Milliseconds of silence after a request before asking again.
    #[arg(long, default_value_t = 2000)]
    pub wait: u64,
    /// Milliseconds of silence that end a dump (restarts on every byte).
    #[arg(long, default_value_t = 1000)]
    pub idle: u64,
    /// How often a request is sent again after silence.
    #[arg(long, default_value_t = 2)]
    pub retries: u32,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// The options of `request`.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// Device definition id (see `sysex-vault devices`).
    pub device: String,
    /// Which request (see `sysex-vault devices ID`).
    pub request: String,
    /// Output port: its name, or a unique part of it (any case).
    #[arg(long, required_unless_present = "print")]
    pub port: Option<String>,
    /// Print the bytes instead of sending them.
    #[arg(long)]
    pub print: bool,
    /// The synth's MIDI channel, 1 to 16.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub channel: u8,
    /// The synth's SysEx device ID (0-127; default: the definition's).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
    pub device_id: Option<u8>,
    /// Program number as the synth numbers it in SysEx (from 0).
    #[arg(long)]
    pub program: Option<u16>,
    /// Bank number as the synth numbers it in SysEx.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=127))]
    pub bank: Option<u8>,
}

/// A MIDI channel typed on the command line: 1-16, or `any` (`None`).
#[derive(Clone, Copy, Debug)]
pub struct Channel(pub Option<u8>);

/// `--channel`: 1 to 16, or `any`.
fn parse_channel(text: &str) -> Result<Channel, String> {
    if text.eq_ignore_ascii_case("any") {
        return Ok(Channel(None));
    }
    match text.parse::<u8>() {
        Ok(c @ 1..=16) => Ok(Channel(Some(c - 1))),
        _ => Err(format!("`{text}`: a channel is 1 to 16, or `any`")),
    }
}

/// The `completions` script for `shell`.
pub(super) fn completions(shell: clap_complete::Shell) -> Result<Output, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "sysex-vault", &mut script);
    Ok(ok(String::from_utf8_lossy(&script).trim_end().to_owned()))
}
