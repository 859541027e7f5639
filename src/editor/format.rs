//! Small text formatters for the editor.

/// "512 B", "4.0 KiB", "1.0 MiB".
pub fn bytes(n: u64) -> String {
    match n {
        0..=1023 => format!("{n} B"),
        1024..=1_048_575 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}

/// UTC date and time of a Unix timestamp in milliseconds: "2026-11-30 15:25".
pub fn datetime(unix_ms: u64) -> String {
    crate::library::utc_datetime(unix_ms)
}

/// UTC time of day with seconds: "15:25:07".
pub fn time(unix_ms: u64) -> String {
    let secs = unix_ms / 1000 % 86_400;
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Text from a definition file as one paragraph per blank-line-separated block: the file's own
/// line breaks (made to keep lines short in TOML) are joined with spaces so the text wraps to
/// the panel.
pub fn reflow(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// One hex-view row: offset, 16 bytes in hex, and their ASCII.
pub fn hex_row(bytes: &[u8], row: usize) -> String {
    let start = row * 16;
    let chunk = &bytes[start.min(bytes.len())..(start + 16).min(bytes.len())];
    let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02X}")).collect();
    let ascii: String = chunk
        .iter()
        .map(|&b| {
            if (0x20..0x7F).contains(&b) {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    format!("{start:06X}  {:<47}  {ascii}", hex.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(bytes(4104), "4.0 KiB");
        assert_eq!(
            reflow(" one\ntwo  three\n\nfour\n"),
            "one two three\n\nfour"
        );
        assert_eq!(datetime(0), "1970-01-01 00:00");
        // 2026-11-30 15:25:31 UTC
        assert_eq!(datetime(1_796_052_331_000), "2026-11-30 15:25");
        assert_eq!(time(1_796_052_331_000), "15:25:31");
        assert_eq!(
            hex_row(&[0xF0, 0x43, 0x41, 0xF7], 0),
            format!("000000  {:<47}  .CA.", "F0 43 41 F7")
        );
    }
}
