//! scorecard: a stateless gRPC service that scores performance reviews
//! against weighted KPI rubrics, exactly and explained.
//!
//! Three rings, imports pointing inward: [`domain`] (pure scoring),
//! [`api`] (proto ⇄ domain), [`server`] (wiring), plus the [`cli`].

pub mod api;
pub mod domain;

/// The service version carried in every answer.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub mod cli;
pub mod server;
