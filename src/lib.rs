//! scorecard: a stateless gRPC service that scores performance reviews
//! against weighted KPI rubrics, exactly and explained.
//!
//! The domain (rubrics, scoring, ticket metrics) is the `scorecard_core`
//! crate, which knows nothing of gRPC. This crate holds the rings around
//! it, imports pointing inward: [`api`] (proto ⇄ domain), [`server`]
//! (wiring), and the [`cli`].

pub mod api;
pub mod cli;
pub mod server;

/// The service version carried in every answer.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
