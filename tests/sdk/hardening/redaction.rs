//! One redaction rule for credentials in Debug, before and after the client is built.

use plaid_item::Client;

use crate::support::{CLIENT_ID, SECRET};

#[test]
fn the_builder_and_the_client_redact_the_client_id_and_the_secret_alike() {
    let builder = Client::builder().credentials(CLIENT_ID, SECRET);
    let client = builder.clone().build().unwrap();
    for shown in [
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{builder:#?}"),
    ] {
        assert!(
            !shown.contains(CLIENT_ID) && !shown.contains(SECRET),
            "{shown}"
        );
    }
    let builder = format!("{builder:?}");
    assert!(
        builder.contains("client_id: <redacted>") && builder.contains("secret: <redacted>"),
        "{builder}"
    );
    let client = format!("{client:?}");
    assert!(
        client.contains("client_id: <redacted>") && client.contains("secret: <redacted>"),
        "{client}"
    );
    // Whether credentials are set still shows.
    assert!(format!("{:?}", Client::builder()).contains("client_id: None"));
}
