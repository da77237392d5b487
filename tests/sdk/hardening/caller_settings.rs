//! A caller who tunes the SDK's reqwest client (`ClientBuilder::configure_http`) and turns on
//! what the SDK keeps off: redirects, `Referer`, resends, invalid certificates. The SDK's own
//! settings are applied after the caller's, so nothing follows a redirect anywhere.

use std::sync::atomic::Ordering;

use plaid_item::{ErrorKind, RetryPolicy};

use super::{item_get, item_remove, reply, serve, tuned_client, FOLLOWABLE_REDIRECTS};
use crate::support::example_response;

#[tokio::test]
async fn a_redirect_the_callers_settings_would_follow_is_an_error_and_goes_nowhere() {
    let body = example_response("/item/get").unwrap().to_string();
    let other = serve(reply(
        "200 OK",
        &[("content-type", b"application/json")],
        body.as_bytes(),
    ))
    .await;
    let location = format!("{}/item/get", other.url);
    for code in FOLLOWABLE_REDIRECTS {
        let server = serve(reply(code, &[("location", location.as_bytes())], b"")).await;
        let client = tuned_client(
            &server.url,
            RetryPolicy::standard().with_retry_state_changing(true),
        );
        for result in [item_get(&client).await, item_remove(&client).await] {
            let err = result.expect_err("a redirect is not a success");
            let ErrorKind::Redirect(redirect) = err.kind() else {
                panic!("{code}: {err:?}");
            };
            assert_eq!(redirect.location.as_deref(), Some(location.as_str()));
            assert_eq!(err.attempts(), 1, "{code}");
        }
        assert_eq!(server.connections.load(Ordering::SeqCst), 2, "{code}");
    }
    assert_eq!(
        other.connections.load(Ordering::SeqCst),
        0,
        "the credentials went nowhere else"
    );
}
