//! The integration tests, one binary: the real server on 127.0.0.1:0
//! called with real tonic clients, the real binary as a child process,
//! properties over random inputs, and the golden answers.

mod common;

mod bad_requests;
mod cli;
mod form;
mod golden;
mod hardening_input;
mod hardening_transport;
mod metrics;
mod production;
mod properties;
mod regressions;
mod rubrics;
mod scoring;
mod soak;
mod tickets;
mod tickets_v2;
