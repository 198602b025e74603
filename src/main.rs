//! Starts chatpulse: configuration from the environment, then serve until stopped.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    chatpulse::server::startup::run().await
}
