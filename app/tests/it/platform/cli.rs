//! The real binary: `ejia user add`, `ejia token create`, `ejia migrate`, `--help`, and a
//! clean shutdown on SIGTERM.

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::helpers::*;

fn ejia(app: &TestApp) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ejia"));
    cmd.arg("--data-dir").arg(app.dir.path()).env("EJIA_DATABASE_URL", &app.database_url).env("EJIA_LOG", "warn");
    cmd
}

fn run(mut cmd: Command, stdin: &str) -> (bool, String, String) {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[tokio::test]
async fn a_user_added_by_the_cli_logs_in_and_its_token_reads_me() {
    let app = TestApp::with_district().await;
    let mut cmd = ejia(&app);
    cmd.args([
        "user",
        "add",
        "--phone",
        "13800000001",
        "--name",
        "张三",
        "--role",
        "street_admin",
        "--scope",
        "street:370202001",
        "--community",
        YUNXIAOLU,
        "--password-stdin",
    ]);
    let (ok, out, err) = tokio::task::spawn_blocking(move || run(cmd, "长长的安全密码口令\n")).await.unwrap();
    assert!(ok, "{out}{err}");
    assert!(out.contains("street_admin"));
    app.login_with("13800000001", "长长的安全密码口令").await;
    let (_, manage) = app.page("/manage/communities").await;
    assert!(manage.contains("云霄路社区") && !manage.contains("团岛社区"));

    let mut cmd = ejia(&app);
    cmd.args(["token", "create", "--phone", "13800000001"]);
    let (ok, token, err) = tokio::task::spawn_blocking(move || run(cmd, "")).await.unwrap();
    assert!(ok, "{err}");
    let token = token.trim();
    assert!(token.starts_with("ejia_"));
    let me: serde_json::Value =
        reqwest::Client::new().get(app.at("/api/v1/me")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["display_name"], "张三");

    // Mistakes are explained and change nothing.
    let users = app.count("users").await;
    for args in [
        vec!["user", "add", "--phone", "12345", "--name", "x", "--role", "resident"],
        vec!["user", "add", "--phone", "13800000002", "--name", "x", "--role", "king"],
        vec!["user", "add", "--phone", "13800000002", "--name", "x", "--role", "street_admin"],
        vec!["user", "add", "--phone", "13800000001", "--name", "x", "--role", "resident"],
        vec!["token", "create", "--phone", "13800000099"],
    ] {
        let mut cmd = ejia(&app);
        cmd.args(&args);
        let (ok, _, err) = tokio::task::spawn_blocking(move || run(cmd, "")).await.unwrap();
        assert!(!ok, "{args:?} should fail");
        assert!(err.starts_with("ejia: ") && !err.contains("panicked"), "{err}");
    }
    assert_eq!(app.count("users").await, users);
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["user", "add", "--help"],
        vec!["token", "create", "--help"],
        vec!["district", "import", "--help"],
        vec!["sms", "outbox", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_ejia")).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("--data-dir") && text.contains("--config"), "{args:?}: global options listed\n{text}");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn serve_demo_starts_and_stops_cleanly_on_sigterm() {
    use std::io::{BufRead as _, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(dir.path()).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ejia"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--demo", "--addr", "127.0.0.1:0"])
        .env("EJIA_DATABASE_URL", &database_url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, url) = tokio::task::spawn_blocking(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let done = line.starts_with("ejia is serving on ");
            lines.push(line.clone());
            if done {
                return (lines, line.trim_start_matches("ejia is serving on ").to_owned());
            }
        }
        (lines, String::new())
    })
    .await
    .unwrap();
    let output = lines.join("\n");
    assert!(output.contains("11 streets, 50 communities"), "{output}");
    let password = output.split("password for all: ").nth(1).unwrap().split(';').next().unwrap().to_owned();
    assert!(output.contains("13800000001  district_admin"));
    let home = reqwest::get(format!("{url}/district")).await.unwrap().text().await.unwrap();
    assert!(home.contains("香港中路街道"));
    // A demo account logs in with the printed password.
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let token = csrf_in(&client.get(format!("{url}/login")).send().await.unwrap().text().await.unwrap());
    let r = client
        .post(format!("{url}/login"))
        .form(&[("_csrf", token.as_str()), ("phone", "13800000001"), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let pid = child.id().to_string();
    let status = tokio::task::spawn_blocking(move || {
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        child.wait().unwrap()
    })
    .await
    .unwrap();
    assert!(status.success(), "exit after SIGTERM: {status:?}");
    // Migrating an existing database again is a no-op that succeeds.
    let out = Command::new(env!("CARGO_BIN_EXE_ejia"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("migrate")
        .env("EJIA_DATABASE_URL", &database_url)
        .output()
        .unwrap();
    assert!(out.status.success());
}

/// Starts `ejia serve` with `args` and environment `env`, stops it once it serves, and returns
/// what it logged.
#[cfg(unix)]
async fn serve_log(dir: &std::path::Path, database_url: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    use std::io::{BufRead as _, BufReader, Read as _};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ejia"));
    cmd.arg("--data-dir").arg(dir).arg("serve").args(args).env("EJIA_DATABASE_URL", database_url);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    tokio::task::spawn_blocking(move || {
        let serving = BufReader::new(stdout).lines().any(|l| l.unwrap().starts_with("ejia is serving on "));
        assert!(serving);
        Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(child.wait().unwrap().success());
        let mut log = String::new();
        stderr.read_to_string(&mut log).unwrap();
        log
    })
    .await
    .unwrap()
}

#[cfg(unix)]
#[tokio::test]
async fn serving_beyond_loopback_without_a_public_url_warns() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(dir.path()).await;
    let log = serve_log(dir.path(), &database_url, &["--addr", "0.0.0.0:0"], &[]).await;
    assert!(log.contains("EJIA_PUBLIC_URL is not set"), "{log}");
    let log =
        serve_log(dir.path(), &database_url, &["--addr", "0.0.0.0:0"], &[("EJIA_PUBLIC_URL", "https://ejia.example")])
            .await;
    assert!(!log.contains("EJIA_PUBLIC_URL"), "{log}");
    let log = serve_log(dir.path(), &database_url, &["--addr", "127.0.0.1:0"], &[]).await;
    assert!(!log.contains("EJIA_PUBLIC_URL"), "on loopback, as with --demo, nothing to say: {log}");
}

#[tokio::test]
async fn sms_outbox_shows_a_registration_code_while_it_is_good() {
    let app = TestApp::spawn().await;
    assert_eq!(app.post("/register", &[("phone", "13912345678")]).await.status(), 303);
    let code = crate::helpers::latest_code(&app).await;
    let mut cmd = ejia(&app);
    cmd.args(["sms", "outbox", "--phone", "13912345678", "--limit", "1"]);
    let (ok, out, err) = tokio::task::spawn_blocking(move || run(cmd, "")).await.unwrap();
    assert!(ok, "{err}");
    assert!(out.contains(&format!("验证码是 {code}")), "as the browser tests read it: {out}");
}

#[tokio::test]
async fn a_community_register_is_imported_all_or_nothing_with_tokens() {
    let app = TestApp::with_district().await;
    let csv = app.dir.path().join("register.csv");
    let tokens = app.dir.path().join("tokens.csv");
    std::fs::write(
        &csv,
        format!("phone,name,community\n13955550001,甲,{YUNXIAOLU}\n13955550002,乙,{TUANDAO}\n13955550003,丙,999\n"),
    )
    .unwrap();
    let users = app.count("users").await;
    let mut cmd = ejia(&app);
    cmd.args(["user", "import"]).arg(&csv).arg("--tokens").arg(&tokens);
    let (ok, _, err) = tokio::task::spawn_blocking(move || run(cmd, "")).await.unwrap();
    assert!(!ok && err.contains("line 4"), "{err}");
    assert_eq!(app.count("users").await, users, "one bad line, nothing imported");
    std::fs::write(&csv, format!("13955550001,甲,{YUNXIAOLU}\n139 5555 0002,乙,{TUANDAO}\n")).unwrap();
    let mut cmd = ejia(&app);
    cmd.args(["user", "import"]).arg(&csv).arg("--tokens").arg(&tokens);
    let (ok, out, err) = tokio::task::spawn_blocking(move || run(cmd, "")).await.unwrap();
    assert!(ok, "{err}");
    assert!(out.contains("created 2 accounts"));
    let written = std::fs::read_to_string(&tokens).unwrap();
    let token = written.lines().find(|l| l.starts_with("13955550002,")).unwrap().split(',').nth(1).unwrap().to_owned();
    let me: serde_json::Value =
        reqwest::Client::new().get(app.at("/api/v1/me")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["display_name"], "乙");
    // Importing again skips who is there.
    let mut cmd = ejia(&app);
    cmd.args(["user", "import"]).arg(&csv);
    let (ok, out, _) = tokio::task::spawn_blocking(move || run(cmd, "")).await.unwrap();
    assert!(ok && out.contains("created 0 accounts, skipped 2"), "{out}");
}
