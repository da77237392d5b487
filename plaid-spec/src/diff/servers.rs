//! Servers (the environments the SDK can target) and authentication.

use serde_json::Value;

use super::classify::Sides;
use super::differ::{At, Differ};
use super::model::{Code, Scope};

fn servers(doc: &Value) -> Vec<(&str, Option<&str>)> {
    doc.get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| {
            Some((
                s.get("url")?.as_str()?,
                s.get("description").and_then(Value::as_str),
            ))
        })
        .collect()
}

fn named(url: &str, description: Option<&str>) -> String {
    match description {
        Some(d) => format!("{url} ({d})"),
        None => url.to_string(),
    }
}

pub fn compare_servers(d: &mut Differ<'_>) {
    let at = At::new(Scope::Server, Sides::BOTH);
    let (old, new) = (servers(d.old), servers(d.new));
    for &(url, description) in &old {
        match new.iter().find(|(u, _)| *u == url) {
            None => d.push(
                &at,
                Code::ServerRemoved,
                url,
                format!("server {} removed", named(url, description)),
                Some(url.into()),
                None,
            ),
            Some((_, after)) if *after != description => d.push(
                &at,
                Code::AnnotationChanged,
                url,
                format!("server {url}: description changed"),
                description.map(Value::from),
                after.map(Value::from),
            ),
            Some(_) => {}
        }
    }
    for &(url, description) in new.iter().filter(|(u, _)| !old.iter().any(|(o, _)| o == u)) {
        d.push(
            &at,
            Code::ServerAdded,
            url,
            format!("server {} added", named(url, description)),
            None,
            Some(url.into()),
        );
    }
}

/// The SDK sends Plaid's auth headers itself: any change to them needs a person to look.
pub fn compare_security(d: &mut Differ<'_>) {
    let at = At::new(Scope::Spec, Sides::BOTH);
    for (pointer, what) in [
        ("/security", "`security` requirements"),
        ("/components/securitySchemes", "security schemes"),
    ] {
        let (old, new) = (d.old.pointer(pointer), d.new.pointer(pointer));
        if old != new {
            d.push(
                &at,
                Code::SecurityChanged,
                "",
                format!("{what} changed: check the auth headers the SDK sends (src/transport)"),
                old.cloned(),
                new.cloned(),
            );
        }
    }
}
