//! The command line: `serve` (the default) and `check-config`, each with `--help`.

use std::process::ExitCode;

use crate::server::config::Config;

const USAGE: &str = "\
chatpulse — real-time analytics for website chat widgets

Usage:
  chatpulse [serve]        serve the dashboard, the API and the sockets (the default)
  chatpulse check-config   print the effective configuration (secrets masked); exit 1
                           when a variable is malformed
  chatpulse --help         this text

Configuration comes from CHATPULSE_* variables and a .env file in the working folder;
the README lists every variable.
";

/// Runs the command the arguments name; the process's exit code.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if args.iter().any(|a| a == "--help" || a == "-h") || command == "help" {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if args.len() > 1 {
        eprintln!("chatpulse: unexpected arguments after {command}\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let config = Config::from_env();
    match (command, config) {
        ("check-config", Ok(config)) => {
            print!("{}", config.describe());
            ExitCode::SUCCESS
        }
        ("check-config" | "serve", Err(problems)) => {
            eprintln!("chatpulse: {problems}");
            ExitCode::FAILURE
        }
        ("serve", Ok(config)) => match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
            Ok(runtime) => runtime.block_on(crate::server::startup::run(config)),
            Err(error) => {
                eprintln!("chatpulse: cannot start the runtime: {error}");
                ExitCode::FAILURE
            }
        },
        (other, _) => {
            eprintln!("chatpulse: unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
