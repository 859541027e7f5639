//! The library: what a musician keeps. Entries (a preset, a bank, any dump), the collection and
//! its operations, and the take recorder that turns captured bytes into entries. Pure: no plugin
//! framework, no threads.

pub mod collection;
pub mod diff;
pub mod edit;
pub mod entry;
pub mod file;
pub mod merge;
pub mod patches;
pub mod search;
pub mod take;

pub use collection::Library;
pub use edit::Edit;
pub use entry::{Entry, EntryId, ProgramChange, ProgramMap, Source, StoredAt};
pub use take::{Take, TakeRecorder};

/// UTC date and time of a Unix timestamp in milliseconds: "2026-11-30 15:25".
pub fn utc_datetime(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (Howard Hinnant's method).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Milliseconds since the Unix epoch (0 if the clock is before it): entry and log times.
pub fn now_unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
