//! The fake Plaid (`plaid_item::testing`) as a standalone server, for code in other
//! languages and for benchmarks in another process.
//!
//! `cargo run --example fake_plaid -- [--port P] [--max-seconds S] [--client-id ID]
//! [--secret SECRET] [--access-token TOKEN]...`
//!
//! Prints the base URL on its first line (scripts read it), then the credentials and one
//! access token per seeded Item, then serves until killed or until S seconds (default 1800)
//! have passed. Each `--access-token` seeds a linked Item with that token; without any, one
//! Item with a generated token is seeded.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use plaid_item::testing::{FakePlaid, NewItem};
use plaid_item::types::Products;

struct Args {
    port: u16,
    max_seconds: u64,
    credentials: Option<(String, String)>,
    access_tokens: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 0,
        max_seconds: 1800,
        credentials: None,
        access_tokens: Vec::new(),
    };
    let (mut client_id, mut secret) = (None, None);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => args.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--max-seconds" => {
                args.max_seconds = value()?
                    .parse()
                    .map_err(|e| format!("--max-seconds: {e}"))?
            }
            "--client-id" => client_id = Some(value()?),
            "--secret" => secret = Some(value()?),
            "--access-token" => args.access_tokens.push(value()?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    match (client_id, secret) {
        (Some(id), Some(secret)) => args.credentials = Some((id, secret)),
        (None, None) => {}
        _ => return Err("--client-id and --secret go together".into()),
    }
    Ok(args)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("fake_plaid: {message}");
            std::process::exit(2);
        }
    };
    let mut builder = FakePlaid::builder()
        .bind(SocketAddr::from(([127, 0, 0, 1], args.port)))
        // A long-running server would otherwise keep every request in memory.
        .record_requests(false);
    if let Some((id, secret)) = &args.credentials {
        builder = builder.credentials(id, secret);
    }
    let fake = match builder.try_start().await {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("fake_plaid: cannot listen on 127.0.0.1:{}: {e}", args.port);
            std::process::exit(1);
        }
    };
    let mut tokens = args.access_tokens.clone();
    if tokens.is_empty() {
        tokens.push(String::new());
    }
    println!("{}", fake.base_url());
    println!("client_id {}", fake.client_id());
    println!("secret {}", fake.secret());
    for token in tokens {
        let mut item = NewItem::new().products([Products::Transactions, Products::Auth]);
        if !token.is_empty() {
            item = item.access_token(token);
        }
        let linked = fake.link_item(item);
        println!(
            "item {} access_token {}",
            linked.item_id,
            linked.access_token.expose_secret()
        );
    }
    std::io::stdout().flush().expect("stdout");
    let limit = Duration::from_secs(args.max_seconds.min(24 * 3600));
    tokio::time::sleep(limit).await;
    eprintln!("fake_plaid: {} s passed, stopping", args.max_seconds);
}
