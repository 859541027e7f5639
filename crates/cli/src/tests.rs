//! Tests of the command line's pieces that the process-level tests (`tests/cli*.rs`) cannot
//! reach.

use super::import_export::import_within;
use super::EXIT_INPUT;
use crate::library::{file, Library};
use std::path::PathBuf;

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
