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
//!
//! One module per command group (`entries`, `info`, `import_export`, `banks`, `definitions`,
//! `diff`, `midi`, `transfers`, `rig`), the grammar in `args`, the exit codes in `failure`, the JSON
//! documents in `json` and the library file handling every command shares in `library_io`;
//! [`execute`] only dispatches.

mod args;
mod banks;
mod definitions;
mod devices;
mod diff;
mod entries;
mod failure;
mod import_export;
mod info;
mod json;
mod library_io;
mod midi;
pub mod progress;
mod rig;
#[cfg(test)]
mod tests;
pub mod transfers;

use sysex_vault_core::{backup, files, library, pacing, state, sysex, transfer};
use sysex_vault_midi_io as ports;

pub use args::{
    BackupRigArgs, Channel, Cli, Command, ExtractFormat, GetArgs, MapPcArgs, PacingPreset,
    RecallByPcArgs, RequestArgs, RigAction, SendArgs,
};
pub use failure::{
    Failure, Output, EXIT_DIFFERENT, EXIT_INPUT, EXIT_MIDI, EXIT_OUTPUT, EXIT_USAGE,
};

use clap::Parser;
use failure::{ok, usage};

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

/// Runs one parsed command.
pub fn execute(command: Command) -> Result<Output, Failure> {
    match command {
        Command::Init { library, force } => entries::init(&library, force),
        Command::List {
            library,
            json,
            search,
        } => entries::list(&library, json, search.as_deref()),
        Command::Info {
            files,
            entries,
            strict,
            params,
            json,
        } => info::info(&files, &entries, info::Show { strict, params }, json),
        Command::Import {
            library,
            files,
            create,
            strict,
        } => import_export::import(&library, &files, create, strict),
        Command::Merge {
            library,
            sources,
            create,
            keep_duplicates,
        } => import_export::merge(&library, &sources, create, keep_duplicates),
        Command::Export {
            library,
            out,
            entries,
            force,
        } => import_export::export(&library, &out, &entries, force),
        Command::Extract {
            project,
            outdir,
            format,
            force,
        } => import_export::extract(&project, &outdir, format, force),
        Command::Rename {
            library,
            entry,
            name,
        } => entries::rename(&library, entry, name),
        Command::Delete { library, entries } => entries::delete(&library, &entries),
        Command::Move {
            library,
            entry,
            position,
        } => entries::move_to(&library, entry, position),
        Command::Split {
            library,
            entry,
            messages,
            model,
        } => banks::split(&library, entry, messages, model.as_deref()),
        Command::RenamePatch {
            library,
            entry,
            patch,
            name,
        } => banks::rename_patch(&library, entry, patch, &name),
        Command::BuildBank {
            library,
            entries,
            name,
        } => banks::build_bank(&library, &entries, name),
        Command::FixChecksum { library, entries } => banks::fix_checksum(&library, &entries),
        Command::Group {
            library,
            entries,
            name,
        } => entries::group(&library, &entries, name),
        Command::SetRecall {
            library,
            entry,
            none: _,
        } => entries::set_recall(&library, entry),
        Command::MapPc(args) => entries::map_pc(args),
        Command::RecallByPc(args) => entries::recall_by_pc(args),
        Command::Tag {
            library,
            entry,
            tags,
            remove,
        } => entries::tag(&library, entry, &tags, remove),
        Command::Favourite {
            library,
            entry,
            off,
        } => entries::favourite(&library, entry, off),
        Command::Note {
            library,
            entry,
            text,
        } => entries::note(&library, entry, &text),
        Command::Diff { a, b, json } => diff::diff(&a, &b, json),
        Command::Ports { json } => midi::ports(json),
        Command::Send(args) => midi::send(args),
        Command::Get(args) => midi::get(args),
        Command::Capture {
            library,
            port,
            gap,
            timeout,
            create,
        } => midi::capture(&library, &port, gap, timeout, create),
        Command::Devices { id, check } => definitions::devices(id, &check),
        Command::Request(args) => definitions::request(args),
        Command::BackupRig(args) => rig::backup_rig(args),
        Command::Rig { action, rig } => rig::rig(action, rig),
        Command::Completions { shell } => args::completions(shell),
    }
}
