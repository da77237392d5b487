//! TLS: rustls with the `ring` provider. The default aws-lc-rs provider added about 40 s to a
//! clean build for no benefit to this client; `ring` builds in a few seconds.

/// reqwest needs a process-wide rustls provider when built without its default one.
/// Installing fails harmlessly when the application installed its own first.
pub(crate) fn install_default_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
