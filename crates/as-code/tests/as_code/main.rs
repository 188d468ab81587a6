//! Connectors as code against the sandbox, in-process: pull, plan and apply, their
//! round trip, minimal writes, the tree's pre-flight, hostile trees and a property test.

mod bulk;
mod c1;
mod generated_trees;
mod hostile_tree;
mod preflight;
mod promote;
mod properties;
mod requests;
mod round_trip;
mod support;
