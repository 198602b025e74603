//! The command line: `serve` (the default), `check-config`, `import`, `export` and
//! `bundle-site`, with `--help`.

use std::process::ExitCode;

use crate::server::config::Config;

const USAGE: &str = "\
chatpulse — real-time analytics for website chat widgets

Usage:
  chatpulse [serve]        serve the dashboard, the API and the sockets (the default)
  chatpulse check-config   print the effective configuration (secrets masked); exit 1
                           when a variable is malformed
  chatpulse export [FILE]  write every stored event as NDJSON (to FILE, or - / nothing
                           for standard output): a backup that `import` restores
  chatpulse import FILE    read events from NDJSON or CSV (FILE, or - for standard input)
                           through the ingest's validation; idempotent by `id`, so it can
                           be run again after an interruption; prints what it refused
  chatpulse bundle-site SITE OUT
                           write OUT: this binary with the site folder SITE (as
                           `cargo leptos build` leaves it in target/site) packed in, a
                           single file that serves everything from any folder
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
    if command == "bundle-site" {
        return bundle_site(&args[1..]);
    }
    let takes_a_file = matches!(command, "import" | "export");
    if args.len() > 1 + usize::from(takes_a_file) || (command == "import" && args.len() < 2) {
        eprintln!("chatpulse: wrong arguments for {command}\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let config = Config::from_env();
    match (command, config) {
        ("import" | "export", Ok(config)) => {
            let file = args.get(1).cloned().unwrap_or_else(|| "-".into());
            match runtime() {
                Ok(runtime) => runtime.block_on(transfer(command, &config, &file)),
                Err(error) => {
                    eprintln!("chatpulse: cannot start the runtime: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        ("check-config", Ok(config)) => {
            print!("{}", config.describe());
            ExitCode::SUCCESS
        }
        ("check-config" | "serve" | "import" | "export", Err(problems)) => {
            eprintln!("chatpulse: {problems}");
            ExitCode::FAILURE
        }
        ("serve", Ok(config)) => match runtime() {
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

/// `bundle-site SITE OUT`: this very binary with SITE packed in, written to OUT.
#[allow(clippy::print_stdout, clippy::print_stderr)]
fn bundle_site(args: &[String]) -> ExitCode {
    let [site, out] = args else {
        eprintln!("chatpulse: bundle-site needs SITE and OUT\n\n{USAGE}");
        return ExitCode::from(2);
    };
    let output_name = std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "chatpulse".into());
    let packed = std::env::current_exe()
        .and_then(|binary| crate::server::site_bundle::pack(&binary, site.as_ref(), &output_name, out.as_ref()));
    match packed {
        Ok(packed) => {
            println!(
                "{out}: {} files ({} KB) packed; the app's files are served as {}.*",
                packed.files,
                packed.bytes / 1024,
                packed.output_name
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("chatpulse: cannot bundle {site} into {out}: {error}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build()
}

/// `import FILE` or `export FILE` against the configured database.
#[allow(clippy::print_stderr)]
async fn transfer(command: &str, config: &Config, file: &str) -> ExitCode {
    use crate::server::pipeline::transfer;
    let db = match crate::server::db::Db::connect_pooled(&config.database_url, config.database_connections).await {
        Ok(db) => db,
        Err(error) => {
            eprintln!("chatpulse: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = db.migrate().await {
        eprintln!("chatpulse: {error}");
        return ExitCode::FAILURE;
    }
    let outcome = if command == "export" {
        let written = match file {
            "-" => transfer::export(&db, &mut std::io::BufWriter::new(std::io::stdout().lock())).await,
            path => match std::fs::File::create(path) {
                Ok(out) => transfer::export(&db, &mut std::io::BufWriter::new(out)).await,
                Err(error) => Err(error.into()),
            },
        };
        written.map(|count| eprintln!("chatpulse: exported {count} events"))
    } else {
        let progress = |summary: &transfer::ImportSummary| show_progress(summary);
        let summary = match file {
            "-" => transfer::import(&db, std::io::stdin().lock(), progress).await,
            path => match std::fs::File::open(path) {
                Ok(input) => transfer::import(&db, std::io::BufReader::new(input), progress).await,
                Err(error) => Err(error.into()),
            },
        };
        summary.map(|summary| eprint!("\nchatpulse: {summary}"))
    };
    db.close().await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("chatpulse: {command} failed: {error}");
            ExitCode::FAILURE
        }
    }
}

/// On a terminal, one line rewritten in place; in a log, a line every 100,000 events.
#[allow(clippy::print_stderr)]
fn show_progress(summary: &crate::server::pipeline::transfer::ImportSummary) {
    use std::io::IsTerminal;
    let line = format!("{} read, {} stored, {} refused", summary.lines, summary.stored, summary.refused);
    if std::io::stderr().is_terminal() {
        eprint!("\r{line}");
    } else if summary.lines % 100_000 < 1000 {
        eprintln!("{line}");
    }
}
