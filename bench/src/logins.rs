//! `ejia-bench logins`: a burst of parallel logins, as an attacker would send them, each on its
//! own connection and all released at once. Prints how the server answered: 422 (password
//! checked and wrong), 429 (refused by a lock), 503 (hashing queue full) and anything else.
//! `bench/logins.sh` runs it against a real server and watches the server's memory.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;

use crate::case_http::{Client, percent_encode};

/// Sends `count` login POSTs at once. With `phone`, every one is for that number; without,
/// each is for a different unregistered number (only the address's limit applies then).
pub async fn burst(url: &str, phone: Option<&str>, password: &str, count: usize) -> anyhow::Result<()> {
    // One browser's CSRF cookie and token, as a script would reuse them.
    let mut first = Client::connect(url).await?;
    let page = first.send("GET", "/login", &[], String::new()).await?;
    let html = String::from_utf8_lossy(&page.body);
    let csrf = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .context("no CSRF token on /login")?
        .to_owned();
    let cookie = page.cookies.join("; ");
    let mut clients = Vec::with_capacity(count);
    for _ in 0..count {
        clients.push(Client::connect(url).await?);
    }
    let start = Arc::new(tokio::sync::Barrier::new(count));
    let began = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, mut client)| {
            let number = phone.map_or_else(|| format!("139{i:08}"), str::to_owned);
            let form = format!(
                "_csrf={}&phone={}&password={}",
                percent_encode(&csrf),
                percent_encode(&number),
                percent_encode(password)
            );
            let (cookie, start) = (cookie.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let headers = [("cookie", cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")];
                client.send("POST", "/login", &headers, form).await.map(|a| a.status)
            })
        })
        .collect();
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for t in tasks {
        let key = match t.await? {
            Ok(status) => status.to_string(),
            Err(_) => "connection error".to_owned(),
        };
        *tally.entry(key).or_default() += 1;
    }
    let answers: Vec<String> = tally.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    println!("{count} logins in {:.2} s — {}", began.elapsed().as_secs_f64(), answers.join(", "));
    Ok(())
}
