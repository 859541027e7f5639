//! The `sysex-vault` command line for the tests that run it: it belongs to another package
//! (`crates/cli`), whose binaries cargo does not name to this one's tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Environment variable naming a prebuilt `sysex-vault` to run instead of building one (the
/// Windows tests under Wine pass the cross-built `sysex-vault.exe`: no cargo runs inside Wine).
pub const CLI_VAR: &str = "SYSEX_VAULT_CLI";

/// Path of the `sysex-vault` binary: [`CLI_VAR`] when set, else built once per test binary with
/// the same cargo, profile and features as the tests.
pub fn path() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        if let Some(path) = std::env::var_os(CLI_VAR) {
            let path = PathBuf::from(path);
            assert!(path.exists(), "{CLI_VAR}={} does not exist", path.display());
            return path;
        }
        let mut cmd = Command::new(env!("CARGO"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
            "build",
            "--quiet",
            "-p",
            "sysex-vault-cli",
            "--bin",
            "sysex-vault",
        ]);
        if !cfg!(debug_assertions) {
            cmd.arg("--release");
        }
        if cfg!(feature = "jack") {
            cmd.args(["--features", "jack"]);
        }
        let status = cmd.status().expect("run cargo build");
        assert!(status.success(), "building the command line failed");
        let exe = std::env::current_exe().expect("test binary path");
        let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
        let path = dir.join(format!("sysex-vault{}", std::env::consts::EXE_SUFFIX));
        assert!(
            path.exists(),
            "{} missing after cargo build",
            path.display()
        );
        path
    })
}
