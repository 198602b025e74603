//! The command line, run as the real binary.

use std::process::Command;

fn chatpulse(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let empty = std::env::temp_dir().join(format!("chatpulse-cli-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_chatpulse"))
        .args(args)
        .current_dir(&empty) // no .env file here
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().unwrap_or(-1), text(output.stdout), text(output.stderr))
}

#[test]
fn check_config_prints_the_effective_configuration_with_secrets_masked() {
    let env = [
        ("CHATPULSE_DATABASE_URL", "postgres://app:s3cret@db.example/chat?sslmode=require"),
        ("CHATPULSE_ADMIN_PASSWORD", "a very secret passphrase"),
        ("CHATPULSE_RETENTION_DAYS", "90"),
    ];
    let (code, out, err) = chatpulse(&["check-config"], &env);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("CHATPULSE_DATABASE_URL = postgres://app:***@db.example/chat?sslmode=require"), "{out}");
    assert!(out.contains("CHATPULSE_ADMIN_PASSWORD = (set, hidden)"), "{out}");
    assert!(out.contains("CHATPULSE_RETENTION_DAYS = 90"), "{out}");
    assert!(!out.contains("s3cret") && !out.contains("very secret"), "{out}");
}

#[test]
fn a_malformed_value_stops_check_config_and_serve_with_its_name() {
    let env = [("CHATPULSE_KEY_EVENTS_PER_SECOND", "lots"), ("CHATPULSE_DEMO", "yes please")];
    for command in [&["check-config"][..], &["serve"][..], &[][..]] {
        let (code, _, err) = chatpulse(command, &env);
        assert_eq!(code, 1, "{command:?}: {err}");
        assert!(err.contains("CHATPULSE_KEY_EVENTS_PER_SECOND=\"lots\"") && err.contains("CHATPULSE_DEMO"), "{err}");
    }
}

#[test]
fn help_and_unknown_commands() {
    let (code, out, _) = chatpulse(&["--help"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("check-config") && out.contains("serve"), "{out}");
    let (code, _, err) = chatpulse(&["frobnicate"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown command"), "{err}");
}
