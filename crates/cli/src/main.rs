//! The `sysex-vault` command line (see [`sysex_vault_cli`]).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match sysex_vault_cli::run(&args) {
        Ok(out) => {
            if !out.text.is_empty() {
                println!("{}", out.text);
            }
            std::process::exit(out.code);
        }
        Err(f) => {
            eprintln!("sysex-vault: {}", f.message);
            std::process::exit(f.code);
        }
    }
}
