//! Starts chatpulse: the command line decides what to run (`server::cli`).

fn main() -> std::process::ExitCode {
    chatpulse::server::cli::main()
}
