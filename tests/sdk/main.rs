//! The SDK's own tests against local stand-ins (wiremock and raw TCP servers), no network.
//! One test binary, so every module shares one build and one link.

mod doc_paths;
mod errors;
mod fuzz;
mod hardening;
mod interceptors;
mod open_models;
mod operations;
mod paginate;
mod refused_streams;
mod resilience;
mod secrets;
mod snippets;
mod spans;
mod support;
mod webhooks;
