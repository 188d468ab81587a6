//! Connectors as code against the sandbox, in-process: pull, plan and apply, their
//! round trip, minimal writes, the tree's pre-flight, hostile trees and a property test.

mod hostile_tree;
mod preflight;
mod properties;
mod round_trip;
mod support;
