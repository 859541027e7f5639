//! What a command returns: its [`Output`], or a [`Failure`] with the exit code that says what
//! went wrong (sysexits codes, and 1 for `diff` as `diff(1)`).

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
/// Exit code when the user cancelled a `send-file` with Ctrl-C (128 + SIGINT, as shells say).
pub const EXIT_CANCELLED: i32 = 130;
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

/// A successful command's output, exit code 0.
pub(super) fn ok(text: String) -> Output {
    Output { text, code: 0 }
}

/// A wrong command line ([`EXIT_USAGE`]).
pub(super) fn usage(message: String) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message,
    }
}

/// Missing, unreadable or bad input ([`EXIT_INPUT`]).
pub(super) fn input(message: String) -> Failure {
    Failure {
        code: EXIT_INPUT,
        message,
    }
}

/// Output not written ([`EXIT_OUTPUT`]).
pub(super) fn output(message: String) -> Failure {
    Failure {
        code: EXIT_OUTPUT,
        message,
    }
}

/// The MIDI system or a port unavailable, or a send stopped ([`EXIT_MIDI`]).
pub(super) fn midi(message: String) -> Failure {
    Failure {
        code: EXIT_MIDI,
        message,
    }
}
