//! Tests of the transport stack over real HTTP on 127.0.0.1.

mod auth;
mod backend;
mod failures;
mod rate_limit;
mod retry;
mod server;
mod tls;
