//! Benchmarks of the engine issue, each against a baseline measured in the same run.
//!
//! ```text
//! cargo bench --features ssr --bench chatpulse -- ingest
//! cargo bench --features ssr --bench chatpulse -- reads [--messages 1000000]
//! cargo bench --features ssr --bench chatpulse -- stats [--backend sqlite|postgres] [--messages 1000000] [--baseline-runs 3] [--preloaded]
//! cargo bench --features ssr --bench chatpulse -- fanout [--sockets 1000] [--rounds 60]
//! cargo bench --features ssr --bench chatpulse -- signal [--sockets 1000] [--rounds 60]
//! cargo bench --features ssr --bench chatpulse -- cluster [--sockets 10000] [--rounds 30] [--refetchers 100]
//! cargo bench --features ssr --bench chatpulse -- logins [--count 1000]
//! cargo bench --features ssr --bench chatpulse -- late [--history 20000] [--late 1000]
//! cargo bench --features ssr --bench chatpulse -- import [--events 1000000]
//! cargo bench --features ssr --bench chatpulse -- sources [--rows 1000000] [--samples 60]
//! ```
//! The server runs as a child process (this binary, re-run with CHATPULSE_BENCH_SERVE=1)
//! so that its memory and CPU are its own; this process only generates load.

mod support;

use support::server::serve_if_asked;

fn main() {
    if serve_if_asked() {
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let which = args.first().map(String::as_str).unwrap_or("all");
    let option = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        match which {
            "ingest" => support::ingest::run().await,
            "reads" => support::reads::run(option("--messages", "1000000").parse().unwrap()),
            "stats" => {
                let messages: usize = option("--messages", "1000000").parse().unwrap();
                let baseline_runs: usize = option("--baseline-runs", "3").parse().unwrap();
                let preloaded = args.iter().any(|a| a == "--preloaded");
                support::stats::run(&option("--backend", "sqlite"), messages, baseline_runs, preloaded).await
            }
            "restart" => {
                let messages: usize = option("--messages", "1000000").parse().unwrap();
                let preloaded = args.iter().any(|a| a == "--preloaded");
                let peer = Some(option("--peer-bin", "")).filter(|p| !p.is_empty()).map(std::path::PathBuf::from);
                let starts: usize = option("--starts", "3").parse().unwrap();
                support::restart::run(&option("--backend", "sqlite"), messages, starts, preloaded, peer.as_deref()).await
            }
            "fanout" => {
                let sockets: usize = option("--sockets", "1000").parse().unwrap();
                let rounds: usize = option("--rounds", "60").parse().unwrap();
                support::fanout::run(sockets, rounds).await
            }
            "signal" => {
                let sockets: usize = option("--sockets", "1000").parse().unwrap();
                support::signal::run(sockets, option("--rounds", "60").parse().unwrap()).await
            }
            "cluster" => {
                let sockets: usize = option("--sockets", "10000").parse().unwrap();
                let rounds: usize = option("--rounds", "30").parse().unwrap();
                let refetchers: usize = option("--refetchers", "100").parse().unwrap();
                support::cluster::run(sockets, rounds, refetchers).await
            }
            "import" => support::import::run(option("--events", "1000000").parse().unwrap()).await,
            "sources" => {
                let rows: usize = option("--rows", "1000000").parse().unwrap();
                support::sources::run(rows, option("--samples", "60").parse().unwrap()).await
            }
            "logins" => support::hostile::logins(option("--count", "1000").parse().unwrap()).await,
            "late" => {
                let history: usize = option("--history", "20000").parse().unwrap();
                support::hostile::late(history, option("--late", "1000").parse().unwrap()).await
            }
            "all" => {
                support::ingest::run().await;
                support::fanout::run(1000, 60).await;
                support::stats::run("sqlite", 1_000_000, 3, false).await;
                support::stats::run("postgres", 1_000_000, 3, false).await;
            }
            other => {
                eprintln!("unknown benchmark {other}: use ingest, reads, stats, restart, fanout, signal, cluster, logins, late, import, sources or all")
            }
        }
    });
}
